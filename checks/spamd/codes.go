package spamd

import "github.com/relayctl/relayctl/checks"

// Codes returns the spamd check's finding codes: the rows of the Finding
// codes table of docs/spamd.md, in its order (what "relayctl explain"
// prints; a test holds the page to it).
func Codes() []checks.CodeDoc {
	return []checks.CodeDoc{
		{Code: CodeSpam, Severity: "fail",
			Meaning: "SpamAssassin calls the message spam: its score is at or over the daemon's threshold",
			Fix:     "fix the rules that hit (`spamd.rule`) with the most points first"},
		{Code: CodeScore, Severity: "info",
			Meaning: "the message's score, under the threshold",
			Fix:     "nothing"},
		{Code: CodeRule, Severity: "info",
			Meaning: "one rule that hit, with its points and description",
			Fix:     "look at the rules with positive points"},
		{Code: CodeNotScanned, Severity: "warn",
			Meaning: "the message is over spamc's size limit (500 KB by default), so it was not scanned, as sites running spamc with its defaults would not scan it",
			Fix:     "make the message smaller (link to large files), or raise the limit"},
	}
}
