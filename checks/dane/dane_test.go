package dane

import (
	"context"
	"crypto/x509"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// world is a test DNS: example.com receives mail at mx.example.net (and
// optionally more hosts); the zone text is built per test.
type world struct {
	p    *pki
	srv  *dnstest.Server
	zone *dnsx.Zone
}

func newWorld(t *testing.T, lines ...string) *world {
	t.Helper()
	text := "$ORIGIN .\n$TTL 300\n" + strings.Join(lines, "\n") + "\n"
	z := dnstest.Zone(t, ".", text)
	return &world{srv: dnstest.Start(t, z), zone: z}
}

func (w *world) run(t *testing.T, opt Options) (checks.Result, *Data) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res := Check(ctx, w.srv.Client(2*time.Second), "example.com", opt)
	return res, res.Data.(*Data)
}

func codes(res checks.Result) []string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, f.Code)
	}
	return out
}

func wantCodes(t *testing.T, res checks.Result, want ...string) {
	t.Helper()
	got := codes(res)
	if !slices.Equal(got, want) {
		t.Fatalf("codes = %v, want %v (summary %q, error %q)", got, want, res.Summary, res.Error)
	}
	for _, f := range res.Findings {
		if f.Message == "" || f.Hint == "" || f.Ref == "" {
			t.Errorf("%s: message, hint and ref must all be set: %+v", f.Code, f)
		}
	}
}

const baseZone = `example.com MX 10 mx.example.net.
mx.example.net A 192.0.2.25
mx.example.net AAAA 2001:db8::25`

// peersOf returns an Options.Peers that reports chain for every address.
func peersOf(chain []*x509.Certificate) func(context.Context, string) []Peer {
	return func(_ context.Context, host string) []Peer {
		return []Peer{{Addr: "192.0.2.25", Chain: chain}, {Addr: "2001:db8::25", Chain: chain}}
	}
}

func TestNoTLSA(t *testing.T) {
	w := newWorld(t, baseZone)
	res, data := w.run(t, Options{})
	wantCodes(t, res, "dane.missing")
	if res.Status != checks.StatusOK {
		t.Errorf("status %s", res.Status)
	}
	if len(data.Hosts) != 1 || data.Hosts[0].Host != "mx.example.net" || data.Hosts[0].TLSAName != "_25._tcp.mx.example.net" || len(data.Hosts[0].Records) != 0 {
		t.Errorf("hosts = %+v", data.Hosts)
	}
	if !data.DNSSECEvaluated {
		t.Error("answers came from a DNS server: dnssec_evaluated must be true")
	}
}

func TestSecureMatch(t *testing.T) {
	p := newPKI(t, certSpec{})
	w := newWorld(t, baseZone, rr("_25._tcp.mx.example.net", tlsa(3, 1, 1, p.leaf)))
	w.srv.SetAD(".", true)
	res, data := w.run(t, Options{Peers: peersOf([]*x509.Certificate{p.leaf, p.inter})})
	wantCodes(t, res)
	h := data.Hosts[0]
	if !h.Secure || !h.AddrSecure || !data.MXSecure || len(h.Records) != 1 || !h.Records[0].Usable {
		t.Fatalf("host = %+v", h)
	}
	if len(h.Peers) != 2 || !h.Peers[0].Matched || h.Peers[0].Usage != "DANE-EE" {
		t.Fatalf("peers = %+v", h.Peers)
	}
	if !strings.Contains(res.Summary, "mx.example.net: 1 TLSA (validated), 2/2 addresses match") {
		t.Errorf("summary = %q", res.Summary)
	}
}

func TestSecureMismatch(t *testing.T) {
	p := newPKI(t, certSpec{})
	w := newWorld(t, baseZone, rr("_25._tcp.mx.example.net", tlsa(3, 1, 1, p.other)))
	w.srv.SetAD(".", true)
	res, data := w.run(t, Options{Peers: peersOf([]*x509.Certificate{p.leaf, p.inter})})
	wantCodes(t, res, "dane.tlsa-mismatch", "dane.tlsa-mismatch")
	if res.Status != checks.StatusFail {
		t.Errorf("status %s", res.Status)
	}
	if !strings.Contains(res.Findings[0].Message, "192.0.2.25") || !strings.Contains(res.Findings[1].Message, "2001:db8::25") {
		t.Errorf("messages: %q / %q", res.Findings[0].Message, res.Findings[1].Message)
	}
	if data.Hosts[0].Peers[0].Matched || data.Hosts[0].Peers[0].Reason == "" {
		t.Errorf("peer = %+v", data.Hosts[0].Peers[0])
	}
}

