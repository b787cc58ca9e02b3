package spamd

import "github.com/relayctl/relayctl/checks"

// Codes returns the spamd check's finding codes: the rows of the Finding
// codes table of docs/spamd.md, in its order (what "relayctl explain"
// prints; a test holds the page to it).
func Codes() []checks.CodeDoc {
	return []checks.CodeDoc{
		{Code: CodeSpam, Severity: "fail",
			Meaning: "SpamAssassin calls the message spam: its score is at or over the daemon's threshold",
			Fix:     "fix the rules that hit (`spamd.rule`) with the most points first",
			Why:     "Sites running SpamAssassin with this threshold tag the message as spam, and then junk, quarantine or refuse it, as each has set it up.",
			Example: "spamd answers `Spam: True ; 7.3 / 5.0`"},
		{Code: CodeScore, Severity: "info",
			Meaning: "the message's score, under the threshold",
			Fix:     "nothing",
			Why:     "Under the threshold the message passes SpamAssassin here; the nearer the score is to it, the less a site with a lower threshold or a few more rules needs to call it spam.",
			Example: "spamd answers `Spam: False ; 2.1 / 5.0`"},
		{Code: CodeRule, Severity: "info",
			Meaning: "one rule that hit, with its points and description",
			Fix:     "look at the rules with positive points",
			Why:     "Each rule names one thing SpamAssassin held for or against the message; those with the most positive points are what to fix first.",
			Example: "the report table's row `2.7 MISSING_DATE Missing Date: header`"},
		{Code: CodeNotScanned, Severity: "warn",
			Meaning: "the message is over spamc's size limit (500 KB by default), so it was not scanned, as sites running spamc with its defaults would not scan it",
			Fix:     "make the message smaller (link to large files), or raise the limit",
			Why:     "spamc hands nothing over its size limit to spamd, so at sites with the default such mail is delivered unscanned or left to other filters; what SpamAssassin would say of it is unknown.",
			Example: "a 2 MB newsletter with its photos attached, over spamc's 500 KB"},
	}
}
