package mx

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
)

var ctx = context.Background()

func TestTwoGoodHosts(t *testing.T) {
	f := newFake(t, `
example.com. MX 20 MX2.example.com.
example.com. MX 10 mx1.example.com.
mx1.example.com. A 93.184.216.34
mx1.example.com. AAAA 2606:2800:220:1::1
mx2.example.com. A 93.184.216.35
`)
	res := Check(ctx, f, "example.com", Options{})
	wantStatus(t, res, checks.StatusOK)
	wantCodes(t, res)
	if res.Name != "mx" {
		t.Errorf("Name = %q", res.Name)
	}
	if want := "2 hosts: 10 mx1.example.com, 20 mx2.example.com"; res.Summary != want {
		t.Errorf("Summary = %q, want %q", res.Summary, want)
	}
	d := mxData(t, res)
	if len(d.Hosts) != 2 || d.NullMX || d.Implicit != nil {
		t.Fatalf("data = %+v", d)
	}
	h := d.Hosts[0]
	if h.Preference != 10 || h.Host != "mx1.example.com" || len(h.Addresses) != 2 ||
		h.Addresses[0] != netip.MustParseAddr("93.184.216.34") || h.Addresses[1] != netip.MustParseAddr("2606:2800:220:1::1") {
		t.Errorf("hosts[0] = %+v", h)
	}
	if d.Hosts[1].Host != "mx2.example.com" || len(d.Hosts[1].Addresses) != 1 {
		t.Errorf("hosts[1] = %+v", d.Hosts[1])
	}
}

func TestNullMX(t *testing.T) {
	f := newFake(t, `example.com. MX 0 .
example.com. A 93.184.216.34`)
	res := Check(ctx, f, "example.com", Options{})
	wantCodes(t, res, "mx.null")
	wantStatus(t, res, checks.StatusOK)
	if fd := finding(t, res, "mx.null"); fd.Severity != checks.SeverityInfo || fd.Ref != "RFC 7505 §3" {
		t.Errorf("finding = %+v", fd)
	}
	d := mxData(t, res)
	if !d.NullMX || len(d.Hosts) != 0 || d.Implicit != nil {
		t.Errorf("data = %+v", d)
	}
	if !strings.Contains(res.Summary, "null MX") {
		t.Errorf("Summary = %q", res.Summary)
	}
}

func TestNullMXWithPreference(t *testing.T) {
	f := newFake(t, `example.com. MX 10 .`)
	res := Check(ctx, f, "example.com", Options{})
	wantCodes(t, res, "mx.null", "mx.null-preference")
	wantStatus(t, res, checks.StatusWarn)
}

func TestNullMXBesideOthers(t *testing.T) {
	f := newFake(t, `example.com. MX 0 .
example.com. MX 10 mx1.example.com.
mx1.example.com. A 93.184.216.34`)
	res := Check(ctx, f, "example.com", Options{})
	wantCodes(t, res, "mx.null-mixed")
	wantStatus(t, res, checks.StatusFail)
	d := mxData(t, res)
	if !d.NullMX || len(d.Hosts) != 1 || d.Hosts[0].Host != "mx1.example.com" {
		t.Errorf("data = %+v", d)
	}
	if !strings.HasPrefix(res.Summary, "null MX beside 1 host") {
		t.Errorf("Summary = %q", res.Summary)
	}
}

func TestMissingWithImplicitMX(t *testing.T) {
	f := newFake(t, `example.com. A 93.184.216.34
example.com. AAAA 2606:2800:220:1::1
example.com. TXT "v=spf1 -all"`)
	res := Check(ctx, f, "example.com", Options{})
	wantCodes(t, res, "mx.missing")
	wantStatus(t, res, checks.StatusWarn)
	fd := finding(t, res, "mx.missing")
	if !strings.Contains(fd.Message, "implicit MX") || !strings.Contains(fd.Message, "93.184.216.34") || fd.Ref != "RFC 5321 §5.1" {
		t.Errorf("finding = %+v", fd)
	}
	d := mxData(t, res)
	if d.Implicit == nil || d.Implicit.Host != "example.com" || len(d.Implicit.Addresses) != 2 {
		t.Fatalf("implicit = %+v", d.Implicit)
	}

	res = Check(ctx, f, "example.com", Options{RequireMX: true})
	wantStatus(t, res, checks.StatusFail)
}

