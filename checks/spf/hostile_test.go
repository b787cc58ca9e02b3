package spf

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// Hostile DNS: each case must end well within its bound with a finding or
// an error status, never hang or panic. The bounds are generous for a
// loaded machine; the work itself takes milliseconds.

func checkBoth(t *testing.T, zone string, hooks map[string]dnstest.Behavior, domain string, bound time.Duration) (checks.Result, checks.Result) {
	t.Helper()
	r := serve(t, zone, hooks)
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	plain := Check(ctx, r, domain, Options{})
	withIP := Check(ctx, r, domain, Options{IP: netip.MustParseAddr("192.0.2.200")})
	if el := time.Since(start); el > bound {
		t.Errorf("took %v, bound %v", el, bound)
	}
	return plain, withIP
}

func TestHostile4KBRecord(t *testing.T) {
	var terms []string
	for i := 0; len(strings.Join(terms, " ")) < 4000; i++ {
		terms = append(terms, fmt.Sprintf("a:h%d.hostile.test", i))
	}
	rec := "v=spf1 " + strings.Join(terms, " ") + " -all"
	zone := "big.test. TXT " + txtChunks(rec) + "\n"
	plain, withIP := checkBoth(t, zone, nil, "big.test", 10*time.Second)
	for _, code := range []string{CodeTooLong, CodeLookupLimit, CodeVoidLimit} {
		if findingFor(plain, code) == nil {
			t.Errorf("no %s in %v", code, codes(plain))
		}
	}
	if d := plain.Data.(Data); d.Record != rec || d.Lookups != len(terms) || d.VoidLookups > maxTargetsPerNode {
		t.Errorf("record %d bytes (want %d), lookups %d, voids %d", len(d.Record), len(rec), d.Lookups, d.VoidLookups)
	}
	if d := withIP.Data.(Data); d.Result != PermError {
		t.Errorf("with --ip: %s (%s), want permerror", d.Result, d.ResultError)
	}
}

func TestHostileIncludeLoop(t *testing.T) {
	zone := `
a.loop.test. TXT "v=spf1 include:b.loop.test -all"
b.loop.test. TXT "v=spf1 include:c.loop.test -all"
c.loop.test. TXT "v=spf1 include:a.loop.test -all"
`
	plain, withIP := checkBoth(t, zone, nil, "a.loop.test", 5*time.Second)
	f := findingFor(plain, CodeIncludeLoop)
	if f == nil || !strings.Contains(f.Message, "a.loop.test → b.loop.test → c.loop.test → a.loop.test") {
		t.Errorf("loop finding %+v in %v", f, codes(plain))
	}
	if d := withIP.Data.(Data); d.Result != PermError || !strings.Contains(d.ResultError, "10 DNS-querying terms") {
		t.Errorf("with --ip: %s (%s), want permerror over the lookup limit", d.Result, d.ResultError)
	}
}

func TestHostileDeepChain(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&b, "d%d.chain.test. TXT \"v=spf1 include:d%d.chain.test -all\"\n", i, i+1)
	}
	b.WriteString("d50.chain.test. TXT \"v=spf1 -all\"\n")
	plain, withIP := checkBoth(t, b.String(), nil, "d0.chain.test", 5*time.Second)
	if findingFor(plain, CodeLookupLimit) == nil || findingFor(plain, CodeTreeTruncated) == nil {
		t.Errorf("codes %v, want lookup-limit and tree-truncated", codes(plain))
	}
	depth := 0
	for n := plain.Data.(Data).Tree; n != nil; depth++ {
		if len(n.Children) == 0 {
			break
		}
		n = n.Children[0]
	}
	if depth > maxWalkDepth+1 {
		t.Errorf("tree followed %d levels, bound %d", depth, maxWalkDepth+1)
	}
	if d := withIP.Data.(Data); d.Result != PermError {
		t.Errorf("with --ip: %s, want permerror", d.Result)
	}
}

// TestHostileFanOut: every record includes the next level twice, a tree
// of 2^20 paths; the walk's node bound keeps it small.
func TestHostileFanOut(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&b, "f%d.fan.test. TXT \"v=spf1 include:f%d.fan.test include:f%d.fan.test -all\"\n", i, i+1, i+1)
	}
	plain, _ := checkBoth(t, b.String(), nil, "f0.fan.test", 10*time.Second)
	if findingFor(plain, CodeLookupLimit) == nil {
		t.Errorf("codes %v", codes(plain))
	}
}

func TestHostileServers(t *testing.T) {
	zone := `
drop.test.      TXT   "v=spf1 include:silent.test -all"
silent.test.    TXT   "v=spf1 -all"
refused.test.   TXT   "v=spf1 -all"
cname1.test.    CNAME cname2.test.
cname2.test.    CNAME cname1.test.
inccname.test.  TXT   "v=spf1 include:cname1.test -all"
`
	hooks := map[string]dnstest.Behavior{"silent.test": dnstest.Drop, "refused.test": dnstest.Refused}
	r := serve(t, zone, hooks)
	// An include target that never answers, a refused question, a CNAME
	// loop at the domain and one behind an include.
	for _, domain := range []string{"drop.test", "refused.test", "cname1.test", "inccname.test"} {
		start := time.Now()
		res := Check(context.Background(), r, domain, Options{IP: netip.MustParseAddr("192.0.2.1")})
		if res.Status != checks.StatusError || res.Error == "" || findingFor(res, CodeMissing) != nil {
			t.Errorf("%s: status %s error %q codes %v; want error, never missing", domain, res.Status, res.Error, codes(res))
		}
		if d := res.Data.(Data); d.Result != TempError {
			t.Errorf("%s: result %s, want temperror", domain, d.Result)
		}
		// Ends, not a hang: at most one 2s timeout is spent; the bound
		// is generous for a loaded machine.
		if el := time.Since(start); el > 12*time.Second {
			t.Errorf("%s took %v", domain, el)
		}
	}
}

// TestCancelled: a cancelled context ends the check at once.
func TestCancelled(t *testing.T) {
	r := serve(t, `slow.test. TXT "v=spf1 -all"`, map[string]dnstest.Behavior{"slow.test": dnstest.Drop})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	out := CheckHost(ctx, r, netip.MustParseAddr("192.0.2.1"), "slow.test", "", "")
	if out.Result != TempError || !errors.Is(out.Err, context.Canceled) {
		t.Errorf("result %s err %v", out.Result, out.Err)
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("cancel took %v", el)
	}
}
