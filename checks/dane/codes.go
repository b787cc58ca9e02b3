package dane

import "github.com/relayctl/relayctl/checks"

// Codes is every finding code the dane check emits, in the order of the
// "Finding codes" table of docs/dane.md, which a test holds to it.
func Codes() []checks.CodeDoc {
	return []checks.CodeDoc{
		{Code: "dane.missing", Severity: "info",
			Meaning: "no MX host publishes TLSA records: senders cannot authenticate the domain's mail servers (RFC 7672 §2.2)",
			Fix:     "in a DNSSEC-signed zone publish `_25._tcp.<mx>. TLSA 3 1 1 <SHA-256 of the SPKI>` for every MX host"},
		{Code: "dane.partial", Severity: "warn",
			Meaning: "some MX hosts publish TLSA records, others do not: blocking the protected hosts sends DANE senders to the unprotected ones",
			Fix:     "publish TLSA records for every MX host, or none"},
		{Code: "dane.no-dnssec", Severity: "warn",
			Meaning: "TLSA records exist but the answer had no AD bit: senders ignore TLSA records they cannot validate (the zone is unsigned, or the resolver does not validate — see the `dnssec` check)",
			Fix:     "sign the zone and publish its DS record; or check with a validating `--resolver`"},
		{Code: "dane.dnssec-not-evaluated", Severity: "info",
			Meaning: "the TLSA records came from a zone file, which carries no DNSSEC status",
			Fix:     "run against a validating resolver"},
		{Code: "dane.host-insecure", Severity: "warn",
			Meaning: "the TLSA records are validated but the host's A/AAAA answers are not: senders use TLSA only for hosts whose addresses are secure (RFC 7672 §2.2.2)",
			Fix:     "serve the host's address records (and any CNAME) from a signed zone"},
		{Code: "dane.mx-insecure", Severity: "info",
			Meaning: "some TLSA records are validated but the domain's MX answer is not: senders may still use DANE, but a forged MX answer sends mail elsewhere (RFC 7672 §2.2.1)",
			Fix:     "sign the domain's zone"},
		{Code: "dane.pkix-usage", Severity: "warn",
			Meaning: "a record with usage 0 (PKIX-TA) or 1 (PKIX-EE), which SMTP clients do not use (RFC 7672 §3.1.3)",
			Fix:     "replace it with a DANE-EE (3) or DANE-TA (2) record"},
		{Code: "dane.unknown-parameter", Severity: "warn",
			Meaning: "a usage, selector or matching type no standard defines: the record is unusable (RFC 6698 §4.1)",
			Fix:     "use usage 2/3, selector 0/1, matching type 0/1/2"},
		{Code: "dane.bad-data", Severity: "warn",
			Meaning: "the association data is empty, not hex, or the wrong length for its matching type (RFC 6698 §2.1.3)",
			Fix:     "recompute it: 64 hex digits for SHA2-256, 128 for SHA2-512"},
		{Code: "dane.no-usable-records", Severity: "warn",
			Meaning: "a host has TLSA records but none is usable: DANE senders insist on TLS but cannot authenticate it (RFC 7672 §2.2)",
			Fix:     "publish a `3 1 1` or `2 1 1` record"},
		{Code: "dane.tlsa-mismatch", Severity: "fail",
			Meaning: "with `--smtp`: the certificate chain an address presented matches none of the host's usable TLSA records; DANE senders refuse to deliver and queue the mail (RFC 7672 §3.1)",
			Fix:     "publish a record for the key the server uses now; when rolling keys, publish the new record a few TTLs before the switch"},
	}
}