func TestMissingWithoutAddress(t *testing.T) {
	f := newFake(t, `example.com. TXT "v=spf1 -all"`)
	res := Check(ctx, f, "example.com", Options{})
	fd := finding(t, res, "mx.missing")
	if !strings.Contains(fd.Message, "no A/AAAA") || !strings.Contains(fd.Message, "cannot be delivered") {
		t.Errorf("message = %q", fd.Message)
	}
	if d := mxData(t, res); d.Implicit == nil || len(d.Implicit.Addresses) != 0 || d.Implicit.Error != "" {
		t.Errorf("implicit = %+v", d.Implicit)
	}
}

func TestMissingImplicitLookupFails(t *testing.T) {
	f := newFake(t, `example.com. TXT "v=spf1 -all"`)
	f.fail("example.com", dns.TypeA, nil)
	res := Check(ctx, f, "example.com", Options{})
	fd := finding(t, res, "mx.missing")
	if !strings.Contains(fd.Message, "unknown") || !strings.Contains(fd.Message, "SERVFAIL") {
		t.Errorf("message = %q", fd.Message)
	}
	if d := mxData(t, res); d.Implicit.Error == "" {
		t.Errorf("implicit = %+v", d.Implicit)
	}
}

func TestNXDomain(t *testing.T) {
	f := newFake(t, `other.com. A 93.184.216.34`)
	res := Check(ctx, f, "example.com", Options{})
	wantCodes(t, res, "mx.nxdomain")
	wantStatus(t, res, checks.StatusFail)
	if !mxData(t, res).NXDomain {
		t.Error("nxdomain not set")
	}
}

// A failed MX question is an error, never "missing" (RFC 5321 §5.1 says
// a temporary error means try again later).
func TestMXServFailIsError(t *testing.T) {
	f := newFake(t, `example.com. A 93.184.216.34`)
	f.fail("example.com", dns.TypeMX, nil)
	res := Check(ctx, f, "example.com", Options{})
	wantStatus(t, res, checks.StatusError)
	wantCodes(t, res)
	if !strings.Contains(res.Error, "SERVFAIL") || !strings.HasPrefix(res.Summary, "MX lookup failed") {
		t.Errorf("error %q summary %q", res.Error, res.Summary)
	}
	if res.Findings == nil {
		t.Error("Findings must be [] after Settle, not nil")
	}
}

func TestTargetIsCNAME(t *testing.T) {
	f := newFake(t, `example.com. MX 10 mail.example.com.
mail.example.com. CNAME mx.provider.net.
mx.provider.net. A 93.184.216.34`)
	res := Check(ctx, f, "example.com", Options{})
	wantCodes(t, res, "mx.target-is-cname")
	wantStatus(t, res, checks.StatusWarn)
	fd := finding(t, res, "mx.target-is-cname")
	if !strings.Contains(fd.Hint, "mx.provider.net") || !strings.Contains(fd.Ref, "RFC 2181 §10.3") {
		t.Errorf("finding = %+v", fd)
	}
	h := mxData(t, res).Hosts[0]
	if h.CNAME != "mx.provider.net" || len(h.Addresses) != 1 {
		t.Errorf("host = %+v", h)
	}
}

func TestTargetIsIP(t *testing.T) {
	f := newFake(t, `example.com. MX 10 93.184.216.34.
example.com. MX 20 mx2.example.com.
mx2.example.com. A 93.184.216.35`)
	res := Check(ctx, f, "example.com", Options{})
	wantCodes(t, res, "mx.target-is-ip")
	wantStatus(t, res, checks.StatusFail)
	if n := f.count("93.184.216.34.", dns.TypeA); n != 0 {
		t.Errorf("an IP-literal target was looked up as a name %d times", n)
	}
	if h := mxData(t, res).Hosts[0]; h.Host != "93.184.216.34" || len(h.Addresses) != 0 {
		t.Errorf("host = %+v", h)
	}
}

func TestIPLiteralForms(t *testing.T) {
	for _, s := range []string{"192.0.2.1.", "192.0.2.1", "[192.0.2.1]", "2001:db8::1", "[IPv6:2001:db8::1]."} {
		if _, ok := ipLiteral(s); !ok {
			t.Errorf("ipLiteral(%q) = false", s)
		}
	}
	for _, s := range []string{"mx.example.com.", "1.example.com.", "192.0.2.", "fe80::1%eth0", ""} {
		if _, ok := ipLiteral(s); ok {
			t.Errorf("ipLiteral(%q) = true", s)
		}
	}
}

func TestTargetUnresolvable(t *testing.T) {
	f := newFake(t, `example.com. MX 10 gone.example.com.
example.com. MX 20 bare.example.com.
bare.example.com. TXT "no address here"`)
	res := Check(ctx, f, "example.com", Options{})
	wantCodes(t, res, "mx.target-unresolvable", "mx.target-unresolvable", "mx.no-usable-host")
	wantStatus(t, res, checks.StatusFail)
	if !strings.Contains(res.Findings[0].Message, "NXDOMAIN") || !strings.Contains(res.Findings[1].Message, "exists but has no A or AAAA") {
		t.Errorf("messages: %q / %q", res.Findings[0].Message, res.Findings[1].Message)
	}
}

