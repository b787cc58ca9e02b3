package report

import (
	"time"

	"github.com/relayctl/relayctl/checks"
)

// sample is a report with every kind of row: a clean check, findings of
// each severity with hints and references, and a check that could not
// finish.
func sample() checks.Report {
	rep := checks.Report{
		SchemaVersion: checks.SchemaVersion,
		Command:       "check domain",
		Target:        "example.com",
		Started:       time.Date(2026, 11, 26, 21, 0, 0, 0, time.UTC),
		DurationMS:    412,
		Checks: []checks.Result{
			{
				Name:       "mx",
				Summary:    "2 hosts: mx1.example.com (10), mx2.example.com (20)",
				Data:       map[string]any{"hosts": []string{"mx1.example.com", "mx2.example.com"}},
				DurationMS: 30,
			},
			{
				Name:    "spf",
				Summary: "v=spf1 include:_spf.example.net ?all (4 of 10 DNS lookups)",
				Findings: []checks.Finding{
					{Code: "spf.all-neutral", Severity: checks.SeverityWarn,
						Message: "the record ends in ?all, which tells receivers nothing about other senders",
						Hint:    "end the record with ~all or -all once every sender is listed",
						Ref:     "RFC 7208 §5.1"},
					{Code: "spf.ptr-mechanism", Severity: checks.SeverityWarn,
						Message: "the record uses the ptr mechanism",
						Hint:    "replace ptr with ip4:/ip6: ranges",
						Ref:     "RFC 7208 §5.5"},
				},
				DurationMS: 120,
			},
			{
				Name:    "dmarc",
				Summary: "v=DMARC1; p=reject; rua=mailto:d@example.com",
				Findings: []checks.Finding{
					{Code: "dmarc.org-domain-fallback", Severity: checks.SeverityInfo,
						Message: "the policy comes from the organizational domain"},
				},
				DurationMS: 40,
			},
			{
				Name:       "dkim",
				Error:      "dns: TXT selector1._domainkey.example.com: SERVFAIL from 127.0.0.1:53",
				DurationMS: 5000,
			},
		},
	}
	for i := range rep.Checks {
		if rep.Checks[i].Error != "" {
			rep.Checks[i].Fail(nil)
		}
		rep.Checks[i].Settle()
	}
	rep.Settle()
	return rep
}

// failing is a second, smaller report for multi-target output.
func failing() checks.Report {
	rep := checks.Report{
		SchemaVersion: checks.SchemaVersion,
		Command:       "check domain",
		Target:        "example.org",
		Started:       time.Date(2026, 11, 26, 21, 0, 1, 0, time.UTC),
		DurationMS:    1500,
		Checks: []checks.Result{{
			Name:    "spf",
			Summary: "no SPF record",
			Findings: []checks.Finding{{Code: "spf.missing", Severity: checks.SeverityFail,
				Message: "example.org publishes no SPF record",
				Hint:    "publish a TXT record starting with v=spf1",
				Ref:     "RFC 7208 §4.5"}},
		}},
	}
	rep.Checks[0].Settle()
	rep.Settle()
	return rep
}
