package checks

import "strings"

// CodeDoc documents one finding code a check can emit: one row of the
// "Finding codes" table on the check's docs page, and what
// "relayctl explain CODE" prints. Each check package exports its table
// (a Codes function); a test of the package holds the docs page to it.
type CodeDoc struct {
	// Code is the stable identifier, area.kebab-name ("spf.no-all").
	Code string
	// Severity is the finding's severity, in words where it depends on
	// something ("warn", "fail (named) / warn (probed)").
	Severity string
	// Meaning says in one line what the finding means.
	Meaning string
	// Why says in a line or two why it matters: what a receiver, a
	// sender or an attacker does with it, what mail it costs.
	Why string
	// Fix says in one line what to change.
	Fix string
	// Example is one concrete case that yields the finding: the record,
	// header, reply or situation, as a user would meet it.
	Example string
}

// Severities are the severities Severity names, in the order it names
// them, each once.
func (c CodeDoc) Severities() []Severity {
	var out []Severity
	seen := map[Severity]bool{}
	for _, w := range strings.FieldsFunc(c.Severity, func(r rune) bool {
		return !('a' <= r && r <= 'z')
	}) {
		s := Severity(w)
		switch s {
		case SeverityInfo, SeverityWarn, SeverityFail:
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}