func TestOneHostLookupFails(t *testing.T) {
	f := newFake(t, `example.com. MX 10 mx1.example.com.
example.com. MX 20 mx2.broken.net.
mx1.example.com. A 93.184.216.34`)
	f.fail("mx2.broken.net", dns.TypeA, nil)
	f.fail("mx2.broken.net", dns.TypeAAAA, nil)
	res := Check(ctx, f, "example.com", Options{})
	wantCodes(t, res, "mx.target-lookup-failed")
	wantStatus(t, res, checks.StatusWarn)
	fd := finding(t, res, "mx.target-lookup-failed")
	if !strings.Contains(fd.Message, "could not be checked") || !strings.Contains(fd.Message, "mx2.broken.net") {
		t.Errorf("message = %q", fd.Message)
	}
	if h := mxData(t, res).Hosts[1]; h.Error == "" {
		t.Errorf("host = %+v", h)
	}
}

// When no host could be resolved because every lookup failed, nothing
// could be judged: the check is an error, with a finding per host.
func TestAllHostLookupsFail(t *testing.T) {
	f := newFake(t, `example.com. MX 10 mx1.example.com.`)
	f.fail("mx1.example.com", dns.TypeA, &dnsx.QueryError{Name: "mx1.example.com.", Type: dns.TypeA, Err: dnsx.ErrTimeout})
	f.fail("mx1.example.com", dns.TypeAAAA, nil)
	res := Check(ctx, f, "example.com", Options{})
	wantStatus(t, res, checks.StatusError)
	wantCodes(t, res, "mx.target-lookup-failed")
	if !strings.Contains(res.Error, "no MX host could be resolved") || !strings.Contains(res.Error, "timeout") {
		t.Errorf("Error = %q", res.Error)
	}
}

func TestPartialLookupFailure(t *testing.T) {
	f := newFake(t, `example.com. MX 10 mx1.example.com.
mx1.example.com. A 93.184.216.34`)
	f.fail("mx1.example.com", dns.TypeAAAA, nil)
	res := Check(ctx, f, "example.com", Options{})
	wantStatus(t, res, checks.StatusWarn)
	fd := finding(t, res, "mx.target-lookup-failed")
	if !strings.Contains(fd.Message, "checked with 93.184.216.34 only") {
		t.Errorf("message = %q", fd.Message)
	}
}

func TestDuplicateHost(t *testing.T) {
	f := newFake(t, `example.com. MX 10 mx1.example.com.
example.com. MX 20 MX1.example.com.
mx1.example.com. A 93.184.216.34`)
	res := Check(ctx, f, "example.com", Options{})
	wantCodes(t, res, "mx.duplicate-host")
	wantStatus(t, res, checks.StatusWarn)
	if fd := finding(t, res, "mx.duplicate-host"); !strings.Contains(fd.Message, "preferences 10, 20") {
		t.Errorf("message = %q", fd.Message)
	}
	if n := f.count("mx1.example.com", dns.TypeA); n != 1 {
		t.Errorf("duplicate host asked %d times", n)
	}
	d := mxData(t, res)
	if len(d.Hosts) != 2 || d.Hosts[1].Preference != 20 || len(d.Hosts[1].Addresses) != 1 {
		t.Errorf("hosts = %+v", d.Hosts)
	}
}

func TestPrivateAddresses(t *testing.T) {
	f := newFake(t, `example.com. MX 10 mx1.example.com.
example.com. MX 20 mx2.example.com.
mx1.example.com. A 10.1.2.3
mx1.example.com. AAAA ::1
mx2.example.com. A 93.184.216.34`)
	res := Check(ctx, f, "example.com", Options{})
	wantCodes(t, res, "mx.target-private-ip")
	fd := finding(t, res, "mx.target-private-ip")
	if !strings.Contains(fd.Message, "10.1.2.3 is private (RFC 1918)") || !strings.Contains(fd.Message, "::1 is loopback") {
		t.Errorf("message = %q", fd.Message)
	}
}

