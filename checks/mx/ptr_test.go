package mx

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
)

const ptrZone = `
example.com. MX 10 mx1.example.com.
example.com. MX 20 mx2.example.com.
mx1.example.com. A 93.184.216.34
mx1.example.com. AAAA 2606:2800:220:1::1
mx2.example.com. A 93.184.216.35
34.216.184.93.in-addr.arpa. PTR mx1.example.com.
1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.2.2.0.0.0.8.2.6.0.6.2.ip6.arpa. PTR mx1.example.com.
35.216.184.93.in-addr.arpa. PTR mx2.example.com.
`

func TestPTRAllConfirmed(t *testing.T) {
	f := newFake(t, ptrZone)
	res := CheckPTR(ctx, f, "example.com", Options{})
	wantStatus(t, res, checks.StatusOK)
	wantCodes(t, res)
	if res.Name != "ptr" {
		t.Errorf("Name = %q", res.Name)
	}
	if want := "3 of 3 MX addresses have forward-confirmed reverse DNS"; res.Summary != want {
		t.Errorf("Summary = %q, want %q", res.Summary, want)
	}
	d := ptrData(t, res)
	if len(d.Addresses) != 3 {
		t.Fatalf("addresses = %+v", d.Addresses)
	}
	v6 := d.Addresses[1]
	if v6.Address != netip.MustParseAddr("2606:2800:220:1::1") || v6.Host != "mx1.example.com" ||
		!v6.Confirmed || v6.ConfirmedName != "mx1.example.com" || len(v6.PTR) != 1 {
		t.Errorf("v6 entry = %+v", v6)
	}
	// Only the address's own family is asked forward.
	if n := f.count("mx1.example.com", dns.TypeAAAA); n != 2 {
		t.Errorf("AAAA mx1 asked %d times, want 2 (host lookup, forward confirmation)", n)
	}
}

func TestPTRMissing(t *testing.T) {
	f := newFake(t, `example.com. MX 10 mx1.example.com.
mx1.example.com. A 93.184.216.34`)
	res := CheckPTR(ctx, f, "example.com", Options{})
	wantCodes(t, res, "ptr.missing")
	wantStatus(t, res, checks.StatusWarn)
	fd := finding(t, res, "ptr.missing")
	if fd.Ref != "RFC 1912 §2.1" || !strings.Contains(fd.Message, "93.184.216.34 (mx1.example.com)") {
		t.Errorf("finding = %+v", fd)
	}
	if a := ptrData(t, res).Addresses[0]; a.Confirmed || len(a.PTR) != 0 || a.PTR == nil {
		t.Errorf("entry = %+v", a)
	}
}

func TestPTRMismatch(t *testing.T) {
	f := newFake(t, `example.com. MX 10 mx1.example.com.
mx1.example.com. A 93.184.216.34
mx1.example.com. AAAA 2606:2800:220:1::1
34.216.184.93.in-addr.arpa. PTR server.hosting.net.
server.hosting.net. A 93.184.216.99
1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.2.2.0.0.0.8.2.6.0.6.2.ip6.arpa. PTR v6only.hosting.net.
v6only.hosting.net. A 93.184.216.34`)
	res := CheckPTR(ctx, f, "example.com", Options{})
	wantCodes(t, res, "ptr.mismatch", "ptr.mismatch")
	wantStatus(t, res, checks.StatusWarn)
	if m := res.Findings[0].Message; !strings.Contains(m, "server.hosting.net resolves to 93.184.216.99") {
		t.Errorf("message = %q", m)
	}
	// The IPv6 address's PTR name has only an A record: no AAAA confirms it.
	if m := res.Findings[1].Message; !strings.Contains(m, "v6only.hosting.net has no AAAA record") {
		t.Errorf("message = %q", m)
	}
	if want := "0 of 2 MX addresses have forward-confirmed reverse DNS"; res.Summary != want {
		t.Errorf("Summary = %q", res.Summary)
	}
}

