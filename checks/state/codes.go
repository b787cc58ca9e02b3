package state

import "github.com/relayctl/relayctl/checks"

// Codes is every finding code of the state check, in the order of
// docs/state.md's Finding codes table.
func Codes() []checks.CodeDoc {
	return []checks.CodeDoc{
		{Code: "state.new-finding", Severity: "info",
			Meaning: "a finding code the previous run did not have appeared in a check (a target newly listed); the message names the check and the code",
			Fix:     "look at the finding itself: it carries the verdict"},
		{Code: "state.finding-gone", Severity: "info",
			Meaning: "a finding code of the previous run is gone from a check (a target delisted)",
			Fix:     "none needed; confirm the fix held"},
		{Code: "state.status-changed", Severity: "info",
			Meaning: "a check's status is not the previous run's, or a check ran that did not (or the reverse)",
			Fix:     "look at the check"},
	}
}