func TestSpecialKind(t *testing.T) {
	cases := map[string]string{
		"93.184.216.34":      "",
		"8.8.8.8":            "",
		"2606:4700::1111":    "",
		"127.0.0.1":          "loopback (RFC 1122)",
		"172.31.255.255":     "private (RFC 1918)",
		"172.32.0.1":         "",
		"192.168.1.1":        "private (RFC 1918)",
		"100.64.0.1":         "carrier-grade NAT (RFC 6598)",
		"192.0.2.5":          "documentation (RFC 5737)",
		"::ffff:10.0.0.1":    "private (RFC 1918)",
		"fd00::1":            "unique local (RFC 4193)",
		"fe80::1":            "link-local (RFC 4291)",
		"2001:db8::25":       "documentation (RFC 3849)",
		"0.0.0.0":            "\"this network\" (RFC 791)",
		"255.255.255.255":    "reserved (RFC 1112)",
		"169.254.169.254":    "link-local (RFC 3927)",
		"2a00:1450:4001::1b": "",
	}
	for s, want := range cases {
		if got := specialKind(netip.MustParseAddr(s)); got != want {
			t.Errorf("specialKind(%s) = %q, want %q", s, got, want)
		}
	}
}

func TestCancelledContext(t *testing.T) {
	f := newFake(t, `example.com. MX 10 mx1.example.com.`)
	c, cancel := context.WithCancel(ctx)
	cancel()
	res := Check(c, f, "example.com", Options{Concurrency: 1})
	wantStatus(t, res, checks.StatusError)
}

// Every host's A and AAAA are asked at once: with 8 hosts and a delay per
// answer, the check asks two rounds (MX, then addresses) with all 16
// address questions in flight together, not seventeen rounds one at a
// time. Counted by the fake, not timed: timings go in the benchmark.
func TestHostsResolvedConcurrently(t *testing.T) {
	var lines []string
	for i := range 8 {
		lines = append(lines, fmt.Sprintf("example.com. MX %d mx%d.example.com.", 10*i, i),
			fmt.Sprintf("mx%d.example.com. A 93.184.216.%d", i, 10+i))
	}
	f := newFake(t, strings.Join(lines, "\n"))
	f.delay = 100 * time.Millisecond
	res := Check(ctx, f, "example.com", Options{})
	wantStatus(t, res, checks.StatusOK)
	if p := f.peak.Load(); p < 16 {
		t.Errorf("peak queries in flight = %d, want 16 (8 hosts × A, AAAA)", p)
	}
	if r := f.maxRounds(); r != 2 {
		t.Errorf("rounds of dependent queries = %d, want 2 (MX, then addresses)", r)
	}
}

func TestConcurrencyBound(t *testing.T) {
	var lines []string
	for i := range 10 {
		lines = append(lines, fmt.Sprintf("example.com. MX %d mx%d.example.com.", i, i),
			fmt.Sprintf("mx%d.example.com. A 93.184.216.%d", i, 10+i))
	}
	f := newFake(t, strings.Join(lines, "\n"))
	f.delay = 5 * time.Millisecond
	res := Check(ctx, f, "example.com", Options{Concurrency: 3})
	wantStatus(t, res, checks.StatusOK)
	if p := f.peak.Load(); p > 3 || p < 2 {
		t.Errorf("peak queries in flight = %d, want at most 3 (and some overlap)", p)
	}
	res = CheckPTR(ctx, f, "example.com", Options{Concurrency: 3})
	if p := f.peak.Load(); p > 3 {
		t.Errorf("ptr: peak queries in flight = %d, want at most 3", p)
	}
	if len(ptrData(t, res).Addresses) != 10 {
		t.Errorf("ptr addresses = %d", len(ptrData(t, res).Addresses))
	}
}

func TestCNAMEToNowhere(t *testing.T) {
	f := newFake(t, `example.com. MX 10 mail.example.com.
mail.example.com. CNAME gone.provider.net.`)
	res := Check(ctx, f, "example.com", Options{})
	wantCodes(t, res, "mx.target-is-cname", "mx.target-unresolvable", "mx.no-usable-host")
	if m := res.Findings[1].Message; !strings.Contains(m, "alias for gone.provider.net, which does not exist") {
		t.Errorf("message = %q", m)
	}
}

// A target the resolver refuses as a name is judged unusable, not a DNS
// failure that leaves the check without a verdict.
func TestInvalidTargetName(t *testing.T) {
	f := newFake(t, `example.com. MX 10 bad.example.com.`)
	for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA} {
		f.fail("bad.example.com", qt, &dnsx.QueryError{Name: "bad.example.com.", Type: qt, Err: dnsx.ErrBadName})
	}
	res := Check(ctx, f, "example.com", Options{})
	wantCodes(t, res, "mx.target-unresolvable", "mx.no-usable-host")
	wantStatus(t, res, checks.StatusFail)
	if m := res.Findings[0].Message; !strings.Contains(m, "not a valid host name") {
		t.Errorf("message = %q", m)
	}
}
