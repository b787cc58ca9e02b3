package spf_test

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/spf"
)

// A zone answered from memory (like --zone with --offline), so the
// examples need no network.
func exampleResolver() dnsx.Resolver {
	z, err := dnsx.ParseZone(strings.NewReader(`
$ORIGIN example.com.
$TTL 300
@           TXT "v=spf1 mx include:_spf.example.com -all exp=why.example.com"
@           MX  10 mail
mail        A   192.0.2.25
_spf        TXT "v=spf1 ip4:198.51.100.0/24 ~all"
why         TXT "%{i} is not allowed to send mail as %{d}"
`), "example.com", "example.zone")
	if err != nil {
		panic(err)
	}
	r, err := dnsx.New(dnsx.Config{Zones: []*dnsx.Zone{z}, Offline: true})
	if err != nil {
		panic(err)
	}
	return r
}

func ExampleParse() {
	rec, err := spf.Parse("v=spf1 include:_spf.example.net inclde:x.example -all")
	fmt.Println(err)
	fmt.Println(len(rec.Mechanisms), rec.Mechanisms[0].Kind, rec.Mechanisms[0].Domain)
	// Output:
	// spf: col 33: unknown mechanism "inclde"
	// 2 include _spf.example.net
}

func ExampleCheckHost() {
	ctx := context.Background()
	r := exampleResolver()
	for _, ip := range []string{"192.0.2.25", "198.51.100.9", "203.0.113.7"} {
		out := spf.CheckHost(ctx, r, netip.MustParseAddr(ip), "example.com", "alice@example.com", "client.example.org")
		fmt.Printf("%s: %s %q %q\n", ip, out.Result, out.Mechanism, out.Explanation)
	}
	// Output:
	// 192.0.2.25: pass "mx" ""
	// 198.51.100.9: pass "include:_spf.example.com" ""
	// 203.0.113.7: fail "-all" "203.0.113.7 is not allowed to send mail as example.com"
}

func ExampleAnalyze() {
	a := spf.Analyze(context.Background(), exampleResolver(), "example.com")
	fmt.Println(a.Record)
	fmt.Printf("%d DNS lookups, %d void\n", a.Lookups, a.VoidLookups)
	for _, c := range a.Tree.Children {
		fmt.Println(c.Via, c.Domain, c.Record)
	}
	for _, f := range a.Findings {
		fmt.Println(f.Severity, f.Code)
	}
	// Output:
	// v=spf1 mx include:_spf.example.com -all exp=why.example.com
	// 2 DNS lookups, 0 void
	// include _spf.example.com v=spf1 ip4:198.51.100.0/24 ~all
}
