package tlsrpt

import "github.com/relayctl/relayctl/checks"

// Name is the check's Result.Name.
const Name = "tlsrpt"

// Codes is every finding code the tlsrpt check emits, in the order of the
// "Finding codes" table of docs/tlsrpt.md, which a test holds to it.
func Codes() []checks.CodeDoc {
	return []checks.CodeDoc{
		{Code: "tlsrpt.missing", Severity: "info; warn with MTA-STS or DANE",
			Meaning: "no TLS-RPT record at `_smtp._tls.<domain>`",
			Why:     "Senders that cannot deliver to your MX over TLS (an expired certificate, an MTA-STS or DANE mismatch) have no way to tell you, so a broken setup can cost mail unnoticed.",
			Fix:     "publish `v=TLSRPTv1; rua=mailto:tlsrpt@<domain>`",
			Example: "`_mta-sts.example.com TXT \"v=STSv1; id=20240101T000000\"` and no TXT record at _smtp._tls.example.com"},
		{Code: "tlsrpt.syntax", Severity: "fail",
			Meaning: "the record is invalid (column and field in the message), or a record meant as TLS-RPT is discarded by senders",
			Why:     "Senders discard a record they cannot read and send no reports, so TLS failures on the way to your MX go unseen.",
			Fix:     "correct it as the message says",
			Example: "`_smtp._tls.example.com TXT \"v=TLSRPTv1; rua=tlsrpt@example.com\"` (the address lacks mailto:)"},
		{Code: "tlsrpt.multiple-records", Severity: "fail",
			Meaning: "more than one `v=TLSRPTv1` record: senders send no reports",
			Why:     "RFC 8460 §3 has senders treat a domain with more than one record as having none, so no destination gets reports.",
			Fix:     "keep one, listing every destination in its rua",
			Example: "`_smtp._tls.example.com TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@example.com\"` and `_smtp._tls.example.com TXT \"v=TLSRPTv1; rua=https://tlsrpt.example.net/v1\"`"},
	}
}
