package policy

import "github.com/relayctl/relayctl/checks"

// Codes is the table of the finding codes a policy file adds: an unmet
// expectation (policy.*) and an ignore that expired. docs/policy.md's
// Finding codes table holds the same rows.
func Codes() []checks.CodeDoc {
	return []checks.CodeDoc{
		{Code: "policy.dmarc-policy", Severity: "fail", Meaning: "the DMARC policy is weaker than the policy file expects", Fix: "raise `p=`"},
		{Code: "policy.dmarc-pct", Severity: "fail", Meaning: "DMARC applies to fewer messages than expected", Fix: "raise or drop `pct=`"},
		{Code: "policy.spf-lookups", Severity: "fail", Meaning: "the SPF record needs more DNS lookups than allowed", Fix: "flatten or drop includes"},
		{Code: "policy.spf-all", Severity: "fail", Meaning: "the SPF `all` is weaker than expected, or missing", Fix: "end the record with the `all` expected"},
		{Code: "policy.dkim-selector", Severity: "fail", Meaning: "an expected DKIM selector has no key", Fix: "publish the key"},
		{Code: "policy.dkim-key-bits", Severity: "fail", Meaning: "a DKIM key is shorter than expected", Fix: "rotate to a longer key"},
		{Code: "policy.mtasts-mode", Severity: "fail", Meaning: "no valid MTA-STS policy in the mode expected", Fix: "publish one in that mode"},
		{Code: "policy.tlsrpt", Severity: "fail", Meaning: "no valid TLS-RPT record", Fix: "publish one"},
		{Code: "policy.mx-hosts", Severity: "fail", Meaning: "the MX hosts differ from the list expected", Fix: "change the MX records or the policy"},
		{Code: "policy.blacklist-listed", Severity: "fail", Meaning: "a blocklist not accepted by the policy lists the target", Fix: "request removal, or accept the list"},
		{Code: "policy.ignore-expired", Severity: "warn", Meaning: "an ignore's date has passed, so its findings count again", Fix: "fix them, or renew the ignore with a reason"},
	}
}
