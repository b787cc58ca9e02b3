package report

import (
	"slices"

	"github.com/relayctl/relayctl/checks"
)

// worstFirst returns a check's findings in the order every renderer shows
// them: fail, then warn, then info, each severity in the order the check
// found them. It sorts a copy; the check's own slice is left alone. The
// order is decided here, at render time, so that the table, JSON and
// NDJSON agree whatever order a check appends in.
func worstFirst(fs []checks.Finding) []checks.Finding {
	out := slices.Clone(fs)
	slices.SortStableFunc(out, func(a, b checks.Finding) int { return severityRank(a.Severity) - severityRank(b.Severity) })
	return out
}

func severityRank(s checks.Severity) int {
	switch s {
	case checks.SeverityFail:
		return 0
	case checks.SeverityWarn:
		return 1
	}
	return 2
}
