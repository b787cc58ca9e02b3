package dnsbl

import (
	"context"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// testLists is a catalog of the lists in testdata/dnsbl, served by
// dnstest on loopback.
func testLists() []List {
	return []List{
		{Zone: "good.bl.test", Name: "Good", Kinds: ip46, Severity: sevFail, Default: true, Info: "https://good.bl.test/",
			Codes: []Code{ip(2, "spam source"), withSeverity(ip(3, "policy listing"), sevWarn), ip(4, "exploited host")}},
		{Zone: "wild.bl.test", Name: "Wild", Kinds: ip4, Severity: sevFail, Default: true},
		{Zone: "refuse.bl.test", Name: "Refusing", Kinds: ip4, Severity: sevFail, Default: true,
			Refused: spamhausRefused, Codes: spamhausErrors},
		{Zone: "parked.bl.test", Name: "Parked", Kinds: ip4, Severity: sevFail},
		{Zone: "dead.bl.test", Name: "Dead", Kinds: ip4, Severity: sevFail},
		{Zone: "drop.bl.test", Name: "Silent", Kinds: ip4, Severity: sevFail},
		{Zone: "dom.bl.test", Name: "Domains", Kinds: domain, Severity: sevFail, Default: true,
			Bitmask: true, RefusedBits: 1,
			Codes: []Code{bit(1, "refused"), bit(2, "black"), {Code: "4", Meaning: "grey", Severity: sevWarn}, {Code: "8", Meaning: "red", Severity: sevWarn}}},
	}
}

// pick returns the test lists with these zones, in this order.
func pick(t testing.TB, zones ...string) []List {
	t.Helper()
	all := testLists()
	var out []List
	for _, z := range zones {
		found := false
		for _, l := range all {
			if l.Zone == z {
				out = append(out, l)
				found = true
			}
		}
		if !found {
			t.Fatalf("no test list %s", z)
		}
	}
	return out
}

// server serves testdata/dnsbl on loopback; every question about
// drop.bl.test is dropped.
func server(t testing.TB) *dnstest.Server {
	t.Helper()
	zs, err := dnsx.LoadZones("../../testdata/dnsbl")
	if err != nil {
		t.Fatal(err)
	}
	return dnstest.Start(t, zs...)
}

// dropAll makes the server drop every question the tests ask of zone
// about targets (and the zone's health probes).
func dropAll(srv *dnstest.Server, l List, targets ...Target) {
	for _, k := range []Kind{KindIP4, KindIP6, KindDomain} {
		for _, p := range l.probes(k) {
			targets = append(targets, p.target)
		}
	}
	for _, t := range targets {
		srv.Set(QueryName(t, l.Zone), dnstest.Drop)
	}
}

// recorder remembers every question asked through it.
type recorder struct {
	r  dnsx.Resolver
	mu sync.Mutex
	qs []string // "TYPE name"
}

func (rec *recorder) Query(ctx context.Context, name string, qtype uint16) (*dnsx.Answer, error) {
	rec.mu.Lock()
	rec.qs = append(rec.qs, dns.TypeToString[qtype]+" "+strings.ToLower(strings.TrimSuffix(name, ".")))
	rec.mu.Unlock()
	return rec.r.Query(ctx, name, qtype)
}

func (rec *recorder) count(prefix string) int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	n := 0
	for _, q := range rec.qs {
		if strings.HasPrefix(q, prefix) {
			n++
		}
	}
	return n
}

func addr(s string) Target { return Target{Addr: netip.MustParseAddr(s)} }

func check(t *testing.T, r dnsx.Resolver, lists []List, target Target) checks.Report {
	t.Helper()
	c := New(r, lists, Options{Command: "blacklist ip"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return c.Check(ctx, target)
}

func result(t *testing.T, rep checks.Report, zone string) (checks.Result, *Data) {
	t.Helper()
	for _, c := range rep.Checks {
		if c.Name == zone {
			return c, c.Data.(*Data)
		}
	}
	t.Fatalf("no check for %s in %+v", zone, rep.Checks)
	return checks.Result{}, nil
}

func codes(fs []checks.Finding) string {
	var s []string
	for _, f := range fs {
		s = append(s, f.Code+"/"+string(f.Severity))
	}
	return strings.Join(s, ",")
}
