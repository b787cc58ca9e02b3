package dnssec

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

const zoneText = `$ORIGIN .
$TTL 300
. DNSKEY 257 3 8 AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1vkIbzxeF3
example.com MX 10 mx1.example.net.
example.com MX 20 mx2.example.org.
example.com TXT "v=spf1 -all"
mx1.example.net A 192.0.2.1
mx1.example.net AAAA 2001:db8::1
mx2.example.org A 192.0.2.2
`

func server(t *testing.T) *dnstest.Server {
	t.Helper()
	return dnstest.Start(t, dnstest.Zone(t, ".", zoneText))
}

func run(t *testing.T, r dnsx.Resolver) (checks.Result, *Data) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res := Check(ctx, r, "example.com", Options{})
	return res, res.Data.(*Data)
}

func wantCodes(t *testing.T, res checks.Result, want ...string) {
	t.Helper()
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.Code)
		if f.Message == "" || f.Hint == "" || f.Ref == "" {
			t.Errorf("%s: message, hint and ref must all be set: %+v", f.Code, f)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("codes = %v, want %v (summary %q, error %q)", got, want, res.Summary, res.Error)
	}
}

func is(p *bool, want bool) bool { return p != nil && *p == want }

func TestAllSigned(t *testing.T) {
	srv := server(t)
	srv.SetAD(".", true)
	res, data := run(t, srv.Client(2*time.Second))
	wantCodes(t, res)
	if res.Status != checks.StatusOK || !data.Evaluated || !is(data.ResolverValidates, true) || !is(data.DomainSigned, true) {
		t.Fatalf("status %s, data %+v", res.Status, data)
	}
	if len(data.Hosts) != 2 || !is(data.Hosts[0].Signed, true) || !is(data.Hosts[1].Signed, true) {
		t.Fatalf("hosts %+v", data.Hosts)
	}
	if res.Summary != "example.com signed (validated); MX hosts signed: 2 of 2" {
		t.Errorf("summary = %q", res.Summary)
	}
	// The root probe, SOA, MX, TXT, then A and AAAA per host, in order.
	var asked []string
	for _, a := range data.Answers {
		asked = append(asked, a.Name+"/"+a.Type)
	}
	want := []string{"./DNSKEY", "example.com/SOA", "example.com/MX", "example.com/TXT", "mx1.example.net/A", "mx1.example.net/AAAA", "mx2.example.org/A", "mx2.example.org/AAAA"}
	if !slices.Equal(asked, want) {
		t.Errorf("answers = %v", asked)
	}
}

func TestDomainUnsigned(t *testing.T) {
	srv := server(t)
	srv.SetAD(".", true)
	srv.SetAD("example.com", false)
	res, data := run(t, srv.Client(2*time.Second))
	wantCodes(t, res, "dnssec.unsigned")
	if res.Status != checks.StatusOK || !is(data.DomainSigned, false) || !is(data.Hosts[0].Signed, true) {
		t.Fatalf("status %s, data %+v", res.Status, data)
	}
	if !strings.HasPrefix(res.Summary, "example.com not signed") {
		t.Errorf("summary = %q", res.Summary)
	}
}

func TestMXHostUnsigned(t *testing.T) {
	srv := server(t)
	srv.SetAD(".", true)
	srv.SetAD("example.org", false)
	res, data := run(t, srv.Client(2*time.Second))
	wantCodes(t, res, "dnssec.mx-unsigned")
	if !is(data.Hosts[0].Signed, true) || !is(data.Hosts[1].Signed, false) {
		t.Fatalf("hosts %+v", data.Hosts)
	}
	if !strings.Contains(res.Findings[0].Message, "mx2.example.org") || strings.Contains(res.Findings[0].Message, "mx1") {
		t.Errorf("message = %q", res.Findings[0].Message)
	}
	if !strings.HasSuffix(res.Summary, "MX hosts signed: 1 of 2") {
		t.Errorf("summary = %q", res.Summary)
	}
}

func TestResolverNotValidating(t *testing.T) {
	srv := server(t)
	res, data := run(t, srv.Client(2*time.Second))
	wantCodes(t, res, "dnssec.resolver-not-validating")
	if res.Status != checks.StatusOK || data.Evaluated || !is(data.ResolverValidates, false) || data.DomainSigned != nil {
		t.Fatalf("status %s, data %+v", res.Status, data)
	}
	if !strings.Contains(res.Findings[0].Message, srv.Addr) || !strings.Contains(res.Summary, "does not validate") {
		t.Errorf("message %q, summary %q", res.Findings[0].Message, res.Summary)
	}
	for _, h := range data.Hosts {
		if h.Signed != nil {
			t.Errorf("host %s judged although nothing was evaluated", h.Host)
		}
	}
}

func TestResolverMayNotValidate(t *testing.T) {
	srv := server(t)
	srv.Set(".", dnstest.Refused)
	res, data := run(t, srv.Client(2*time.Second))
	wantCodes(t, res, "dnssec.resolver-not-validating")
	// The probe failing is not the domain's problem: no error status.
	if res.Status != checks.StatusOK || data.ResolverValidates != nil {
		t.Fatalf("status %s, data %+v", res.Status, data)
	}
	if !strings.Contains(res.Findings[0].Message, "may not validate") || !strings.Contains(res.Findings[0].Message, "REFUSED") {
		t.Errorf("message %q", res.Findings[0].Message)
	}
}

