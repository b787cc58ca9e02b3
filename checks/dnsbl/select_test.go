package dnsbl

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
)

func zones(ls []List) string {
	var s []string
	for _, l := range ls {
		s = append(s, l.Zone)
	}
	return strings.Join(s, " ")
}

func TestSelectDefaults(t *testing.T) {
	sel, err := Select(Builtin(), SelectOptions{Kinds: []Kind{KindIP4, KindIP6}})
	if err != nil {
		t.Fatal(err)
	}
	z := " " + zones(sel.Lists) + " "
	for _, want := range []string{"zen.spamhaus.org", "bl.spamcop.net", "b.barracudacentral.org", "bl.ipv6.spameatingmonkey.net"} {
		if !strings.Contains(z, " "+want+" ") {
			t.Errorf("default lists lack %s: %s", want, z)
		}
	}
	for _, no := range []string{"dbl.spamhaus.org", "multi.surbl.org", "dnsbl-2.uceprotect.net", "list.dnswl.org", "zen.dq.spamhaus.net", "combined.mail.abusix.zone"} {
		if strings.Contains(z, " "+no+" ") {
			t.Errorf("default IP lists hold %s", no)
		}
	}
	if zones(skipped(sel)) != "zen.dq.spamhaus.net combined.mail.abusix.zone" {
		t.Errorf("skipped: %s", zones(skipped(sel)))
	}
	if sel.Skipped[0].Reason != "needs --dqs-key" || sel.Skipped[1].Reason != "needs --abusix-key" {
		t.Errorf("reasons %+v", sel.Skipped)
	}
}

func skipped(sel Selection) []List {
	var out []List
	for _, s := range sel.Skipped {
		out = append(out, s.List)
	}
	return out
}

