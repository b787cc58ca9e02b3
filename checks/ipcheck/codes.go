package ipcheck

import "github.com/relayctl/relayctl/checks"

// Codes is every finding code of the ptr, helo and reputation checks of
// check ip, in the order of docs/check-ip.md's Finding codes table. The
// list checks of the same report carry checks/dnsbl's codes
// (docs/dnsbl.md), and --state adds the state.* codes (docs/state.md).
func Codes() []checks.CodeDoc {
	return []checks.CodeDoc{
		{Code: "ip.ptr-missing", Severity: "fail",
			Meaning: "the address has no PTR record: no reverse DNS (RFC 1912 §2.1)",
			Fix:     "ask the address block's owner to set the PTR to the mail host's name"},
		{Code: "ip.ptr-mismatch", Severity: "warn",
			Meaning: "no PTR name of the address resolves back to it: not forward-confirmed (RFC 8601 §3)",
			Fix:     "give the PTR name an A/AAAA record for the address, or change the PTR"},
		{Code: "ip.ptr-lookup-failed", Severity: "warn",
			Meaning: "the PTR lookup, or the forward lookup of its names, failed: not judged",
			Fix:     "make the reverse zone's (or the name's) DNS servers answer"},
		{Code: "ip.ptr-generic", Severity: "warn",
			Meaning: "the confirmed PTR name looks like an access provider's generic name (spells out the address, or holds `dynamic`, `dsl`, `pool`…) — a heuristic",
			Fix:     "ask for a PTR naming the mail host itself"},
		{Code: "ip.helo-invalid", Severity: "fail",
			Meaning: "the --helo name is neither a fully qualified host name nor an address literal (RFC 5321 §4.1.1.1)",
			Fix:     "greet with the host's fully qualified name"},
		{Code: "ip.helo-unresolved", Severity: "warn",
			Meaning: "the HELO name has no A or AAAA record",
			Fix:     "publish an address record for the HELO name"},
		{Code: "ip.helo-mismatch", Severity: "warn",
			Meaning: "the HELO name (or address literal) is not the address checked",
			Fix:     "greet with a name whose address record is the sending address"},
		{Code: "ip.helo-lookup-failed", Severity: "warn",
			Meaning: "the HELO name's addresses could not be looked up: not judged",
			Fix:     "make the name's DNS servers answer"},
		{Code: "ip.helo-literal", Severity: "info",
			Meaning: "the host greets with its address literal rather than a name (RFC 5321 §4.1.3)",
			Fix:     "greet with the PTR name"},
		{Code: "ip.helo-not-ptr", Severity: "info",
			Meaning: "the HELO name is not the address's reverse name",
			Fix:     "greet with the PTR name, or set the PTR to the HELO name"},
		{Code: "ip.reputation", Severity: "info",
			Meaning: "a reputation service's grade for the address (SenderScore, Mailspike level)",
			Fix:     "none needed"},
		{Code: "ip.reputation-low", Severity: "warn",
			Meaning: "SenderScore below 70, or a Mailspike level L1–L5",
			Fix:     "find and fix what hurts the reputation (complaints, traps, unknown users)"},
		{Code: "ip.reputation-unrecognised", Severity: "warn",
			Meaning: "a reputation service answered with a code it does not document: not counted",
			Fix:     "check the service's documentation; it may refuse this resolver"},
		{Code: "ip.reputation-lookup-failed", Severity: "warn",
			Meaning: "a reputation service could not be asked (timeout, SERVFAIL)",
			Fix:     "try again, through a resolver of your own"},
	}
}