func TestPeerWithoutTLSIsNotAMismatch(t *testing.T) {
	p := newPKI(t, certSpec{})
	w := newWorld(t, baseZone, rr("_25._tcp.mx.example.net", tlsa(3, 1, 1, p.leaf)))
	w.srv.SetAD(".", true)
	res, data := w.run(t, Options{Peers: func(context.Context, string) []Peer {
		return []Peer{{Addr: "192.0.2.25", Err: "connection refused"}}
	}})
	wantCodes(t, res)
	if pm := data.Hosts[0].Peers[0]; pm.Error != "connection refused" || pm.Matched {
		t.Errorf("peer = %+v", pm)
	}
}

func TestPeersAskedOnlyForHostsWithTLSA(t *testing.T) {
	w := newWorld(t, baseZone)
	asked := 0
	w.run(t, Options{Peers: func(context.Context, string) []Peer { asked++; return nil }})
	if asked != 0 {
		t.Errorf("Peers called %d times for a host without TLSA", asked)
	}
}

func TestNoDNSSEC(t *testing.T) {
	p := newPKI(t, certSpec{})
	w := newWorld(t, baseZone, rr("_25._tcp.mx.example.net", tlsa(3, 1, 1, p.leaf)))
	res, data := w.run(t, Options{})
	wantCodes(t, res, "dane.no-dnssec")
	if res.Status != checks.StatusWarn || data.Hosts[0].Secure {
		t.Errorf("status %s, host %+v", res.Status, data.Hosts[0])
	}
	if !strings.Contains(res.Summary, "(not validated)") {
		t.Errorf("summary = %q", res.Summary)
	}
}

