package reportsummary

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dmarcreport"
	"github.com/relayctl/relayctl/checks/internal/codetest"
)

// exampleSituations are the codes whose Example is a situation this test
// does not build, each with the reason.
var exampleSituations = map[string]string{
	"report.failure-reports": "a failure report is a multipart email (RFC 6591); TestSummaryTLSAndFailures sums failure records",
}

var (
	sourceIP = regexp.MustCompile(`<source_ip>([^<]+)</source_ip>`)
	hostName = regexp.MustCompile(`^[a-z0-9-]+(\.[a-z0-9-]+)+$`)
)

// TestCodeExamples sums up every Example of Codes as it reads: a
// backquoted <row> is the one record of an aggregate report for
// example.com whose policy is the backquoted `p=…` (none when the
// example names none), a backquoted host name is the reverse DNS name
// of the row's source (which otherwise has none; "answer SERVFAIL" makes
// every lookup fail), and a backquoted JSON object is the one entry of a
// TLS report's failure-details. The reports go through the real parser
// (dmarcreport.Parse) and Summary; the example's code must be among the
// findings.
func TestCodeExamples(t *testing.T) {
	codetest.Examples(t, Codes(), exampleSituations, func(t *testing.T, c checks.CodeDoc) {
		policy, ptr := "none", ""
		var reports []string
		for _, q := range codetest.Backquoted(c.Example) {
			switch {
			case strings.HasPrefix(q, "p="):
				policy = strings.TrimPrefix(q, "p=")
			case strings.HasPrefix(q, "<row>"):
				reports = append(reports, aggregateXML(q))
			case strings.HasPrefix(q, "{"):
				reports = append(reports, tlsJSON(t, q))
			case hostName.MatchString(q):
				ptr = q
			}
		}
		if len(reports) == 0 {
			t.Fatalf("Example %q holds no report row or failure details, and the code is not listed as a situation", c.Example)
		}
		res := &ptrResolver{names: map[string]string{}}
		for _, r := range reports {
			if m := sourceIP.FindStringSubmatch(r); m != nil {
				switch {
				case strings.Contains(c.Example, "answer SERVFAIL"):
					res.names[m[1]] = ""
				case ptr != "":
					res.names[m[1]] = ptr
				}
			}
		}
		var s Summary
		for _, r := range reports {
			r = strings.Replace(r, "<p>none</p>", "<p>"+policy+"</p>", 1)
			out, err := dmarcreport.Parse(context.Background(), []byte(r), dmarcreport.Options{}, func(rec dmarcreport.Record) error {
				s.Add(rec)
				return nil
			})
			if err != nil || len(out.Problems) > 0 || out.Records == 0 {
				t.Fatalf("the example's report does not read: %v %v (%d records)\n%s", err, out.Problems, out.Records, r)
			}
		}
		var got []string
		for _, rep := range s.Reports(context.Background(), Options{Resolver: res}) {
			for _, r := range rep.Checks {
				got = append(got, codes(&r)...)
			}
		}
		if !slices.Contains(got, c.Code) {
			t.Errorf("Example %q gives %v, not %s", c.Example, got, c.Code)
		}
	})
}

// aggregateXML is an aggregate report for example.com, policy none,
// holding one record with row.
func aggregateXML(row string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><feedback><report_metadata><org_name>receiver.example</org_name>` +
		`<email>dmarc@receiver.example</email><report_id>r1</report_id><date_range><begin>1764547200</begin><end>1764633600</end></date_range>` +
		`</report_metadata><policy_published><domain>example.com</domain><p>none</p></policy_published><record>` + row +
		`<identifiers><header_from>example.com</header_from></identifiers></record></feedback>`
}

// tlsJSON is an SMTP TLS report (RFC 8460) for example.com whose one
// policy has detail as its failure details and their count as its
// failures.
func tlsJSON(t *testing.T, detail string) string {
	var d struct {
		Count int64 `json:"failed-session-count"`
	}
	if err := json.Unmarshal([]byte(detail), &d); err != nil {
		t.Fatalf("failure details %s: %v", detail, err)
	}
	b, _ := json.Marshal(map[string]any{
		"organization-name": "receiver.example", "report-id": "t1",
		"date-range": map[string]string{"start-datetime": "2026-12-01T00:00:00Z", "end-datetime": "2026-12-01T23:59:59Z"},
		"policies": []any{map[string]any{
			"policy":          map[string]any{"policy-type": "sts", "policy-domain": "example.com"},
			"summary":         map[string]int64{"total-successful-session-count": 90, "total-failure-session-count": d.Count},
			"failure-details": []json.RawMessage{json.RawMessage(detail)},
		}},
	})
	return string(b)
}