// One of several PTR names resolving back is enough.
func TestPTRSeveralNamesOneConfirms(t *testing.T) {
	f := newFake(t, `example.com. MX 10 mx1.example.com.
mx1.example.com. A 93.184.216.34
34.216.184.93.in-addr.arpa. PTR other.example.net.
34.216.184.93.in-addr.arpa. PTR mx1.example.com.`)
	res := CheckPTR(ctx, f, "example.com", Options{})
	wantCodes(t, res)
	a := ptrData(t, res).Addresses[0]
	if !a.Confirmed || a.ConfirmedName != "mx1.example.com" || len(a.PTR) != 2 {
		t.Errorf("entry = %+v", a)
	}
	if res.Summary != "93.184.216.34 → mx1.example.com → confirmed" {
		t.Errorf("Summary = %q", res.Summary)
	}
}

func TestPTRLookupFails(t *testing.T) {
	f := newFake(t, ptrZone)
	f.fail("35.216.184.93.in-addr.arpa.", dns.TypePTR, nil)
	res := CheckPTR(ctx, f, "example.com", Options{})
	wantCodes(t, res, "ptr.lookup-failed")
	wantStatus(t, res, checks.StatusWarn)
	if a := ptrData(t, res).Addresses[2]; a.Error == "" || a.Confirmed {
		t.Errorf("entry = %+v", a)
	}
}

// A forward lookup failure with no other name confirming: not judged as a
// mismatch.
func TestPTRForwardLookupFails(t *testing.T) {
	f := newFake(t, `example.com. MX 10 mx1.example.com.
mx1.example.com. A 93.184.216.34
34.216.184.93.in-addr.arpa. PTR host.broken.net.`)
	f.fail("host.broken.net", dns.TypeA, nil)
	res := CheckPTR(ctx, f, "example.com", Options{})
	wantCodes(t, res, "ptr.lookup-failed")
	wantStatus(t, res, checks.StatusError) // the one address could not be judged
	if !strings.Contains(res.Findings[0].Message, "host.broken.net could not be resolved") {
		t.Errorf("message = %q", res.Findings[0].Message)
	}
}

func TestPTRAllLookupsFailIsError(t *testing.T) {
	f := newFake(t, ptrZone)
	for _, n := range []string{"34.216.184.93.in-addr.arpa.", "35.216.184.93.in-addr.arpa.",
		"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.2.2.0.0.0.8.2.6.0.6.2.ip6.arpa."} {
		f.fail(n, dns.TypePTR, nil)
	}
	res := CheckPTR(ctx, f, "example.com", Options{})
	wantStatus(t, res, checks.StatusError)
	if !strings.Contains(res.Error, "SERVFAIL") {
		t.Errorf("Error = %q", res.Error)
	}
}

func TestPTRMXServFail(t *testing.T) {
	f := newFake(t, ptrZone)
	f.fail("example.com", dns.TypeMX, nil)
	res := CheckPTR(ctx, f, "example.com", Options{})
	wantStatus(t, res, checks.StatusError)
	wantCodes(t, res)
}

func TestPTRHostsUnresolvedIsError(t *testing.T) {
	f := newFake(t, `example.com. MX 10 mx1.example.com.`)
	f.fail("mx1.example.com", dns.TypeA, nil)
	f.fail("mx1.example.com", dns.TypeAAAA, nil)
	res := CheckPTR(ctx, f, "example.com", Options{})
	wantStatus(t, res, checks.StatusError)
}

func TestPTRNothingToCheck(t *testing.T) {
	for name, zone := range map[string]string{
		"null MX":   `example.com. MX 0 .`,
		"nxdomain":  `other.com. A 93.184.216.34`,
		"no A/AAAA": `example.com. MX 10 gone.example.com.`,
	} {
		res := CheckPTR(ctx, newFake(t, zone), "example.com", Options{})
		if res.Status != checks.StatusInfo || len(res.Findings) != 0 || len(ptrData(t, res).Addresses) != 0 {
			t.Errorf("%s: status %s codes %v", name, res.Status, codes(res))
		}
	}
}

// Without MX records the implicit MX, the domain itself, is checked.
func TestPTRImplicitMX(t *testing.T) {
	f := newFake(t, `example.com. A 93.184.216.34
34.216.184.93.in-addr.arpa. PTR example.com.`)
	res := CheckPTR(ctx, f, "example.com", Options{})
	wantCodes(t, res)
	d := ptrData(t, res)
	if len(d.Addresses) != 1 || d.Addresses[0].Host != "example.com" || !d.Addresses[0].Confirmed {
		t.Errorf("addresses = %+v", d.Addresses)
	}
}

