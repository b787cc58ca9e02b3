package dnsbl

import "github.com/relayctl/relayctl/checks"

// Codes returns the blocklist checks' finding codes: the rows of the Finding codes table of docs/dnsbl.md, in its
// order (what "relayctl explain" prints; a test holds the page to it).
func Codes() []checks.CodeDoc {
	return []checks.CodeDoc{
		{Code: "dnsbl.listed", Severity: "fail or warn: the list's (or the return code's)",
			Meaning: "the target is on a blocklist; the message has every code with its meaning and the TXT reason",
			Fix:     "find and fix the cause (compromised host or site, open relay, bad recipient lists, dynamic address sending directly), then get it removed as the hint says: the list's removal page (`delist`, else `info`) and whether removal is self-service, a request the list reviews, or an expiry once the abuse stops (`removal` in the catalog, see \"Delisting\" below)",
			Why:     "Receivers that use the list refuse the mail, usually at connection with a 5xx that names the list, or junk it, until the cause is fixed and the listing is removed or expires.",
			Example: "`7.2.0.192.zen.spamhaus.org A 127.0.0.4`: Spamhaus XBL lists the address as an exploited host"},
		{Code: "dnsbl.allowlisted", Severity: "info",
			Meaning: "the target is on an allowlist (DNSWL): good news",
			Fix:     "nothing",
			Why:     "Receivers that use the allowlist trust the address more: SpamAssassin, for one, takes points off for a DNSWL listing, and some skip checks for it.",
			Example: "`7.2.0.192.list.dnswl.org A 127.0.15.1`: DNSWL lists the address, low trust"},
		{Code: "dnsbl.query-refused", Severity: "warn (check status `error`)",
			Meaning: "the list answered with a refusal code (Spamhaus 127.255.255.252–255, URIBL 127.0.0.1, SURBL bit 1, DNSWL 127.0.0.255…), or refused its test entry: the target was not checked against it",
			Fix:     "ask through a resolver of your own, not a public one (`--resolver`); stay within the list's volume; for Spamhaus use `--dqs-key`",
			Why:     "The list said nothing about the target, so a listing may be hidden: receivers asking it through their own resolvers see the listing that this run could not.",
			Example: "`7.2.0.192.zen.spamhaus.org A 127.255.255.254`: Spamhaus refuses questions that come through a public resolver"},
		{Code: "dnsbl.list-unhealthy", Severity: "warn (check status `error`)",
			Meaning: "the list fails its RFC 5782 §5 test entries (lists 127.0.0.1 / TEST-NET / INVALID, misses 127.0.0.2, or answers outside 127/8): its answer is not counted",
			Fix:     "leave it out (`--exclude ZONE`) or try again later",
			Why:     "A list that fails its test entries has been shut down, wildcarded or is blocking you, so its answers mean nothing; a dead list that answers \"listed\" to all makes its users refuse everyone.",
			Example: "`*.bl.example.net A 127.0.0.2`: a retired list's zone answers \"listed\" to every question, 127.0.0.1 included"},
		{Code: "dnsbl.resolver-failed", Severity: "warn (the `resolver` check's status is `error`)",
			Meaning: "every question of the run so far was answered REFUSED or SERVFAIL, none with an answer: the resolver, not the lists, is failing, and nothing is known about the targets",
			Fix:     "ask through a recursive resolver that serves this host (`--resolver`)",
			Why:     "No list's answer came through, so the run says nothing about the targets: a clean result would be false, and a listing would go unseen.",
			Example: "`--resolver 192.0.2.53`, an authoritative-only server that answers REFUSED to every question"},
		{Code: "dnsbl.public-resolver", Severity: "warn (on the `resolver` check)",
			Meaning: `a server of the resolver in use is a well-known public resolver (Google, Cloudflare, Quad9, OpenDNS…): lists refuse it or answer it NXDOMAIN, so "not listed" through it proves little`,
			Fix:     "ask through a recursive resolver of your own (`--resolver`); for Spamhaus, `--dqs-key` works through any resolver",
			Why:     "Spamhaus answers public resolvers 127.255.255.254 and URIBL and SURBL refuse them, so \"not listed\" through one proves little; receivers asking from their own resolvers see any listing.",
			Example: "`--resolver 8.8.8.8` (Google Public DNS)"},
	}
}
