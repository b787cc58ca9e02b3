package dnstest_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

const zoneText = `$ORIGIN example.com.
$TTL 300
@        IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@        IN MX 10 mx1
@        IN TXT "v=spf1 -all"
mx1      IN A 192.0.2.10
mx1      IN AAAA 2001:db8::10
alias    IN CNAME mx1
loop1    IN CNAME loop2
loop2    IN CNAME loop1
*.wild   IN TXT "wildcard"
deep.ent.sub IN A 192.0.2.99
`

func TestAnswersOverLoopback(t *testing.T) {
	srv := dnstest.Start(t, dnstest.Zone(t, "", zoneText))
	c := srv.Client(time.Second)
	ctx := context.Background()

	txt, ans, err := dnsx.TXT(ctx, c, "EXAMPLE.com")
	if err != nil || len(txt) != 1 || txt[0] != "v=spf1 -all" {
		t.Fatalf("TXT = %q, %v", txt, err)
	}
	if ans.From != srv.Addr {
		t.Errorf("From = %q, want %q", ans.From, srv.Addr)
	}

	res, err := dnsx.Addrs(ctx, c, "alias.example.com.")
	if err != nil || len(res.Addrs) != 2 || res.Addrs[0].String() != "192.0.2.10" || res.Addrs[1].String() != "2001:db8::10" {
		t.Fatalf("Addrs(alias) = %v, %v", res.Addrs, err)
	}
	if got := res.A.CNAMEs(); len(got) != 1 || got[0] != "mx1.example.com." {
		t.Errorf("CNAMEs = %v", got)
	}

	nx, err := c.Query(ctx, "nope.example.com", dns.TypeA)
	if err != nil || !nx.NXDomain() || !nx.Empty() {
		t.Fatalf("nope: %+v, %v", nx, err)
	}
	nodata, err := c.Query(ctx, "mx1.example.com", dns.TypeTXT)
	if err != nil || nodata.NXDomain() || !nodata.Empty() {
		t.Fatalf("nodata: %+v, %v", nodata, err)
	}
	ent, err := c.Query(ctx, "ent.sub.example.com", dns.TypeA)
	if err != nil || ent.NXDomain() {
		t.Fatalf("empty non-terminal must be no-data, got %+v, %v", ent, err)
	}
	w, _, err := dnsx.TXT(ctx, c, "anything.wild.example.com")
	if err != nil || len(w) != 1 || w[0] != "wildcard" {
		t.Fatalf("wildcard: %q, %v", w, err)
	}
	if _, err := c.Query(ctx, "loop1.example.com", dns.TypeA); !errors.Is(err, dnsx.ErrServFail) {
		t.Fatalf("CNAME loop: want SERVFAIL, got %v", err)
	}
	if _, err := c.Query(ctx, "other.test", dns.TypeA); !errors.Is(err, dnsx.ErrRefused) {
		t.Fatalf("outside the zones: want REFUSED, got %v", err)
	}
}

func TestMisbehaviour(t *testing.T) {
	srv := dnstest.Start(t, dnstest.Zone(t, "", zoneText))
	c := srv.Client(300 * time.Millisecond)
	ctx := context.Background()

	srv.Set("sf.example.com", dnstest.ServFail)
	srv.Set("rf.example.com", dnstest.Refused)
	srv.Set("drop.example.com", dnstest.Drop)
	for name, want := range map[string]error{
		"sf.example.com":   dnsx.ErrServFail,
		"rf.example.com":   dnsx.ErrRefused,
		"drop.example.com": dnsx.ErrTimeout,
	} {
		start := time.Now()
		_, err := c.Query(ctx, name, dns.TypeTXT)
		if !errors.Is(err, want) {
			t.Errorf("%s: want %v, got %v", name, want, err)
		}
		if time.Since(start) > 2*time.Second {
			t.Errorf("%s took %v", name, time.Since(start))
		}
	}
}

func TestTruncatedAnswerRetriesOverTCP(t *testing.T) {
	big := strings.Repeat("a", 250)
	var b strings.Builder
	b.WriteString(zoneText)
	b.WriteString("big IN TXT")
	for i := 0; i < 16; i++ { // 16 strings of 250 bytes: a 4 KB record
		b.WriteString(` "` + big + `"`)
	}
	b.WriteString("\n")
	srv := dnstest.Start(t, dnstest.Zone(t, "", b.String()))
	c := srv.Client(time.Second)
	txt, _, err := dnsx.TXT(context.Background(), c, "big.example.com")
	if err != nil || len(txt) != 1 || len(txt[0]) != 4000 {
		t.Fatalf("4 KB TXT: len=%d err=%v", len(txt), err)
	}
	// Forced truncation of an otherwise small answer.
	srv.Set("example.com", dnstest.Truncate)
	c2 := srv.Client(time.Second)
	mx, _, err := dnsx.MX(context.Background(), c2, "example.com")
	if err != nil || len(mx) != 1 {
		t.Fatalf("MX via TCP: %v %v", mx, err)
	}
	if c2.Sent() != 2 {
		t.Errorf("want one UDP and one TCP exchange, got %d", c2.Sent())
	}
}