func TestPTRSharedAddress(t *testing.T) {
	f := newFake(t, `example.com. MX 10 mx1.example.com.
example.com. MX 20 mx2.example.com.
mx1.example.com. A 93.184.216.34
mx2.example.com. A 93.184.216.34`)
	res := CheckPTR(ctx, f, "example.com", Options{})
	wantCodes(t, res, "ptr.missing")
	a := ptrData(t, res).Addresses
	if len(a) != 1 || a[0].Host != "mx1.example.com" || len(a[0].Hosts) != 2 || a[0].Hosts[1] != "mx2.example.com" {
		t.Errorf("addresses = %+v", a)
	}
	if !strings.Contains(res.Findings[0].Message, "(mx1.example.com, mx2.example.com)") {
		t.Errorf("message = %q", res.Findings[0].Message)
	}
}

func TestPTRGeneric(t *testing.T) {
	f := newFake(t, `example.com. MX 10 mx1.example.com.
mx1.example.com. A 93.184.216.34
34.216.184.93.in-addr.arpa. PTR 93-184-216-34.static.isp.net.
93-184-216-34.static.isp.net. A 93.184.216.34`)
	res := CheckPTR(ctx, f, "example.com", Options{})
	wantCodes(t, res, "ptr.generic")
	wantStatus(t, res, checks.StatusOK)
}

// A reverse zone with many names for one address costs at most
// maxPTRNames forward lookups.
func TestPTRManyNamesBounded(t *testing.T) {
	lines := []string{"example.com. MX 10 mx1.example.com.", "mx1.example.com. A 93.184.216.34"}
	for i := range 40 {
		lines = append(lines, fmt.Sprintf("34.216.184.93.in-addr.arpa. PTR n%d.example.net.", i))
	}
	f := newFake(t, strings.Join(lines, "\n"))
	res := CheckPTR(ctx, f, "example.com", Options{})
	wantCodes(t, res, "ptr.mismatch")
	asked := 0
	for i := range 40 {
		asked += f.count(fmt.Sprintf("n%d.example.net.", i), dns.TypeA)
	}
	if asked != maxPTRNames {
		t.Errorf("forward lookups = %d, want %d", asked, maxPTRNames)
	}
	if a := ptrData(t, res).Addresses[0]; len(a.PTR) != 40 {
		t.Errorf("ptr names kept = %d, want 40", len(a.PTR))
	}
}

// MX → A/AAAA → PTR → A/AAAA: four rounds of dependent questions, however
// many hosts and addresses there are (serially it would be one round per
// question, over thirty). Counted by the fake, not timed.
func TestPTRCriticalPath(t *testing.T) {
	var lines []string
	for i := range 6 {
		lines = append(lines,
			fmt.Sprintf("example.com. MX %d mx%d.example.com.", 10*i, i),
			fmt.Sprintf("mx%d.example.com. A 93.184.216.%d", i, 10+i),
			fmt.Sprintf("mx%d.example.com. AAAA 2606:2800:220:1::%d", i, 10+i),
			fmt.Sprintf("%d.216.184.93.in-addr.arpa. PTR mx%d.example.com.", 10+i, i),
		)
	}
	f := newFake(t, strings.Join(lines, "\n"))
	f.delay = 100 * time.Millisecond
	res := CheckPTR(ctx, f, "example.com", Options{})
	if d := ptrData(t, res); len(d.Addresses) != 12 {
		t.Fatalf("addresses = %d", len(d.Addresses))
	}
	wantStatus(t, res, checks.StatusWarn) // the six IPv6 addresses have no PTR
	if r := f.maxRounds(); r != 4 {
		t.Errorf("rounds of dependent queries = %d, want 4 (MX, addresses, PTR, forward)", r)
	}
}

func TestPTRNameInvalid(t *testing.T) {
	f := newFake(t, `example.com. MX 10 mx1.example.com.
mx1.example.com. A 93.184.216.34
34.216.184.93.in-addr.arpa. PTR weird.example.net.`)
	f.fail("weird.example.net", dns.TypeA, &dnsx.QueryError{Name: "weird.example.net.", Type: dns.TypeA, Err: dnsx.ErrBadName})
	res := CheckPTR(ctx, f, "example.com", Options{})
	wantCodes(t, res, "ptr.mismatch")
	wantStatus(t, res, checks.StatusWarn)
}