func TestFromZoneFileNotEvaluated(t *testing.T) {
	p := newPKI(t, certSpec{})
	w := newWorld(t, baseZone, rr("_25._tcp.mx.example.net", tlsa(3, 1, 1, p.leaf)))
	c, err := dnsx.New(dnsx.Config{Zones: []*dnsx.Zone{w.zone}, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	res := Check(context.Background(), c, "example.com", Options{})
	wantCodes(t, res, "dane.dnssec-not-evaluated")
	if res.Status != checks.StatusOK || res.Data.(*Data).DNSSECEvaluated {
		t.Errorf("status %s, data %+v", res.Status, res.Data)
	}
}

func TestMXInsecureProviderSigned(t *testing.T) {
	p := newPKI(t, certSpec{})
	w := newWorld(t, baseZone, rr("_25._tcp.mx.example.net", tlsa(3, 1, 1, p.leaf)))
	w.srv.SetAD("example.net", true) // the provider signs, the customer does not
	res, data := w.run(t, Options{})
	wantCodes(t, res, "dane.mx-insecure")
	if res.Status != checks.StatusOK || data.MXSecure {
		t.Errorf("status %s, mx_secure %v", res.Status, data.MXSecure)
	}
}

func TestHostAddressesInsecure(t *testing.T) {
	p := newPKI(t, certSpec{})
	w := newWorld(t, baseZone, rr("_25._tcp.mx.example.net", tlsa(3, 1, 1, p.leaf)))
	w.srv.SetAD(".", true)
	w.srv.SetAD("mx.example.net", false)
	w.srv.SetAD("_25._tcp.mx.example.net", true)
	res, data := w.run(t, Options{})
	wantCodes(t, res, "dane.host-insecure")
	if data.Hosts[0].AddrSecure || !data.Hosts[0].Secure {
		t.Errorf("host %+v", data.Hosts[0])
	}
}

func TestUnusableRecords(t *testing.T) {
	p := newPKI(t, certSpec{})
	bad := tlsa(3, 1, 1, p.leaf)
	bad.Certificate = bad.Certificate[:40]
	w := newWorld(t, baseZone,
		rr("_25._tcp.mx.example.net", tlsa(1, 1, 1, p.leaf)),
		rr("_25._tcp.mx.example.net", bad),
		"_25._tcp.mx.example.net 300 IN TLSA 3 1 9 "+strings.Repeat("ab", 32))
	w.srv.SetAD(".", true)
	res, data := w.run(t, Options{Peers: peersOf([]*x509.Certificate{p.leaf})})
	got := codes(res)
	slices.Sort(got)
	want := []string{"dane.bad-data", "dane.no-usable-records", "dane.pkix-usage", "dane.unknown-parameter"}
	if !slices.Equal(got, want) {
		t.Fatalf("codes = %v, want %v", got, want)
	}
	// No usable record: the chain is not judged a mismatch on top.
	if len(data.Hosts[0].Records) != 3 {
		t.Errorf("records = %+v", data.Hosts[0].Records)
	}
}

func TestOneUsableAmongUnusable(t *testing.T) {
	p := newPKI(t, certSpec{})
	w := newWorld(t, baseZone,
		rr("_25._tcp.mx.example.net", tlsa(0, 0, 1, p.root)),
		rr("_25._tcp.mx.example.net", tlsa(2, 1, 1, p.inter)))
	w.srv.SetAD(".", true)
	res, _ := w.run(t, Options{Peers: peersOf([]*x509.Certificate{p.leaf, p.inter})})
	wantCodes(t, res, "dane.pkix-usage")
}

func TestPartial(t *testing.T) {
	p := newPKI(t, certSpec{})
	w := newWorld(t, baseZone,
		"example.com MX 20 mx2.example.net.",
		"mx2.example.net A 192.0.2.26",
		rr("_25._tcp.mx.example.net", tlsa(3, 1, 1, p.leaf)))
	w.srv.SetAD(".", true)
	res, data := w.run(t, Options{})
	wantCodes(t, res, "dane.partial")
	if len(data.Hosts) != 2 || data.Hosts[1].Host != "mx2.example.net" {
		t.Fatalf("hosts = %+v", data.Hosts)
	}
	if !strings.Contains(res.Findings[0].Message, "mx2.example.net") {
		t.Errorf("message = %q", res.Findings[0].Message)
	}
}

func TestCNAMEExpandedFirstWhenSecure(t *testing.T) {
	p := newPKI(t, certSpec{})
	w := newWorld(t, baseZone,
		"example.com MX 5 alias.example.org.",
		"alias.example.org CNAME mx.example.net.",
		rr("_25._tcp.mx.example.net", tlsa(3, 1, 1, p.leaf)),
		rr("_25._tcp.alias.example.org", tlsa(3, 1, 1, p.other)))
	w.srv.SetAD(".", true)
	_, data := w.run(t, Options{})
	h := data.Hosts[0]
	if h.Host != "alias.example.org" || h.TLSAName != "_25._tcp.mx.example.net" {
		t.Fatalf("secure alias: host %q looked at %q, want the expanded name", h.Host, h.TLSAName)
	}
	if h.Records[0].Data != tlsa(3, 1, 1, p.leaf).Certificate {
		t.Errorf("records from the wrong name: %+v", h.Records)
	}

	// Insecure expansion: only the name in the MX record counts.
	w.srv.SetAD("alias.example.org", false)
	_, data = w.run(t, Options{})
	if h := data.Hosts[0]; h.TLSAName != "_25._tcp.alias.example.org" {
		t.Fatalf("insecure alias: looked at %q, want the MX name", h.TLSAName)
	}
}

func TestCNAMEFallsBackToMXName(t *testing.T) {
	p := newPKI(t, certSpec{})
	w := newWorld(t, "example.com MX 5 alias.example.org.",
		"alias.example.org CNAME mx.example.net.",
		"mx.example.net A 192.0.2.25",
		rr("_25._tcp.alias.example.org", tlsa(3, 1, 1, p.leaf)))
	w.srv.SetAD(".", true)
	res, data := w.run(t, Options{})
	wantCodes(t, res)
	if h := data.Hosts[0]; h.TLSAName != "_25._tcp.alias.example.org" || len(h.Records) != 1 {
		t.Fatalf("host = %+v", h)
	}
}

func TestTLSALookupFailsIsError(t *testing.T) {
	w := newWorld(t, baseZone, "example.com MX 20 mx2.example.net.", "mx2.example.net A 192.0.2.26")
	w.srv.Set("_25._tcp.mx.example.net", dnstest.ServFail)
	res, data := w.run(t, Options{})
	if res.Status != checks.StatusError || !strings.Contains(res.Error, "SERVFAIL") {
		t.Fatalf("status %s, error %q", res.Status, res.Error)
	}
	// A failed lookup is never "no records": no dane.missing.
	wantCodes(t, res)
	if data.Hosts[0].Error == "" || data.Hosts[1].Error != "" {
		t.Errorf("hosts = %+v", data.Hosts)
	}
	if !strings.Contains(res.Summary, "mx.example.net: lookup failed") {
		t.Errorf("summary = %q", res.Summary)
	}
}

func TestMXLookupFailsIsError(t *testing.T) {
	w := newWorld(t, baseZone)
	w.srv.Set("example.com", dnstest.ServFail)
	res, _ := w.run(t, Options{})
	if res.Status != checks.StatusError || !strings.Contains(res.Error, "SERVFAIL") {
		t.Fatalf("status %s, error %q", res.Status, res.Error)
	}
}

func TestNullMX(t *testing.T) {
	w := newWorld(t, "example.com MX 0 .")
	res, data := w.run(t, Options{})
	wantCodes(t, res)
	if res.Status != checks.StatusInfo || len(data.Hosts) != 0 || !strings.Contains(res.Summary, "null MX") {
		t.Fatalf("status %s, summary %q", res.Status, res.Summary)
	}
}

func TestNXDomain(t *testing.T) {
	w := newWorld(t, "example.org A 192.0.2.1")
	res, _ := w.run(t, Options{})
	if res.Status != checks.StatusInfo || !strings.Contains(res.Summary, "does not exist") {
		t.Fatalf("status %s, summary %q", res.Status, res.Summary)
	}
}

func TestImplicitMX(t *testing.T) {
	p := newPKI(t, certSpec{})
	w := newWorld(t, "example.com A 192.0.2.30", rr("_25._tcp.example.com", tlsa(3, 1, 1, p.leaf)))
	w.srv.SetAD(".", true)
	res, data := w.run(t, Options{})
	wantCodes(t, res)
	if len(data.Hosts) != 1 || data.Hosts[0].Host != "example.com" || len(data.Hosts[0].Records) != 1 {
		t.Fatalf("hosts = %+v", data.Hosts)
	}
}

// The MX hosts are looked up at once: with 6 hosts and a server that holds
// every question for a while, all 12 address questions (A and AAAA of each
// host) are in flight together. One host at a time would hold at most 2.
// Counted by the server, not timed.
func TestHostsLookedUpConcurrently(t *testing.T) {
	var lines []string
	for i := range 6 {
		lines = append(lines, fmt.Sprintf("example.com MX %d mx%d.example.net.", i, i), fmt.Sprintf("mx%d.example.net A 192.0.2.%d", i, i+1))
	}
	w := newWorld(t, lines...)
	w.srv.SetDelay(100 * time.Millisecond)
	res, data := w.run(t, Options{})
	if len(data.Hosts) != 6 || res.Status != checks.StatusOK {
		t.Fatalf("status %s, hosts %d", res.Status, len(data.Hosts))
	}
	if p := w.srv.PeakInFlight(); p < 12 {
		t.Errorf("at most %d questions in flight at once, want 12 (6 hosts × A, AAAA): hosts not looked up concurrently", p)
	}
}

func TestCancelled(t *testing.T) {
	w := newWorld(t, baseZone)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := Check(ctx, w.srv.Client(time.Second), "example.com", Options{})
	if res.Status != checks.StatusError {
		t.Fatalf("status %s", res.Status)
	}
}

// TLSA records in zone text round-trip through the DNS server and still
// match (the data is hex on both sides).
func TestZoneTextRoundTrip(t *testing.T) {
	p := newPKI(t, certSpec{})
	for _, mt := range []uint8{0, 1, 2} {
		rec := tlsa(3, 0, mt, p.leaf)
		w := newWorld(t, baseZone, rr("_25._tcp.mx.example.net", rec))
		ans, err := w.srv.Client(time.Second).Query(context.Background(), "_25._tcp.mx.example.net.", dns.TypeTLSA)
		if err != nil || len(ans.Records()) != 1 {
			t.Fatalf("query: %v %v", ans, err)
		}
		got := Match([]*dns.TLSA{ans.Records()[0].(*dns.TLSA)}, []*x509.Certificate{p.leaf})
		if !got.Matched {
			t.Errorf("3 0 %d: %+v", mt, got)
		}
	}
}
