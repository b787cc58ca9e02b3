package spf

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/internal/codetest"
)

// exampleSituations are the codes whose Example describes a case the test
// cannot build from the Example's text, each with why.
var exampleSituations = map[string]string{
	CodeTooLong: "the record it describes (over 450 bytes) is longer than an Example cell can hold",
}

// exampleWorld is what an Example says in words about the rest of the
// DNS (the records of the includes it names, a server that fails), built
// here as zone text and misbehaving names.
var exampleWorld = map[string]struct {
	zone  string
	hooks map[string]dnstest.Behavior
}{
	CodeLookupLimit:     {zone: fiveLookups("_spf.example.net") + fiveLookups("spf.example.org") + ownHosts},
	CodeLookupNearLimit: {zone: fiveLookups("_spf.example.net") + ownHosts},
	CodeMXTooMany:       {zone: manyMX(11)},
	CodeTreeTruncated:   {zone: includeChain(12)},
	CodeDNSError:        {hooks: map[string]dnstest.Behavior{"_spf.example.net": dnstest.ServFail}},
}

// ownHosts gives example.com the A and MX records its a and mx terms ask.
const ownHosts = `
example.com.    A  192.0.2.1
example.com.    MX 10 mx.example.com.
mx.example.com. A  192.0.2.2
`

// fiveLookups is a record at name with five DNS-querying terms, each of
// whose names resolves.
func fiveLookups(name string) string {
	var terms, hosts strings.Builder
	for i := 1; i <= 5; i++ {
		host := fmt.Sprintf("s%d.%s.", i, name)
		fmt.Fprintf(&terms, " a:%s", strings.TrimSuffix(host, "."))
		fmt.Fprintf(&hosts, "%s A 192.0.2.%d\n", host, 10+i)
	}
	return fmt.Sprintf("%s. TXT \"v=spf1%s -all\"\n%s", name, terms.String(), hosts.String())
}

func manyMX(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "example.com. MX 10 mx%d.example.com.\nmx%d.example.com. A 192.0.2.%d\n", i, i, i)
	}
	return b.String()
}

// includeChain is l1.example.net including l2.example.net … down to ln.
func includeChain(n int) string {
	var b strings.Builder
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "l%d.example.net. TXT \"v=spf1 include:l%d.example.net -all\"\n", i, i+1)
	}
	fmt.Fprintf(&b, "l%d.example.net. TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n", n)
	return b.String()
}

// TestCodeExamples runs the Example of every code through Check: each
// backquoted part is a DNS record (served from a loopback server) or the
// relayctl command run, and the code must be among the findings.
func TestCodeExamples(t *testing.T) {
	codetest.Examples(t, Codes(), exampleSituations, func(t *testing.T, c checks.CodeDoc) {
		var zone strings.Builder
		domain, opt := "", Options{}
		for _, span := range codetest.Backquoted(c.Example) {
			if args, ok := strings.CutPrefix(span, "relayctl check spf "); ok {
				domain, opt = exampleCommand(t, args)
				continue
			}
			rr, err := dns.NewRR(span)
			if err != nil || rr == nil {
				t.Fatalf("%q is neither a DNS record nor a relayctl check spf command: %v", span, err)
			}
			if domain == "" {
				domain = strings.TrimSuffix(rr.Header().Name, ".")
			}
			zone.WriteString(span + "\n")
		}
		if domain == "" {
			t.Fatalf("the Example %q names no record and no command", c.Example)
		}
		w := exampleWorld[c.Code]
		r := serve(t, zone.String()+w.zone, w.hooks)
		res := Check(context.Background(), r, domain, opt)
		t.Logf("%s: %v", c.Code, codes(res))
		if findingFor(res, c.Code) == nil {
			t.Errorf("Example %q gives %v, not %s", c.Example, codes(res), c.Code)
		}
	})
}

// exampleCommand reads "DOMAIN [--ip IP]".
func exampleCommand(t *testing.T, args string) (string, Options) {
	t.Helper()
	f := strings.Fields(args)
	var opt Options
	for i := 1; i < len(f); i++ {
		if f[i] != "--ip" || i+1 == len(f) {
			t.Fatalf("command arguments %q: only DOMAIN [--ip IP] are understood", args)
		}
		i++
		opt.IP = netip.MustParseAddr(f[i])
	}
	return f[0], opt
}
