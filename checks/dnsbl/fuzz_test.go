package dnsbl

import (
	"github.com/relayctl/relayctl/checks"
	"net/netip"
	"strings"
	"testing"
)

// Any lists file either fails with ErrBadLists or yields lists whose
// codes classify without panicking.
func FuzzParseLists(f *testing.F) {
	f.Add(sampleLists)
	f.Add("lists:\n  - zone: a.example\n    bitmask: true\n    refused_bits: 255\n    codes: {1: x, 128: y}\n")
	f.Add("lists: [{zone: x.example, kind: [domain], codes: {'.2': z}}]")
	f.Fuzz(func(t *testing.T, src string) {
		ls, err := ParseLists(strings.NewReader(src), "f.yaml")
		if err != nil {
			return
		}
		for _, l := range ls {
			if l.Zone == "" || len(l.Kinds) == 0 {
				t.Fatalf("accepted %+v", l)
			}
			for _, a := range []string{"127.0.0.1", "127.0.0.2", "127.255.255.255", "10.0.0.1"} {
				l.classify([]netip.Addr{netip.MustParseAddr(a)})
			}
			for _, k := range l.Kinds {
				l.probes(k)
			}
		}
	})
}

// Any line of input either parses or fails; what parses has a query name
// that is a valid DNS name under a list's zone.
func FuzzLines(f *testing.F) {
	for _, s := range []string{"192.0.2.1\n", "2001:db8::/126 # x\n", "::ffff:1.2.3.4/127", "# only\n\n", "10.0.0.0/8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		n := 0
		for tg, err := range Targets(Lines(strings.NewReader(src), "f", IPParser(256))) {
			if err != nil {
				return
			}
			if tg.Bad != nil {
				if tg.Bad.Line < 1 || checks.Message(tg.Bad) == "" {
					t.Fatalf("bad line without a place or reason: %+v", tg.Bad)
				}
				continue
			}
			if !tg.Addr.IsValid() {
				t.Fatalf("invalid address from %q", src)
			}
			q := QueryName(tg, "bl.example")
			if strings.Count(q, ".") != map[bool]int{true: 6, false: 34}[tg.Addr.Is4()] {
				t.Fatalf("query %q for %s", q, tg)
			}
			if n++; n > 1024 {
				return
			}
		}
	})
}

// Any answer classifies as exactly one verdict; an answer outside
// 127.0.0.0/8 is never a listing.
func FuzzClassify(f *testing.F) {
	f.Add([]byte{127, 0, 0, 2}, []byte{127, 255, 255, 254})
	f.Fuzz(func(t *testing.T, a, b []byte) {
		var addrs []netip.Addr
		for _, x := range [][]byte{a, b} {
			if ad, ok := netip.AddrFromSlice(x); ok && ad.Is4() {
				addrs = append(addrs, ad)
			}
		}
		for _, l := range Builtin() {
			c := l.classify(addrs)
			for _, ad := range addrs {
				if !loopback8.Contains(ad) && c.v != outside {
					t.Fatalf("%s: %v classified %v", l.Zone, addrs, c.v)
				}
			}
			if c.v == listed && len(c.codes) == 0 {
				t.Fatalf("%s: listed without codes", l.Zone)
			}
		}
	})
}
