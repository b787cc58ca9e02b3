package checks

import (
	"slices"
	"testing"
)

func TestCodeDocSeverities(t *testing.T) {
	for sev, want := range map[string][]Severity{
		"warn":                                  {SeverityWarn},
		"warn (fail with `RequireMX`)":          {SeverityWarn, SeverityFail},
		"fail (named) / warn (probed)":          {SeverityFail, SeverityWarn},
		"info; warn with MTA-STS or DANE":       {SeverityInfo, SeverityWarn},
		"warn under a day, info under a week":   {SeverityWarn, SeverityInfo},
		"warn (status `error`)":                 {SeverityWarn},
		"fail under 1024 bits, warn under 2048": {SeverityFail, SeverityWarn},
		"information":                           nil,
		"":                                      nil,
	} {
		if got := (CodeDoc{Severity: sev}).Severities(); !slices.Equal(got, want) {
			t.Errorf("%q: %v, want %v", sev, got, want)
		}
	}
}