func TestCacheMergesConcurrentAsks(t *testing.T) {
	srv := dnstest.Start(t, dnstest.Zone(t, "", zoneText))
	srv.SetDelay(50 * time.Millisecond)
	c := srv.Client(time.Second)
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Query(context.Background(), "mx1.example.com", dns.TypeA); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := srv.Queries(); n != 1 {
		t.Fatalf("20 concurrent asks sent %d queries, want 1", n)
	}
}

func TestNextServerOnFailure(t *testing.T) {
	bad := dnstest.Start(t, dnstest.Zone(t, "", zoneText))
	bad.Set("mx1.example.com", dnstest.ServFail)
	good := dnstest.Start(t, dnstest.Zone(t, "", zoneText))
	c, err := dnsx.New(dnsx.Config{Servers: []string{bad.Addr, good.Addr}, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ans, err := c.Query(context.Background(), "mx1.example.com", dns.TypeA)
	if err != nil || ans.From != good.Addr || len(ans.Records()) != 1 {
		t.Fatalf("got %+v, %v", ans, err)
	}
}

func TestCancellation(t *testing.T) {
	srv := dnstest.Start(t, dnstest.Zone(t, "", zoneText))
	srv.Set("drop.example.com", dnstest.Drop)
	c := srv.Client(10 * time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	start := time.Now()
	_, err := c.Query(ctx, "drop.example.com", dns.TypeA)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatalf("cancellation took %v", time.Since(start))
	}
}

func TestSetAD(t *testing.T) {
	srv := dnstest.Start(t, dnstest.Zone(t, "", zoneText))
	c := srv.Client(time.Second)
	ctx := context.Background()
	ad := func(name string, qtype uint16) bool {
		t.Helper()
		ans, err := c.Query(ctx, name, qtype)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return ans.AD
	}
	if ad("example.com", dns.TypeMX) {
		t.Fatal("AD set before SetAD")
	}
	srv.SetAD("example.com", true)
	srv.SetAD("mx1.example.com", false)
	c = srv.Client(time.Second) // a fresh cache
	if !ad("example.com", dns.TypeMX) {
		t.Error("example.com MX: no AD after SetAD(example.com)")
	}
	if !ad("nothere.example.com", dns.TypeA) {
		t.Error("NXDOMAIN below a signed name: no AD")
	}
	if ad("mx1.example.com", dns.TypeA) {
		t.Error("mx1: AD despite SetAD(mx1, false)")
	}
	if ad("alias.example.com", dns.TypeA) != true {
		t.Error("alias.example.com: the asked name decides, not the CNAME target mx1")
	}
	srv.SetAD("example.com", false)
	c = srv.Client(time.Second)
	if ad("example.com", dns.TypeMX) {
		t.Error("SetAD(example.com, false) did not take AD away")
	}
}

func TestSetADNeedsADOrDOInQuestion(t *testing.T) {
	srv := dnstest.Start(t, dnstest.Zone(t, "", zoneText))
	srv.SetAD(".", true)
	q := new(dns.Msg)
	q.SetQuestion("example.com.", dns.TypeMX)
	q.AuthenticatedData = false
	resp, err := dns.Exchange(q, srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	if resp.AuthenticatedData {
		t.Error("AD set for a question without AD or DO")
	}
	q.SetEdns0(1232, true)
	resp, err = dns.Exchange(q, srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	if !resp.AuthenticatedData {
		t.Error("no AD for a question with DO")
	}
}

func TestPeakInFlight(t *testing.T) {
	srv := dnstest.Start(t, dnstest.Zone(t, "", zoneText))
	srv.SetDelay(200 * time.Millisecond)
	c := srv.Client(2 * time.Second)
	ctx := context.Background()

	// One after another: never more than one question held.
	for _, name := range []string{"example.com", "mx1.example.com"} {
		if _, err := c.Query(ctx, name, dns.TypeA); err != nil {
			t.Fatal(err)
		}
	}
	if p := srv.PeakInFlight(); p != 1 {
		t.Fatalf("serial questions: peak %d, want 1", p)
	}

	// Five different questions at once overlap for the whole delay.
	names := []string{"example.com", "mx1.example.com", "alias.example.com", "nope.example.com", "deep.ent.sub.example.com"}
	var wg sync.WaitGroup
	for _, name := range names {
		wg.Go(func() {
			if _, err := c.Query(ctx, name, dns.TypeTXT); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if p := srv.PeakInFlight(); p != int64(len(names)) {
		t.Errorf("concurrent questions: peak %d, want %d", p, len(names))
	}
}

// ListenAddr serves on the address it is given, and fails on one that
// is taken.
func TestListenAddr(t *testing.T) {
	first := dnstest.Start(t, dnstest.Zone(t, "", zoneText))
	if _, err := dnstest.ListenAddr(first.Addr); err == nil {
		t.Fatalf("ListenAddr(%s) while another server holds it: no error", first.Addr)
	}
	addr := first.Addr
	first.Close()
	srv, err := dnstest.ListenAddr(addr, dnstest.Zone(t, "", zoneText))
	if err != nil {
		t.Skipf("the port was taken again between the two servers: %v", err)
	}
	defer srv.Close()
	if srv.Addr != addr {
		t.Fatalf("Addr = %s, want %s", srv.Addr, addr)
	}
	txt, _, err := dnsx.TXT(context.Background(), srv.Client(time.Second), "example.com")
	if err != nil || len(txt) != 1 || txt[0] != "v=spf1 -all" {
		t.Fatalf("TXT = %q, %v", txt, err)
	}
}
