package mx

import "github.com/relayctl/relayctl/checks"

// The checks' Result.Names: Check's and CheckPTR's.
const (
	Name    = "mx"
	PTRName = "ptr"
)

// Codes is every finding code the mx check emits: the mx.* rows of the
// "Finding codes" table of docs/mx.md, which a test holds to it.
func Codes() []checks.CodeDoc {
	return []checks.CodeDoc{
		{Code: "mx.missing", Severity: "warn (fail with `RequireMX`)",
			Meaning: "no MX record; the message says whether the domain's A/AAAA gives an implicit MX (RFC 5321 §5.1) and lists its addresses",
			Fix:     "publish an MX naming the receiving host, or a null MX `MX 0 .` if the domain receives no mail"},
		{Code: "mx.nxdomain", Severity: "fail",
			Meaning: "the domain does not exist (NXDOMAIN)",
			Fix:     "check the spelling; register or delegate the domain"},
		{Code: "mx.null", Severity: "info",
			Meaning: "a null MX (RFC 7505 §3): the domain accepts no mail",
			Fix:     "nothing, if it is not meant to receive mail"},
		{Code: "mx.null-preference", Severity: "warn",
			Meaning: "the null MX has a preference other than 0",
			Fix:     "write it as `MX 0 .`"},
		{Code: "mx.null-mixed", Severity: "fail",
			Meaning: "a null MX beside other MX records (RFC 7505 §3)",
			Fix:     "keep either the null MX or the real MX records"},
		{Code: "mx.target-is-ip", Severity: "fail",
			Meaning: "the MX target is an IP address (`192.0.2.1.`), not a host name (RFC 5321 §5.1, RFC 1035 §3.3.9); it is not looked up",
			Fix:     "give the server a host name with an A/AAAA record and point the MX at it"},
		{Code: "mx.target-is-cname", Severity: "warn",
			Meaning: "the MX target is an alias (RFC 2181 §10.3, RFC 5321 §5.1)",
			Fix:     "point the MX at the canonical name"},
		{Code: "mx.target-unresolvable", Severity: "fail",
			Meaning: "the MX host has no A or AAAA record (NXDOMAIN, no data, dangling alias, or not a valid name)",
			Fix:     "add A/AAAA records for it or remove its MX record"},
		{Code: "mx.target-lookup-failed", Severity: "warn",
			Meaning: "the address lookup of an MX host failed (wholly: not checked; or one family: checked with the other's addresses)",
			Fix:     "make the host's DNS servers answer A and AAAA"},
		{Code: "mx.no-usable-host", Severity: "fail",
			Meaning: "MX records exist but none names a host with an address (RFC 5321 §5.1)",
			Fix:     "fix the targets so at least one resolves"},
		{Code: "mx.duplicate-host", Severity: "warn",
			Meaning: "the same host is listed in several MX records",
			Fix:     "keep one record per host"},
		{Code: "mx.target-private-ip", Severity: "warn",
			Meaning: "an MX host has a private, loopback, link-local, documentation or other special-purpose address (RFC 6890)",
			Fix:     "publish the host's public address; keep internal ones in an internal view"},
	}
}

// PTRCodes is every finding code the ptr check emits: the ptr.* rows of
// that table.
func PTRCodes() []checks.CodeDoc {
	return []checks.CodeDoc{
		{Code: "ptr.missing", Severity: "warn",
			Meaning: "an MX address has no PTR record (RFC 1912 §2.1)",
			Fix:     "ask the address block's owner to set the PTR to the mail host's name"},
		{Code: "ptr.mismatch", Severity: "warn",
			Meaning: "no PTR name of the address resolves back to it: not forward-confirmed (RFC 1912 §2.1, RFC 8601 §3)",
			Fix:     "give the PTR name an A/AAAA record for the address, or change the PTR"},
		{Code: "ptr.lookup-failed", Severity: "warn",
			Meaning: "the PTR lookup, or the forward lookup of its names, failed: not judged",
			Fix:     "make the reverse zone's (or the name's) DNS servers answer"},
		{Code: "ptr.generic", Severity: "info",
			Meaning: "the confirmed PTR name looks generic (spells out the address, or holds words such as `dyn`, `dsl`, `pool`) — a heuristic",
			Fix:     "ask for a PTR naming the mail host itself"},
	}
}
