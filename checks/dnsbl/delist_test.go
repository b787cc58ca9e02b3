package dnsbl

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// A listing on a catalog list (served from a loopback zone) names the
// list's removal page and process in its hint.
func TestListedHintCarriesRemovalPage(t *testing.T) {
	zs, err := dnsx.LoadZones("../../testdata/dnsbl-catalog")
	if err != nil {
		t.Fatal(err)
	}
	srv := dnstest.Start(t, zs...)
	sel, err := Select(Builtin(), SelectOptions{Names: []string{"bl.spamcop.net", "psbl.surriel.com"}, Kinds: []Kind{KindIP4}})
	if err != nil {
		t.Fatal(err)
	}
	c := New(srv.Client(time.Second), sel.Lists, Options{Command: "blacklist ip"})
	rep := c.Check(context.Background(), Target{Addr: netip.MustParseAddr("198.51.100.7")})
	want := map[string][]string{
		"bl.spamcop.net":   {"https://www.spamcop.net/bl.shtml", "expires by itself", "once the reports stop"},
		"psbl.surriel.com": {"https://psbl.org/", "yourself", "self-service"},
	}
	for _, res := range rep.Checks {
		ws, ok := want[res.Name]
		if !ok {
			continue
		}
		delete(want, res.Name)
		if len(res.Findings) != 1 || res.Findings[0].Code != CodeListed {
			t.Errorf("%s: findings %+v, want one listing", res.Name, res.Findings)
			continue
		}
		for _, w := range ws {
			if !strings.Contains(res.Findings[0].Hint, w) {
				t.Errorf("%s: hint %q lacks %q", res.Name, res.Findings[0].Hint, w)
			}
		}
	}
	if len(want) > 0 {
		t.Errorf("no check for %v", want)
	}
}

// Every catalog list that takes removals says how, with a page; the
// allowlist has none. A list's own page stands in when it has no
// removal page of its own.
func TestCatalogRemoval(t *testing.T) {
	for _, l := range Builtin() {
		switch {
		case l.Allowlist:
			if l.Removal != RemovalUnknown || l.Delist != "" {
				t.Errorf("%s: an allowlist with a removal process", l.Zone)
			}
		case l.Removal != RemovalUnknown && !strings.HasPrefix(l.Delist, "https://"):
			t.Errorf("%s: removal %q without an https page (%q)", l.Zone, l.Removal, l.Delist)
		}
		h := l.removalHint()
		if l.Delist != "" && !strings.Contains(h, l.Delist) {
			t.Errorf("%s: hint %q lacks its removal page", l.Zone, h)
		}
	}
	l := List{Zone: "x.test", Info: "https://x.test/"}
	if h := l.removalHint(); h != "ask for removal at https://x.test/." {
		t.Errorf("no removal process: %q", h)
	}
	if _, err := ParseLists(strings.NewReader("lists:\n  - zone: x.test\n    removal: never\n"), "f.yaml"); err == nil {
		t.Errorf("a bad removal kind was accepted")
	}
	ls, err := ParseLists(strings.NewReader("lists:\n  - zone: x.test\n    delist: https://x.test/remove\n    removal: self-service\n"), "f.yaml")
	if err != nil || ls[0].Removal != RemovalSelf || ls[0].Delist != "https://x.test/remove" {
		t.Errorf("lists file removal: %+v %v", ls, err)
	}
}
