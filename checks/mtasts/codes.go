package mtasts

import "github.com/relayctl/relayctl/checks"

// Name is the check's Result.Name.
const Name = "mtasts"

// Codes is every finding code the mtasts check emits, in the order of the
// "Finding codes" table of docs/mtasts.md, which a test holds to it.
func Codes() []checks.CodeDoc {
	return []checks.CodeDoc{
		{Code: "mtasts.missing", Severity: "info",
			Meaning: "no `v=STSv1` record at `_mta-sts.<domain>`",
			Fix:     "publish a policy and the record, starting in mode testing"},
		{Code: "mtasts.multiple-records", Severity: "fail",
			Meaning: "more than one `v=STSv1` record: senders assume no MTA-STS (§3.1)",
			Fix:     "keep one"},
		{Code: "mtasts.syntax", Severity: "fail",
			Meaning: "the record or the policy is invalid (with column or line), or a record meant as MTA-STS is discarded",
			Fix:     "correct it as the message says"},
		{Code: "mtasts.policy-unreachable", Severity: "fail",
			Meaning: "the policy could not be fetched: no address for `mta-sts.<domain>`, connection refused or timed out, HTTP status other than 200",
			Fix:     "serve the policy at the URL over HTTPS on port 443"},
		{Code: "mtasts.policy-cert-invalid", Severity: "fail",
			Meaning: "the policy host's certificate is not valid for `mta-sts.<domain>` (wrong name, unknown CA, expired)",
			Fix:     "a certificate for that exact name from a public CA"},
		{Code: "mtasts.redirect", Severity: "fail",
			Meaning: "the URL answers with a 3xx redirect, which senders must not follow (§3.3)",
			Fix:     "serve the policy itself with status 200"},
		{Code: "mtasts.content-type", Severity: "fail",
			Meaning: "the policy's Content-Type is not `text/plain`",
			Fix:     "serve it as `text/plain`"},
		{Code: "mtasts.policy-too-large", Severity: "fail",
			Meaning: "the body is larger than 64 KiB",
			Fix:     "serve only the policy fields"},
		{Code: "mtasts.mx-mismatch", Severity: "fail (enforce), warn (testing)",
			Meaning: "an MX host matches no `mx` pattern: under enforce, senders refuse to deliver to it",
			Fix:     "add an `mx` line for it (and change the id)"},
		{Code: "mtasts.pattern-unused", Severity: "info",
			Meaning: "an `mx` pattern matches none of the MX hosts",
			Fix:     "remove it or fix the typo"},
		{Code: "mtasts.mode-testing", Severity: "warn",
			Meaning: "mode testing: failures are reported, mail still goes without TLS",
			Fix:     "switch to enforce once TLS reports are clean"},
		{Code: "mtasts.mode-none", Severity: "info",
			Meaning: "mode none: senders drop any earlier policy",
			Fix:     "retire the record after max_age, or use testing/enforce"},
		{Code: "mtasts.max-age-short", Severity: "warn under a day, info under a week",
			Meaning: "a short max_age re-opens the downgrade window at each refresh (§3.2, §10.2)",
			Fix:     "604800 (a week) or more"},
		{Code: "mtasts.not-evaluated", Severity: "info",
			Meaning: "with `--offline` the policy is not fetched (no connection is opened), so it and its mx patterns are not checked",
			Fix:     "run again without `--offline` to fetch the policy"},
	}
}
