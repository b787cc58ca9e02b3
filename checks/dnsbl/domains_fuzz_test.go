package dnsbl

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks/dnsx"
)

// FuzzDomainLines: a list of names for "blacklist domain" (a file or
// stdin, one a line, # comments) either fails with an error naming the
// input or yields names in relayctl's normal form whose query name under
// a list's zone is a valid DNS name — or, for a name too long to sit
// under the zone (a 246-character domain does not fit under
// dbl.example), one the resolver refuses as a bad name before any
// query. Nothing panics.
func FuzzDomainLines(f *testing.F) {
	for _, s := range []string{"example.com\n", "# c\nExample.COM. # x\n\n", "bücher.example\n", "192.0.2.1\n", "a..b\n", strings.Repeat("a", 70) + ".example\n", "\xff\n", strings.Repeat(strings.Repeat("a", 60)+".", 4) + "ex\n"} {
		f.Add(s)
	}
	r, err := dnsx.New(dnsx.Config{Offline: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string) {
		n := 0
		for in, err := range Lines(strings.NewReader(src), "names.txt", ParseDomain) {
			if err != nil {
				if !strings.Contains(err.Error(), "names.txt") {
					t.Fatalf("error %q does not name the input", err)
				}
				return
			}
			tg := in.target
			if norm, err := dnsx.Domain(tg.Domain); err != nil || norm != tg.Domain {
				t.Fatalf("%q from %q is not in normal form (%q, %v)", tg.Domain, src, norm, err)
			}
			if q := QueryName(tg, "dbl.example"); !validName(q) {
				if _, err := r.Query(context.Background(), q, dns.TypeA); !errors.Is(err, dnsx.ErrBadName) {
					t.Fatalf("query name %q for %q: %v", q, tg.Domain, err)
				}
			}
			if n++; n > 1024 {
				return
			}
		}
	})
}

func validName(s string) bool {
	_, ok := dns.IsDomainName(s)
	return ok && len(s) <= 255
}
