package tlsrpt

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/internal/codetest"
)

// exampleSituations are the codes whose Example the test cannot build
// from its text, each with why. None so far: every Example is records.
var exampleSituations = map[string]string{}

// TestCodeExamples serves the DNS records of each code's Example (its
// backquoted parts) from a loopback server and checks the domain they
// belong to; the code must be among the findings.
func TestCodeExamples(t *testing.T) {
	codetest.Examples(t, Codes(), exampleSituations, func(t *testing.T, c checks.CodeDoc) {
		var zone []string
		domain := ""
		for _, span := range codetest.Backquoted(c.Example) {
			rr, err := dns.NewRR(span)
			if err != nil || rr == nil {
				t.Fatalf("%q is not a DNS record: %v", span, err)
			}
			if domain == "" {
				name := strings.TrimSuffix(rr.Header().Name, ".")
				for _, p := range []string{"_smtp._tls.", "_mta-sts."} {
					name = strings.TrimPrefix(name, p)
				}
				domain = name
			}
			zone = append(zone, span)
		}
		if len(zone) == 0 {
			t.Fatalf("the Example %q holds no DNS record", c.Example)
		}
		srv := dnstest.Start(t, dnstest.Zone(t, ".", "$TTL 300\n"+strings.Join(zone, "\n")+"\n"))
		res := Check(context.Background(), srv.Client(2*time.Second), domain, Options{})
		var got []string
		for _, f := range res.Findings {
			got = append(got, f.Code)
		}
		t.Logf("%s: %v", domain, got)
		if !slices.Contains(got, c.Code) {
			t.Errorf("Example %q gives %v, not %s", c.Example, got, c.Code)
		}
	})
}
