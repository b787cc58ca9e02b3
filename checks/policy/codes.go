package policy

import "github.com/relayctl/relayctl/checks"

// Codes is the table of the finding codes a policy file adds: an unmet
// expectation (policy.*) and an ignore that expired. docs/policy.md's
// Finding codes table holds the same rows. Each Example is a policy
// file on one line (YAML flow style) and what the domain publishes;
// codes_examples_test.go runs them.
func Codes() []checks.CodeDoc {
	return []checks.CodeDoc{
		{Code: "policy.dmarc-policy", Severity: "fail", Meaning: "the DMARC policy is weaker than the policy file expects",
			Why:     "P=none only asks for reports and p=quarantine sends forged mail to spam instead of refusing it (RFC 7489 §6.3); the file catches a record that slipped below the level you chose before spoofers do",
			Fix:     "raise `p=`",
			Example: "`expect: {\"*\": {dmarc.policy: reject}}` with `_dmarc.example.com. TXT \"v=DMARC1; p=quarantine\"`"},
		{Code: "policy.dmarc-pct", Severity: "fail", Meaning: "DMARC applies to fewer messages than expected", Fix: "raise or drop `pct=`",
			Why:     "Mail not sampled by pct= gets the next weaker treatment (RFC 7489 §6.6.4): with p=reject; pct=25 three forged messages in four are only quarantined",
			Example: "`expect: {\"*\": {dmarc.min_pct: 100}}` with `_dmarc.example.com. TXT \"v=DMARC1; p=reject; pct=25\"`"},
		{Code: "policy.spf-lookups", Severity: "fail", Meaning: "the SPF record needs more DNS lookups than allowed", Fix: "flatten or drop includes",
			Why:     "Past 10 DNS-querying terms SPF is a permerror (RFC 7208 §4.6.4), which DMARC counts as no SPF pass; a lower ceiling in the file leaves room for a provider that grows its include",
			Example: "`expect: {\"*\": {spf.max_lookups: 3}}` with `example.com. TXT \"v=spf1 a mx a:out.example.net mx:example.org -all\"` (4 lookups)"},
		{Code: "policy.spf-all", Severity: "fail", Meaning: "the SPF `all` is weaker than expected, or missing", Fix: "end the record with the `all` expected",
			Why:     "With `~all` or `?all` a receiver that acts on SPF alone marks or accepts mail from hosts you never listed instead of refusing it; a record without `all` ends neutral (RFC 7208 §4.7)",
			Example: "`expect: {\"*\": {spf.all: fail}}` with `example.com. TXT \"v=spf1 mx ~all\"`"},
		{Code: "policy.dkim-selector", Severity: "fail", Meaning: "an expected DKIM selector has no key", Fix: "publish the key",
			Why:     "A signature whose selector has no key fails verification (RFC 6376 §6.1.2), so that mail loses its DKIM-aligned DMARC pass and rests on SPF, which forwarding breaks",
			Example: "`expect: {\"*\": {dkim.selectors: [s2]}}` and no TXT record at `s2._domainkey.example.com`"},
		{Code: "policy.dkim-key-bits", Severity: "fail", Meaning: "a DKIM key is shorter than expected", Fix: "rotate to a longer key",
			Why:     "RFC 8301 §3.2 has signers use RSA keys of 1024 bits at least and 2048 where they can; whoever factors a short key can sign mail that passes DKIM as the domain",
			Example: "`expect: {\"*\": {dkim.min_bits: 2048}}` while `s1._domainkey.example.com` publishes a 1024-bit RSA key"},
		{Code: "policy.mtasts-mode", Severity: "fail", Meaning: "no valid MTA-STS policy in the mode expected", Fix: "publish one in that mode",
			Why:     "Without an MTA-STS policy in enforce mode senders fall back to unverified or clear-text delivery when TLS to the MX fails (RFC 8461 §5), so an attacker on the path can strip STARTTLS",
			Example: "`expect: {\"*\": {mtasts.mode: enforce}}` and no `_mta-sts.example.com` TXT record"},
		{Code: "policy.tlsrpt", Severity: "fail", Meaning: "no valid TLS-RPT record", Fix: "publish one",
			Why:     "Without a TLS-RPT record (RFC 8460) senders have nowhere to report failed TLS sessions to the MX, so an expired certificate or a broken MTA-STS policy goes unseen until mail is late",
			Example: "`expect: {\"*\": {tlsrpt: required}}` with `_smtp._tls.example.com. TXT \"v=TLSRPTv1\"` (no `rua=`)"},
		{Code: "policy.mx-hosts", Severity: "fail", Meaning: "the MX hosts differ from the list expected", Fix: "change the MX records or the policy",
			Why:     "An MX host you did not list, a typo or a provider you left, receives the domain's mail or makes senders queue it; checking the set catches a zone change that sends mail elsewhere",
			Example: "`expect: {example.com: {mx.hosts: [mx1.example.net]}}` with `example.com. MX 10 mx.old.example.org.`"},
		{Code: "policy.blacklist-listed", Severity: "fail", Meaning: "a blocklist not accepted by the policy lists the target", Fix: "request removal, or accept the list",
			Why:     "Receivers that query that list refuse or junk mail from the listed address; the file's allow list names only the lists whose listings you have judged harmless",
			Example: "`expect: {\"*\": {blacklist.allow_listed: [bl.spamcop.net]}}` and `25.2.0.192.zen.spamhaus.org. A 127.0.0.2`: `blacklist ip 192.0.2.25` finds it on Spamhaus ZEN"},
		{Code: "policy.ignore-expired", Severity: "warn", Meaning: "an ignore's date has passed, so its findings count again", Fix: "fix them, or renew the ignore with a reason",
			Why:     "An ignore is meant to be temporary: once its date passes the findings it hid count again and may fail the run; this says which ignore, on which line, and why it was written",
			Example: "`ignore: [{code: dkim.weak-key, until: 2026-03-01, reason: old HSM}]` in a run on 2026-03-02 or later"},
	}
}
