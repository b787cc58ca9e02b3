package dnssec

import "github.com/relayctl/relayctl/checks"

// Codes is every finding code the dnssec check emits, in the order of the
// "Finding codes" table of docs/dnssec.md, which a test holds to it.
func Codes() []checks.CodeDoc {
	return []checks.CodeDoc{
		{Code: "dnssec.not-evaluated", Severity: "info",
			Meaning: "the answers came from zone files, which carry no DNSSEC status (RFC 4035 §3.2.3)",
			Why:     "Zone files say nothing about signatures, so this run cannot tell whether the domain is signed or whether DANE can work for its mail: the result proves nothing either way.",
			Fix:     "run against a validating resolver (`--resolver`, without `--zone`)",
			Example: "`relayctl check dnssec example.com --zone example.com.zone`: every answer came from the zone file"},
		{Code: "dnssec.resolver-not-validating", Severity: "info",
			Meaning: "the resolver does not validate: even the signed root zone came back without AD (or the probe failed and no answer had AD: it *may* not validate); whether the domain is signed cannot be told",
			Why:     "Without a validating resolver a signed domain cannot be told from an unsigned one, so its DNSSEC and DANE readiness stay unknown; many ISP and office resolvers do not validate.",
			Fix:     "ask a validating resolver with `--resolver` (a local unbound, 1.1.1.1, 9.9.9.9)",
			Example: "`relayctl check dnssec example.com --resolver 192.0.2.53`, where 192.0.2.53 answers the root's DNSKEY query without the `ad` flag"},
		{Code: "dnssec.unsigned", Severity: "info",
			Meaning: "the domain's answers are not validated: they can be forged on the way, and DANE cannot be used for its mail (RFC 4033 §3, RFC 7672 §2.2)",
			Why:     "Anyone on the path to a resolver can forge the domain's MX or TXT answers, redirecting mail or faking SPF, and senders will not use DANE for it, so without MTA-STS its TLS can be stripped.",
			Fix:     "sign the zone and publish the DS record at the registrar",
			Example: "a validating resolver answers the SOA, MX and TXT queries of example.com without the `ad` flag: the zone has no DS record at the registry"},
		{Code: "dnssec.partial", Severity: "warn",
			Meaning: "some of the domain's answers (SOA, MX, TXT) were validated and some not: incomplete signing or name servers serving different data (RFC 4035 §2)",
			Why:     "The answers left unvalidated can be forged on the way, and if the MX set is among them senders skip DANE; it points at a zone signed only in part or at name servers out of step.",
			Fix:     "check the zone's servers serve the same signed data (dnsviz.net, `delv`)",
			Example: "through a validating resolver, the SOA and MX answers of example.com carry the `ad` flag and its TXT answer does not"},
		{Code: "dnssec.mx-unsigned", Severity: "info",
			Meaning: "the addresses of these MX hosts are not validated: DANE cannot protect mail to them (RFC 7672 §2.2.2)",
			Why:     "Senders use DANE only when the MX host's addresses are validated too (RFC 7672), so mail to these hosts gets opportunistic TLS at best, which an attacker on the path can strip.",
			Fix:     "serve the hosts' A/AAAA from a signed zone (ask the provider for its hosts)",
			Example: "example.com is signed, but its `MX 10 mx.example.net` names a host in the unsigned zone example.net"},
		{Code: "dnssec.servfail", Severity: "warn",
			Meaning: "the validating resolver answered SERVFAIL for these questions: what expired signatures or a DS without a matching DNSKEY look like; senders behind validating resolvers cannot deliver (RFC 4035 §5.5)",
			Why:     "Senders whose resolvers validate (8.8.8.8, 1.1.1.1, 9.9.9.9 and many ISPs do) get SERVFAIL too: their mail is queued and retried, then bounces when the retries run out.",
			Fix:     "check the chain (dnsviz.net, `delv`); re-sign, or fix the DS record",
			Example: "the RRSIG records of example.com expired on 2024-03-01, so a validating resolver answers its MX query with SERVFAIL"},
	}
}
