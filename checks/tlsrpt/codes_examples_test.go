package tlsrpt

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// exampleSituations are the codes whose Example the test cannot build
// from its text, each with why. None so far: every Example is records.
var exampleSituations = map[string]string{}

var inBackquotes = regexp.MustCompile("`([^`]*)`")

// TestCodeExamples serves the DNS records of each code's Example (its
// backquoted parts) from a loopback server and checks the domain they
// belong to; the code must be among the findings.
func TestCodeExamples(t *testing.T) {
	var all []string
	for _, c := range Codes() {
		all = append(all, c.Code)
		if why, listed := exampleSituations[c.Code]; listed {
			if why == "" {
				t.Errorf("%s: a listed situation needs a reason", c.Code)
			}
			continue
		}
		t.Run(c.Code, func(t *testing.T) {
			var zone []string
			domain := ""
			for _, m := range inBackquotes.FindAllStringSubmatch(c.Example, -1) {
				rr, err := dns.NewRR(m[1])
				if err != nil || rr == nil {
					t.Fatalf("%q is not a DNS record: %v", m[1], err)
				}
				if domain == "" {
					name := strings.TrimSuffix(rr.Header().Name, ".")
					for _, p := range []string{"_smtp._tls.", "_mta-sts."} {
						name = strings.TrimPrefix(name, p)
					}
					domain = name
				}
				zone = append(zone, m[1])
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
	for code := range exampleSituations {
		if !slices.Contains(all, code) {
			t.Errorf("situation listed for %q, which is not a code", code)
		}
	}
}
