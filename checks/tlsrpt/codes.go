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
			Fix:     "publish `v=TLSRPTv1; rua=mailto:tlsrpt@<domain>`"},
		{Code: "tlsrpt.syntax", Severity: "fail",
			Meaning: "the record is invalid (column and field in the message), or a record meant as TLS-RPT is discarded by senders",
			Fix:     "correct it as the message says"},
		{Code: "tlsrpt.multiple-records", Severity: "fail",
			Meaning: "more than one `v=TLSRPTv1` record: senders send no reports",
			Fix:     "keep one, listing every destination in its rua"},
	}
}
