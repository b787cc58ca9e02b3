package state

import "github.com/relayctl/relayctl/checks"

// Codes is every finding code of the state check, in the order of
// docs/state.md's Finding codes table. Each Example is a check's entry
// in the previous run's state file and in this run's
// (codes_examples_test.go diffs them).
func Codes() []checks.CodeDoc {
	return []checks.CodeDoc{
		{Code: "state.new-finding", Severity: "info",
			Meaning: "a finding code the previous run did not have appeared in a check (a target newly listed); the message names the check and the code",
			Why:     "What appeared since the last run is the news in a scheduled run: a new listing, an edited record; with `--fail-on-change` it exits 1, so cron or CI can alert the day it happens",
			Fix:     "look at the finding itself: it carries the verdict",
			Example: "192.0.2.25, last run `{\"bl.spamcop.net\": {\"status\": \"ok\"}}`, this run `{\"bl.spamcop.net\": {\"status\": \"fail\", \"findings\": {\"dnsbl.listed\": \"listed\"}}}`"},
		{Code: "state.finding-gone", Severity: "info",
			Meaning: "a finding code of the previous run is gone from a check (a target delisted)",
			Why:     "A problem that went away confirms that a fix or a delisting held, or shows a check that stopped looking (a selector no longer probed); `--fail-on-change` exits 1 on it too",
			Fix:     "none needed; confirm the fix held",
			Example: "192.0.2.25, last run `{\"bl.spamcop.net\": {\"status\": \"fail\", \"findings\": {\"dnsbl.listed\": \"listed\"}}}`, this run `{\"bl.spamcop.net\": {\"status\": \"ok\"}}`"},
		{Code: "state.status-changed", Severity: "info",
			Meaning: "a check's status is not the previous run's, or a check ran that did not (or the reverse)",
			Why:     "The check's verdict moved (ok to warn, or to error when it could not finish), which can change a scheduled run's exit code; a check that errors hides what it used to find",
			Fix:     "look at the check",
			Example: "example.com, last run `{\"mtasts\": {\"status\": \"ok\"}}`, this run `{\"mtasts\": {\"status\": \"error\"}}` (the TXT lookup at _mta-sts.example.com timed out)"},
	}
}