// With a DQS key the DQS mirrors replace the public Spamhaus zones, and
// the key goes into the zone asked, never into what is shown.
func TestSelectDQS(t *testing.T) {
	keys := Keys{DQS: "abc123key"}
	sel, err := Select(Builtin(), SelectOptions{Kinds: []Kind{KindDomain}, Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	z := zones(sel.Lists)
	if strings.Contains(z, "dbl.spamhaus.org") || !strings.Contains(z, "dbl.dq.spamhaus.net") || !strings.Contains(z, "zrd.dq.spamhaus.net") {
		t.Errorf("%s", z)
	}
	var l List
	for _, x := range sel.Lists {
		if x.Zone == "dbl.dq.spamhaus.net" {
			l = x
		}
	}
	if got := zoneFor(&l, keys); got != "abc123key.dbl.dq.spamhaus.net" {
		t.Errorf("zone asked %s", got)
	}
	if got := redact(QueryName(Target{Domain: "x.example"}, zoneFor(&l, keys)), keys); got != "x.example.KEY.dbl.dq.spamhaus.net." {
		t.Errorf("redacted %s", got)
	}
	if _, err := Select(Builtin(), SelectOptions{Kinds: []Kind{KindIP4}, Keys: Keys{DQS: "bad.key"}}); !errors.Is(err, ErrBadKey) {
		t.Errorf("bad key: %v", err)
	}
}

func TestSelectNamed(t *testing.T) {
	sel, err := Select(Builtin(), SelectOptions{Kinds: []Kind{KindIP4, KindIP6}, Names: []string{"dnsbl-2.uceprotect.net", "BL.Example.NET.", "bl.example.net", "zen.dq.spamhaus.net"}})
	if err != nil {
		t.Fatal(err)
	}
	if zones(sel.Lists) != "dnsbl-2.uceprotect.net bl.example.net" || zones(skipped(sel)) != "zen.dq.spamhaus.net" {
		t.Errorf("%s / %s", zones(sel.Lists), zones(skipped(sel)))
	}
	adhoc := sel.Lists[1]
	if adhoc.Severity != checks.SeverityFail || !adhoc.Lists(KindIP4) || !adhoc.Lists(KindIP6) || adhoc.Lists(KindDomain) {
		t.Errorf("ad-hoc list %+v", adhoc)
	}
	if _, err := Select(Builtin(), SelectOptions{Kinds: []Kind{KindIP4, KindIP6}, Names: []string{"dbl.spamhaus.org"}}); !errors.Is(err, ErrWrongKind) {
		t.Errorf("domain list for IPs: %v", err)
	}
	if _, err := Select(Builtin(), SelectOptions{Kinds: []Kind{KindIP4}, Names: []string{"bad..zone"}}); !errors.Is(err, ErrUnknownList) {
		t.Errorf("bad zone: %v", err)
	}
	sel, _ = Select(Builtin(), SelectOptions{Kinds: []Kind{KindIP4}, Exclude: []string{"zen.spamhaus.org"}})
	if strings.Contains(zones(sel.Lists), "zen.spamhaus.org") {
		t.Error("--exclude ignored")
	}
}

// The built-in catalog: well-formed, live lists only.
func TestBuiltinCatalog(t *testing.T) {
	seen := map[string]bool{}
	for _, l := range Builtin() {
		if _, err := dnsx.Domain(l.Zone); err != nil || seen[l.Zone] {
			t.Errorf("zone %q: %v (dup %v)", l.Zone, err, seen[l.Zone])
		}
		seen[l.Zone] = true
		for _, dead := range []string{"sorbs.net", "manitu.net", "ahbl.org", "abuseat.org", "megarbl", "msrbl", "burnt-tech", "emailbasura", "dsbl.org", "ordb.org"} {
			if strings.Contains(l.Zone, dead) {
				t.Errorf("dead list %s in the catalog", l.Zone)
			}
		}
		if l.Name == "" || len(l.Kinds) == 0 || l.Info == "" || l.Terms == "" {
			t.Errorf("%s: incomplete %+v", l.Zone, l)
		}
		if _, err := severity(string(l.Severity)); err != nil {
			t.Errorf("%s: %v", l.Zone, err)
		}
		if len(l.Codes) == 0 {
			t.Errorf("%s: no codes", l.Zone)
		}
		for _, c := range l.Codes {
			if l.Bitmask {
				if c.Code == "" || strings.Contains(c.Code, ".") {
					t.Errorf("%s: bit %q", l.Zone, c.Code)
				}
				continue
			}
			a, err := netip.ParseAddr(c.Code)
			if err != nil || !loopback8.Contains(a) || c.Meaning == "" {
				t.Errorf("%s: code %+v", l.Zone, c)
			}
		}
		if l.Key != KeyNone && l.Default && l.Key.Flag() == "" {
			t.Errorf("%s: key without flag", l.Zone)
		}
	}
	// Refusal codes are refusals in the catalog itself.
	for _, l := range Builtin() {
		switch l.Zone {
		case "zen.spamhaus.org":
			if c := l.classify([]netip.Addr{netip.MustParseAddr("127.255.255.254")}); c.v != refused || !strings.Contains(c.why, "public") {
				t.Errorf("zen 127.255.255.254: %+v", c)
			}
		case "dbl.spamhaus.org":
			if c := l.classify([]netip.Addr{netip.MustParseAddr("127.0.1.255")}); c.v != refused {
				t.Errorf("dbl 127.0.1.255: %+v", c)
			}
		case "multi.uribl.com":
			if c := l.classify([]netip.Addr{netip.MustParseAddr("127.0.0.1")}); c.v != refused {
				t.Errorf("uribl 127.0.0.1: %+v", c)
			}
		case "multi.surbl.org":
			if c := l.classify([]netip.Addr{netip.MustParseAddr("127.0.0.9")}); c.v != refused {
				t.Errorf("surbl bit 1: %+v", c)
			}
			if c := l.classify([]netip.Addr{netip.MustParseAddr("127.0.0.24")}); c.v != listed || len(c.codes) != 2 {
				t.Errorf("surbl 127.0.0.24: %+v", c)
			}
		case "list.dnswl.org":
			if c := l.classify([]netip.Addr{netip.MustParseAddr("127.0.0.255")}); c.v != refused {
				t.Errorf("dnswl 127.0.0.255: %+v", c)
			}
			if c := l.classify([]netip.Addr{netip.MustParseAddr("127.0.15.3")}); c.v != listed || c.codes[0].Meaning != "allowlisted, high trust" || c.severity != checks.SeverityInfo {
				t.Errorf("dnswl 127.0.15.3: %+v", c)
			}
		}
	}
}

func TestPublicResolver(t *testing.T) {
	for s, want := range map[string]bool{"8.8.8.8:53": true, "1.1.1.1": true, "[2620:fe::fe]:53": true, "127.0.0.53:53": false, "192.0.2.53": false, "dns.example:53": false} {
		if _, got := PublicResolver(s); got != want {
			t.Errorf("%s: %v", s, got)
		}
	}
}
