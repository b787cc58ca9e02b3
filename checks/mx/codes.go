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
			Why:     "Senders fall back to the domain's own A/AAAA records (RFC 5321 §5.1), often a web server that takes no mail; with no address either, mail to the domain bounces.",
			Fix:     "publish an MX naming the receiving host, or a null MX `MX 0 .` if the domain receives no mail",
			Example: "`example.com A 192.0.2.80` (the web server) and no MX record: senders try to deliver to the web server"},
		{Code: "mx.nxdomain", Severity: "fail",
			Meaning: "the domain does not exist (NXDOMAIN)",
			Why:     "Mail to the domain bounces at once, and receivers that check the sender's domain reject mail from it.",
			Fix:     "check the spelling; register or delegate the domain",
			Example: "`relayctl check mx shop.example.com` after the subdomain's records were deleted: the name no longer exists"},
		{Code: "mx.null", Severity: "info",
			Meaning: "a null MX (RFC 7505 §3): the domain accepts no mail",
			Why:     "Senders bounce mail to the domain at once instead of queueing it (RFC 7505), and receivers may refuse mail from it as sender with `550 5.7.27`.",
			Fix:     "nothing, if it is not meant to receive mail",
			Example: "`example.com MX 0 .` on a domain that serves only a website"},
		{Code: "mx.null-preference", Severity: "warn",
			Meaning: "the null MX has a preference other than 0",
			Why:     "RFC 7505 defines the null MX with preference 0; a sender that checks the whole record may not recognise this one and queue mail instead of bouncing it at once.",
			Fix:     "write it as `MX 0 .`",
			Example: "`example.com MX 10 .`, the preference copied from the old mail record"},
		{Code: "mx.null-mixed", Severity: "fail",
			Meaning: "a null MX beside other MX records (RFC 7505 §3)",
			Why:     "Senders cannot tell whether the domain takes mail: some bounce it at once as a null MX, others deliver to the other hosts, so delivery depends on the sender.",
			Fix:     "keep either the null MX or the real MX records",
			Example: "`example.com MX 0 .` left beside `example.com MX 10 mx1.example.com` after the domain began to receive mail"},
		{Code: "mx.target-is-ip", Severity: "fail",
			Meaning: "the MX target is an IP address (`192.0.2.1.`), not a host name (RFC 5321 §5.1, RFC 1035 §3.3.9); it is not looked up",
			Why:     "Senders look the target up as a host name, find none and cannot deliver to it (RFC 5321 §5.1); if it is the only MX, mail to the domain queues and then bounces.",
			Fix:     "give the server a host name with an A/AAAA record and point the MX at it",
			Example: "`example.com MX 10 192.0.2.25.`: the server's address written where its name belongs"},
		{Code: "mx.target-is-cname", Severity: "warn",
			Meaning: "the MX target is an alias (RFC 2181 §10.3, RFC 5321 §5.1)",
			Why:     "Most senders follow the alias, but it breaks RFC 2181 §10.3 and RFC 5321 §5.1; a strict sender may refuse it, and its mail then queues and bounces.",
			Fix:     "point the MX at the canonical name",
			Example: "`example.com MX 10 mail.example.com` with `mail.example.com CNAME mx.example.net`, a host at the mail provider"},
		{Code: "mx.target-unresolvable", Severity: "fail",
			Meaning: "the MX host has no A or AAAA record (NXDOMAIN, no data, dangling alias, or not a valid name)",
			Why:     "Senders cannot deliver to this host; they move on to the next MX, and if none resolves, mail to the domain bounces.",
			Fix:     "add A/AAAA records for it or remove its MX record",
			Example: "`example.com MX 10 mx1.example.com`, but `mx1.example.com` was deleted when the server was retired"},
		{Code: "mx.target-lookup-failed", Severity: "warn",
			Meaning: "the address lookup of an MX host failed (wholly: not checked; or one family: checked with the other's addresses)",
			Why:     "A sender that meets the same failure treats it as temporary, queues the mail and retries, so mail is delayed; this run could not check the host.",
			Fix:     "make the host's DNS servers answer A and AAAA",
			Example: "`example.com MX 10 mx.example.net`, and the query for `mx.example.net` gets SERVFAIL from the provider's broken name servers"},
		{Code: "mx.no-usable-host", Severity: "fail",
			Meaning: "MX records exist but none names a host with an address (RFC 5321 §5.1)",
			Why:     "Senders find no host to deliver to, so all mail to the domain bounces (RFC 5321 §5.1).",
			Fix:     "fix the targets so at least one resolves",
			Example: "`example.com MX 10 mx1.example.com` and `example.com MX 20 mx2.example.com`, neither with an A or AAAA record"},
		{Code: "mx.duplicate-host", Severity: "warn",
			Meaning: "the same host is listed in several MX records",
			Why:     "The extra record adds no redundancy: when the host is down there is still no other to try, which a second MX record is usually meant to give.",
			Fix:     "keep one record per host",
			Example: "`example.com MX 10 mx1.example.com` and `example.com MX 20 mx1.example.com`, where a backup host was meant"},
		{Code: "mx.target-private-ip", Severity: "warn",
			Meaning: "an MX host has a private, loopback, link-local, documentation or other special-purpose address (RFC 6890)",
			Why:     "Senders on the Internet cannot reach a private or special-purpose address: their connections fail, the mail queues and bounces when their retry time runs out.",
			Fix:     "publish the host's public address; keep internal ones in an internal view",
			Example: "`mx.example.com A 10.0.0.25`: the server's internal address published in the public zone"},
	}
}

