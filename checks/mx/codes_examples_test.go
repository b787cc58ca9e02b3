package mx

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/internal/codetest"
)

// What the test reads from an Example: its backquoted records (MX, A,
// AAAA, CNAME, PTR), a "relayctl check mx DOMAIN" command, and the names
// whose query "gets SERVFAIL".
var (
	exampleRecord   = regexp.MustCompile(`^(\S+) (MX|A|AAAA|CNAME|PTR) (.+)$`)
	exampleDomain   = regexp.MustCompile(`^relayctl check mx (\S+)$`)
	exampleServFail = regexp.MustCompile("`(\\S+)` gets SERVFAIL")
)

// Every Example is a case the checks meet: its records are served from an
// in-process zone (loopback) — with an MX naming the first host it gives
// an address when it gives no MX and the host is not the domain itself —
// names it says get SERVFAIL do, and the mx or ptr check of its domain
// (example.com unless it names one) reports the example's code.
func TestCodeExamples(t *testing.T) {
	codetest.Examples(t, append(Codes(), PTRCodes()...), nil, func(t *testing.T, doc checks.CodeDoc) {
		domain := "example.com"
		var lines []string
		hasMX, firstHost := false, ""
		for _, span := range codetest.Backquoted(doc.Example) {
			if d := exampleDomain.FindStringSubmatch(span); d != nil {
				domain = d[1]
				continue
			}
			r := exampleRecord.FindStringSubmatch(span)
			if r == nil {
				continue
			}
			owner, typ, data := r[1], r[2], r[3]
			switch typ {
			case "MX", "CNAME", "PTR":
				if !strings.HasSuffix(data, ".") {
					data += "."
				}
				hasMX = hasMX || typ == "MX"
			case "A", "AAAA":
				if firstHost == "" {
					firstHost = owner
				}
			}
			lines = append(lines, owner+". "+typ+" "+data)
		}
		if !hasMX && firstHost != "" && firstHost != domain {
			lines = append(lines, domain+". MX 10 "+firstHost+".")
		}
		srv := dnstest.Start(t, dnstest.Zone(t, ".", "$ORIGIN .\n$TTL 300\n"+strings.Join(lines, "\n")+"\n"))
		for _, m := range exampleServFail.FindAllStringSubmatch(doc.Example, -1) {
			srv.Set(m[1], dnstest.ServFail)
		}
		c := srv.Client(2 * time.Second)
		var findings []checks.Finding
		for _, res := range []checks.Result{
			Check(context.Background(), c, domain, Options{}),
			CheckPTR(context.Background(), c, domain, Options{}),
		} {
			for _, f := range res.Findings {
				if f.Code == doc.Code {
					return
				}
			}
			findings = append(findings, res.Findings...)
		}
		t.Errorf("example %q\nzone %q, domain %s: findings %v, no %s", doc.Example, lines, domain, findings, doc.Code)
	})
}
