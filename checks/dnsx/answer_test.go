package dnsx_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

func mustRR(t *testing.T, s string) dns.RR {
	t.Helper()
	rr, err := dns.NewRR(s)
	if err != nil {
		t.Fatal(err)
	}
	return rr
}

// A broken answer from the network is an error naming what is broken,
// never an answer with no records.
func TestBrokenAnswersAreErrors(t *testing.T) {
	srv := dnstest.Start(t, dnstest.Zone(t, "", "$ORIGIN example.com.\n@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"))
	srv.SetAnswer("loop.example.com",
		mustRR(t, "loop.example.com. 300 IN CNAME a.example.com."),
		mustRR(t, "a.example.com. 300 IN CNAME loop.example.com."))
	var long []dns.RR
	for i := 0; i < 20; i++ {
		long = append(long, mustRR(t, fmt.Sprintf("c%d.example.com. 300 IN CNAME c%d.example.com.", i, i+1)))
	}
	srv.SetAnswer("c0.example.com", long...)
	srv.SetAnswer("other.example.com", mustRR(t, `elsewhere.example.net. 300 IN TXT "v=spf1 -all"`))
	srv.SetAnswer("half.example.com",
		mustRR(t, "half.example.com. 300 IN CNAME t.example.com."),
		mustRR(t, `u.example.com. 300 IN TXT "v=spf1 -all"`))
	c := srv.Client(time.Second)

	for name, want := range map[string]struct {
		kind error
		text string
	}{
		"loop.example.com":  {dnsx.ErrCNAMELoop, "CNAME loop (a.example.com points back to loop.example.com)"},
		"c0.example.com":    {dnsx.ErrBadAnswer, "a CNAME chain longer than 16 names"},
		"other.example.com": {dnsx.ErrBadAnswer, "TXT record of elsewhere.example.net, another name"},
		"half.example.com":  {dnsx.ErrBadAnswer, "TXT record of u.example.com, another name"},
	} {
		ans, err := c.Query(context.Background(), name, dns.TypeTXT)
		if !errors.Is(err, want.kind) || !strings.Contains(err.Error(), want.text) {
			t.Errorf("%s: %+v, %v; want %v naming %q", name, ans, err, want.kind, want.text)
		}
	}

	// A good chain, and a DNAME with the CNAME synthesised from it, pass.
	srv.SetAnswer("x.old.example.com",
		mustRR(t, "old.example.com. 300 IN DNAME new.example.com."),
		mustRR(t, "x.old.example.com. 300 IN CNAME x.new.example.com."),
		mustRR(t, `x.new.example.com. 300 IN TXT "ok"`))
	txt, _, err := dnsx.TXT(context.Background(), c, "x.old.example.com")
	if err != nil || len(txt) != 1 || txt[0] != "ok" {
		t.Errorf("DNAME answer: %q, %v", txt, err)
	}
}

// A truncated UDP answer whose TCP retry never comes back says that TCP
// failed, not just "timeout"; it still counts as a timeout.
func TestTruncatedTCPRetryFails(t *testing.T) {
	srv := dnstest.Start(t, dnstest.Zone(t, "", "$ORIGIN example.com.\n@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ 300 IN TXT \"x\"\n"))
	srv.Set("example.com", dnstest.TruncateTCPDrop)
	_, err := srv.Client(300*time.Millisecond).Query(context.Background(), "example.com", dns.TypeTXT)
	if !errors.Is(err, dnsx.ErrTCPRetry) || !errors.Is(err, dnsx.ErrTimeout) {
		t.Fatalf("err = %v, want ErrTCPRetry and ErrTimeout", err)
	}
	for _, want := range []string{"the answer was truncated and the TCP retry failed", "timeout; TCP/53 may be blocked"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
	if got := dnsx.Brief(err); got != "the answer was truncated and the TCP retry failed" {
		t.Errorf("Brief = %q", got)
	}
}

// A server that answers FORMERR to EDNS is asked again without it (RFC
// 6891 §7), and its answer is used.
func TestFormErrToEDNSRetriesWithout(t *testing.T) {
	srv := dnstest.Start(t, dnstest.Zone(t, "", "$ORIGIN example.com.\n@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ 300 IN TXT \"old server\"\n"))
	srv.Set("example.com", dnstest.FormErrEDNS)
	txt, _, err := dnsx.TXT(context.Background(), srv.Client(time.Second), "example.com")
	if err != nil || len(txt) != 1 || txt[0] != "old server" {
		t.Fatalf("TXT = %q, %v", txt, err)
	}
	if n := srv.Queries(); n != 2 {
		t.Errorf("%d questions, want 2 (with EDNS, then without)", n)
	}
}

// An answer truncated over TCP too is no answer: an error, never the
// empty answer it carries.
func TestTruncatedOverTCPIsError(t *testing.T) {
	srv := dnstest.Start(t, dnstest.Zone(t, "", "$ORIGIN example.com.\n@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ 300 IN TXT \"x\"\n"))
	srv.Set("example.com", dnstest.TruncateAlways)
	ans, err := srv.Client(time.Second).Query(context.Background(), "example.com", dns.TypeTXT)
	if !errors.Is(err, dnsx.ErrBadAnswer) || !strings.Contains(err.Error(), "truncated even over TCP") {
		t.Fatalf("answer %+v, error %v", ans, err)
	}
}
