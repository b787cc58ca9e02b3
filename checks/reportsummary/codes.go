package reportsummary

import "github.com/relayctl/relayctl/checks"

// Codes is every finding code "report summary" emits, in the order of
// the "Finding codes" table of docs/report.md, which a test holds to it.
func Codes() []checks.CodeDoc {
	return []checks.CodeDoc{
		{Code: "report.enforcement-would-hurt", Severity: "warn",
			Meaning: "legitimate senders fail DMARC: p=quarantine or p=reject would stop their mail",
			Fix:     "fix the sources listed (each has its own hint) before raising the policy"},
		{Code: "report.legitimate-mail-rejected", Severity: "fail",
			Meaning: "p=reject is in force and legitimate senders fail DMARC: their mail is being rejected",
			Fix:     "fix those sources now, or step back to p=quarantine"},
		{Code: "report.ready-to-enforce", Severity: "info",
			Meaning: "every legitimate source passes DMARC: the policy can move one step up",
			Fix:     "move p=none → quarantine → reject, reading the reports in between"},
		{Code: "report.enforced", Severity: "info",
			Meaning: "p=reject is in force and every legitimate source passes",
			Fix:     "nothing"},
		{Code: "report.no-data", Severity: "info",
			Meaning: "the aggregate reports count no message",
			Fix:     "wait for more reports"},
		{Code: "report.legitimate-failing", Severity: "warn",
			Meaning: "a known sender (an ESP, a mail provider) or one whose mail partly passes fails DMARC for the domain",
			Fix:     "sign with d=<domain> at that sender; or an aligned return-path and its SPF include"},
		{Code: "report.unauthenticated-source", Severity: "warn",
			Meaning: "a source sends as the domain with neither aligned SPF nor aligned DKIM: spoofing, or a sender nobody set up",
			Fix:     "set it up if it is yours; otherwise p=quarantine/reject stops it (`--fail-on warn` gates on a new one)"},
		{Code: "report.forwarded", Severity: "info",
			Meaning: "mail that fails after a forwarder or mailing list changed it (override reason, broken DKIM of the domain with SPF of another, a known forwarder)",
			Fix:     "nothing in DNS; ARC at the forwarder helps receivers"},
		{Code: "report.ptr-lookup-failed", Severity: "info",
			Meaning: "some sources' reverse DNS could not be looked up: they are shown by address",
			Fix:     "run again, or pass --no-dns"},
		{Code: "report.tls-failures", Severity: "warn",
			Meaning: "senders' TLS sessions to the domain's MX failed (TLS-RPT), by result type and MX",
			Fix:     "the hint per result type: renew the certificate, enable STARTTLS, fix the MTA-STS policy…"},
		{Code: "report.failure-reports", Severity: "info",
			Meaning: "receivers sent DMARC failure reports, by source address",
			Fix:     "read them with `report parse -o json`"},
	}
}
