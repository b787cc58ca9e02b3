package dmarc

import (
	"context"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/internal/codetest"
)

// exampleSituations are the codes whose Example the test cannot build
// from its text, each with why.
var exampleSituations = map[string]string{
	CodeRecordOversized: "a record over 1,100 characters does not fit an Example cell",
}

// exampleFailures are the names an Example says fail (SERVFAIL), by code.
var exampleFailures = map[string][]string{
	CodeExternalUnverified: {"example.com._report._dmarc.example.net"},
	CodeTreeWalkIncomplete: {"_dmarc.b.example.com"},
}

// TestCodeExamples serves the records of each code's Example from a
// loopback DNS server and runs Check on the domain it names (the command's
// argument, else the first record's owner less "_dmarc." or "*."); the
// code must be among the findings.
func TestCodeExamples(t *testing.T) {
	codetest.Examples(t, Codes(), exampleSituations, func(t *testing.T, c checks.CodeDoc) {
		zone, domain := "", ""
		for _, span := range codetest.Backquoted(c.Example) {
			if d, ok := strings.CutPrefix(span, "relayctl check dmarc "); ok {
				domain = d
				continue
			}
			rr, err := dns.NewRR(span)
			if err != nil || rr == nil {
				t.Fatalf("%q is neither a DNS record nor a relayctl check dmarc command: %v", span, err)
			}
			if zone == "" && domain == "" {
				owner := strings.TrimSuffix(rr.Header().Name, ".")
				owner = strings.TrimPrefix(strings.TrimPrefix(owner, "_dmarc."), "*.")
				domain = owner
			}
			zone += span + "\n"
		}
		if zone == "" {
			t.Fatalf("the Example %q holds no DNS record", c.Example)
		}
		srv, r := serve(t, zone)
		for _, name := range exampleFailures[c.Code] {
			srv.Set(name, dnstest.ServFail)
		}
		res := Check(context.Background(), r, domain, Options{})
		t.Logf("%s: %v", domain, codes(res))
		if !hasCode(res, c.Code) {
			t.Errorf("Example %q gives %v, not %s", c.Example, codes(res), c.Code)
		}
	})
}

func hasCode(res checks.Result, code string) bool {
	for _, f := range res.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}