func TestProbeFailsButAnswersValidated(t *testing.T) {
	srv := server(t)
	srv.SetAD(".", true)
	srv.Set(".", dnstest.ServFail)
	res, data := run(t, srv.Client(2*time.Second))
	wantCodes(t, res)
	if !is(data.ResolverValidates, true) || !is(data.DomainSigned, true) {
		t.Fatalf("data %+v", data)
	}
}

func TestZoneFiles(t *testing.T) {
	// Only example.com from a zone file; everything else (the root probe)
	// fails offline.
	z := dnstest.Zone(t, "example.com", "$ORIGIN example.com.\n$TTL 300\n@ MX 10 mx\n@ TXT \"v=spf1 -all\"\nmx A 192.0.2.1\n")
	c, err := dnsx.New(dnsx.Config{Zones: []*dnsx.Zone{z}, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	res, data := run(t, c)
	wantCodes(t, res, "dnssec.not-evaluated")
	if res.Status != checks.StatusOK || data.Evaluated || data.ResolverValidates != nil {
		t.Fatalf("status %s (%s), data %+v", res.Status, res.Error, data)
	}
	if res.Summary != "answers came from zone files: DNSSEC not evaluated" {
		t.Errorf("summary = %q", res.Summary)
	}
}

// flip clears the AD bit of answers of one type, as a zone served
// inconsistently would look.
type flip struct {
	r     dnsx.Resolver
	qtype uint16
}

func (f flip) Query(ctx context.Context, name string, qtype uint16) (*dnsx.Answer, error) {
	a, err := f.r.Query(ctx, name, qtype)
	if err != nil || qtype != f.qtype {
		return a, err
	}
	c := *a
	c.AD = false
	return &c, nil
}

func TestPartial(t *testing.T) {
	srv := server(t)
	srv.SetAD(".", true)
	res, data := run(t, flip{srv.Client(2 * time.Second), dns.TypeTXT})
	wantCodes(t, res, "dnssec.partial")
	if data.DomainSigned != nil || res.Status != checks.StatusWarn || !strings.Contains(res.Findings[0].Message, "TXT") {
		t.Fatalf("status %s, data %+v, message %q", res.Status, data, res.Findings[0].Message)
	}
}

func TestServFailWithValidatingResolver(t *testing.T) {
	srv := server(t)
	srv.SetAD(".", true)
	srv.Set("example.com", dnstest.ServFail)
	res, _ := run(t, srv.Client(2*time.Second))
	wantCodes(t, res, "dnssec.servfail")
	if res.Status != checks.StatusError || !strings.Contains(res.Error, "SERVFAIL") {
		t.Fatalf("status %s, error %q", res.Status, res.Error)
	}
	if !strings.Contains(res.Findings[0].Message, "example.com SOA, example.com MX, example.com TXT") {
		t.Errorf("message %q", res.Findings[0].Message)
	}
}

func TestHostLookupFailsIsError(t *testing.T) {
	srv := server(t)
	srv.SetAD(".", true)
	srv.Set("mx2.example.org", dnstest.Drop)
	res, data := run(t, srv.Client(300*time.Millisecond))
	if res.Status != checks.StatusError || !strings.Contains(res.Error, "timeout") {
		t.Fatalf("status %s, error %q", res.Status, res.Error)
	}
	if data.Hosts[1].Signed != nil || !is(data.Hosts[0].Signed, true) {
		t.Errorf("hosts %+v", data.Hosts)
	}
}

func TestCancelled(t *testing.T) {
	srv := server(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := Check(ctx, srv.Client(time.Second), "example.com", Options{})
	if res.Status != checks.StatusError {
		t.Fatalf("status %s", res.Status)
	}
}

// rounds wraps a resolver and counts rounds of dependent questions: a
// question's round is one more than the highest round answered before it
// was asked, so questions asked together share a round.
type rounds struct {
	dnsx.Resolver
	mu       sync.Mutex
	answered int
	max      int
}

func (r *rounds) Query(ctx context.Context, name string, qtype uint16) (*dnsx.Answer, error) {
	r.mu.Lock()
	round := r.answered + 1
	r.max = max(r.max, round)
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.answered = max(r.answered, round)
		r.mu.Unlock()
	}()
	return r.Resolver.Query(ctx, name, qtype)
}

// The domain's questions are asked at once, then all the hosts' questions
// at once: two rounds, with four questions held by the server together
// (root DNSKEY, SOA, MX, TXT; then A and AAAA of two hosts). Serial would
// be eight rounds of one. Counted, not timed.
func TestQuestionsConcurrent(t *testing.T) {
	srv := server(t)
	srv.SetAD(".", true)
	srv.SetDelay(100 * time.Millisecond)
	r := &rounds{Resolver: srv.Client(2 * time.Second)}
	res, _ := run(t, r)
	if res.Status != checks.StatusOK {
		t.Fatalf("status %s", res.Status)
	}
	if r.max != 2 {
		t.Errorf("rounds of questions = %d, want 2 (domain, then hosts)", r.max)
	}
	if p := srv.PeakInFlight(); p != 4 {
		t.Errorf("at most %d questions in flight at once, want 4", p)
	}
}
