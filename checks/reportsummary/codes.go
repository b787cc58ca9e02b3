package reportsummary

import "github.com/relayctl/relayctl/checks"

// Codes is every finding code "report summary" emits, in the order of
// the "Finding codes" table of docs/report.md, which a test holds to it.
// Most Examples are a record of an aggregate report (its <row>) or a TLS
// report's failure details, which codes_examples_test.go reads and sums
// up.
func Codes() []checks.CodeDoc {
	return []checks.CodeDoc{
		{Code: "report.enforcement-would-hurt", Severity: "warn",
			Meaning: "legitimate senders fail DMARC: p=quarantine or p=reject would stop their mail",
			Why:     "At p=quarantine or p=reject receivers would junk or refuse these senders' mail (RFC 7489 §6.3); raising the policy before they pass costs mail you want delivered",
			Fix:     "fix the sources listed (each has its own hint) before raising the policy",
			Example: "`p=none` and `<row><source_ip>198.51.100.20</source_ip><count>200</count><policy_evaluated><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row>` from `o1.ptr1234.sendgrid.net`"},
		{Code: "report.legitimate-mail-rejected", Severity: "fail",
			Meaning: "p=reject is in force and legitimate senders fail DMARC: their mail is being rejected",
			Why:     "Receivers refuse this mail during the SMTP dialogue (Gmail answers `550 5.7.26`), so it bounces or is lost: messages from these senders are not arriving now",
			Fix:     "fix those sources now, or step back to p=quarantine",
			Example: "`p=reject` and `<row><source_ip>198.51.100.20</source_ip><count>200</count><policy_evaluated><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row>` from `o1.ptr1234.sendgrid.net`"},
		{Code: "report.ready-to-enforce", Severity: "info",
			Meaning: "every legitimate source passes DMARC: the policy can move one step up",
			Why:     "While p=none stays, mail forged in the domain's name is still delivered; the reports show that a stricter policy would stop only mail that is not yours",
			Fix:     "move p=none → quarantine → reject, reading the reports in between",
			Example: "`p=none` and every row passes, as `<row><source_ip>192.0.2.10</source_ip><count>1000</count><policy_evaluated><dkim>pass</dkim><spf>pass</spf></policy_evaluated></row>`"},
		{Code: "report.enforced", Severity: "info",
			Meaning: "p=reject is in force and every legitimate source passes",
			Why:     "Forged mail in the domain's name is refused and no legitimate source is losing mail; a new or changed sender shows up in the reports first",
			Fix:     "nothing",
			Example: "`p=reject` and every row passes, as `<row><source_ip>192.0.2.10</source_ip><count>1000</count><policy_evaluated><dkim>pass</dkim><spf>pass</spf></policy_evaluated></row>`"},
		{Code: "report.no-data", Severity: "info",
			Meaning: "the aggregate reports count no message",
			Why:     "With no message counted there is nothing to judge, and a verdict on enforcement would be a guess; receivers that report send one a day by default (`ri=86400`, RFC 7489 §6.3)",
			Fix:     "wait for more reports",
			Example: "a report whose only record is `<row><source_ip>192.0.2.10</source_ip><count>0</count></row>`"},
		{Code: "report.legitimate-failing", Severity: "warn",
			Meaning: "a known sender (an ESP, a mail provider) or one whose mail partly passes fails DMARC for the domain",
			Why:     "This sender's mail is not authenticated as the domain: Gmail and Yahoo require DMARC alignment of bulk senders since February 2024, and p=quarantine or p=reject would stop it all",
			Fix:     "sign with d=<domain> at that sender; or an aligned return-path and its SPF include",
			Example: "`<row><source_ip>198.51.100.20</source_ip><count>200</count><policy_evaluated><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row>` from SendGrid (`o1.ptr1234.sendgrid.net`)"},
		{Code: "report.unauthenticated-source", Severity: "warn",
			Meaning: "a source sends as the domain with neither aligned SPF nor aligned DKIM: spoofing, or a sender nobody set up",
			Why:     "Mail with neither aligned SPF nor aligned DKIM is what spoofing looks like: under p=none it is delivered in the domain's name; if the source is yours, enforcement stops it too",
			Fix:     "set it up if it is yours; otherwise p=quarantine/reject stops it (`--fail-on warn` gates on a new one)",
			Example: "`<row><source_ip>203.0.113.9</source_ip><count>50</count><policy_evaluated><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row>` from an address without reverse DNS"},
		{Code: "report.forwarded", Severity: "info",
			Meaning: "mail that fails after a forwarder or mailing list changed it (override reason, broken DKIM of the domain with SPF of another, a known forwarder)",
			Why:     "Forwarders and lists resend from their own IPs and often change the message, so it fails DMARC through no fault of yours; under p=reject some of it is refused unless the receiver trusts the forwarder's ARC",
			Fix:     "nothing in DNS; ARC at the forwarder helps receivers",
			Example: "`<row><source_ip>198.51.100.30</source_ip><count>10</count><policy_evaluated><dkim>fail</dkim><spf>fail</spf><reason><type>forwarded</type></reason></policy_evaluated></row>`"},
		{Code: "report.ptr-lookup-failed", Severity: "info",
			Meaning: "some sources' reverse DNS could not be looked up: they are shown by address",
			Why:     "Without reverse DNS a source cannot be matched to a known provider, so a legitimate ESP can be shown by address and counted as unauthenticated instead",
			Fix:     "run again, or pass --no-dns",
			Example: "the PTR lookups answer SERVFAIL for the source `<row><source_ip>192.0.2.99</source_ip><count>4</count></row>`"},
		{Code: "report.tls-failures", Severity: "warn",
			Meaning: "senders' TLS sessions to the domain's MX failed (TLS-RPT), by result type and MX",
			Why:     "Senders could not set up a verified TLS session with the MX: under MTA-STS enforce or DANE they do not deliver and the mail waits, else it goes unverified or in clear",
			Fix:     "the hint per result type: renew the certificate, enable STARTTLS, fix the MTA-STS policy…",
			Example: "a TLS report whose failure-details hold `{\"result-type\": \"certificate-expired\", \"receiving-mx-hostname\": \"mx1.example.com\", \"failed-session-count\": 7}`"},
		{Code: "report.failure-reports", Severity: "info",
			Meaning: "receivers sent DMARC failure reports, by source address",
			Why:     "Each failure report (RFC 6591) is one message that failed DMARC, with its headers: the quickest way to see who spoofs the domain, or which of your systems sends unaligned mail",
			Fix:     "read them with `report parse -o json`",
			Example: "a receiver mails an `auth-failure` report (RFC 6591) to the `ruf=` address about a message from 192.0.2.1"},
	}
}