// PTRCodes is every finding code the ptr check emits: the ptr.* rows of
// that table.
func PTRCodes() []checks.CodeDoc {
	return []checks.CodeDoc{
		{Code: "ptr.missing", Severity: "warn",
			Meaning: "an MX address has no PTR record (RFC 1912 §2.1)",
			Why:     "Many receivers refuse mail from an address without reverse DNS, and Gmail requires it of all senders; it matters when the MX host also sends mail.",
			Fix:     "ask the address block's owner to set the PTR to the mail host's name",
			Example: "`mx.example.com A 192.0.2.25`, and no PTR at `25.2.0.192.in-addr.arpa`: the hosting provider was never asked to set one"},
		{Code: "ptr.mismatch", Severity: "warn",
			Meaning: "no PTR name of the address resolves back to it: not forward-confirmed (RFC 1912 §2.1, RFC 8601 §3)",
			Why:     "Gmail requires of all senders a PTR name that resolves back to the address, and receivers that check iprev (RFC 8601) treat a mismatch much like no reverse DNS; it matters when the MX also sends.",
			Fix:     "give the PTR name an A/AAAA record for the address, or change the PTR",
			Example: "`mx.example.com A 192.0.2.25`, but `25.2.0.192.in-addr.arpa PTR mx-old.example.com`, a name with no A record since the server was renamed"},
		{Code: "ptr.lookup-failed", Severity: "warn",
			Meaning: "the PTR lookup, or the forward lookup of its names, failed: not judged",
			Why:     "Receivers that meet the same failure may defer mail from the address with a temporary error; this run could not tell whether its reverse DNS is right.",
			Fix:     "make the reverse zone's (or the name's) DNS servers answer",
			Example: "`mx.example.com A 192.0.2.25`, and the query for `25.2.0.192.in-addr.arpa` gets SERVFAIL from the provider's reverse zone"},
		{Code: "ptr.generic", Severity: "info",
			Meaning: "the confirmed PTR name looks generic (spells out the address, or holds words such as `dyn`, `dsl`, `pool`) — a heuristic",
			Why:     "Spam filters score names that look like consumer connections (dsl, dynamic, the address spelled out) as likely infected machines, so mail from the address is filtered more often.",
			Fix:     "ask for a PTR naming the mail host itself",
			Example: "`mx.example.com A 192.0.2.25` with `25.2.0.192.in-addr.arpa PTR 192-0-2-25.dsl.example.net` and `192-0-2-25.dsl.example.net A 192.0.2.25`"},
	}
}
