package dnssec

import "github.com/relayctl/relayctl/checks"

// Codes is every finding code the dnssec check emits, in the order of the
// "Finding codes" table of docs/dnssec.md, which a test holds to it.
func Codes() []checks.CodeDoc {
	return []checks.CodeDoc{
		{Code: "dnssec.not-evaluated", Severity: "info",
			Meaning: "the answers came from zone files, which carry no DNSSEC status (RFC 4035 §3.2.3)",
			Fix:     "run against a validating resolver (`--resolver`, without `--zone`)"},
		{Code: "dnssec.resolver-not-validating", Severity: "info",
			Meaning: "the resolver does not validate: even the signed root zone came back without AD (or the probe failed and no answer had AD: it *may* not validate); whether the domain is signed cannot be told",
			Fix:     "ask a validating resolver with `--resolver` (a local unbound, 1.1.1.1, 9.9.9.9)"},
		{Code: "dnssec.unsigned", Severity: "info",
			Meaning: "the domain's answers are not validated: they can be forged on the way, and DANE cannot be used for its mail (RFC 4033 §3, RFC 7672 §2.2)",
			Fix:     "sign the zone and publish the DS record at the registrar"},
		{Code: "dnssec.partial", Severity: "warn",
			Meaning: "some of the domain's answers (SOA, MX, TXT) were validated and some not: incomplete signing or name servers serving different data (RFC 4035 §2)",
			Fix:     "check the zone's servers serve the same signed data (dnsviz.net, `delv`)"},
		{Code: "dnssec.mx-unsigned", Severity: "info",
			Meaning: "the addresses of these MX hosts are not validated: DANE cannot protect mail to them (RFC 7672 §2.2.2)",
			Fix:     "serve the hosts' A/AAAA from a signed zone (ask the provider for its hosts)"},
		{Code: "dnssec.servfail", Severity: "warn",
			Meaning: "the validating resolver answered SERVFAIL for these questions: what expired signatures or a DS without a matching DNSKEY look like; senders behind validating resolvers cannot deliver (RFC 4035 §5.5)",
			Fix:     "check the chain (dnsviz.net, `delv`); re-sign, or fix the DS record"},
	}
}
