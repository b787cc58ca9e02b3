package bimi

import "github.com/relayctl/relayctl/checks"

// Name is the check's Result.Name.
const Name = "bimi"

// Codes is every finding code the bimi check emits, in the order of the
// "Finding codes" table of docs/bimi.md, which a test holds to it.
func Codes() []checks.CodeDoc {
	return []checks.CodeDoc{
		{Code: "bimi.missing", Severity: "info",
			Meaning: "no BIMI record at `<selector>._bimi.<domain>` nor at the organizational domain",
			Fix:     "publish `v=BIMI1; l=https://…/logo.svg` once DMARC is enforced"},
		{Code: "bimi.syntax", Severity: "fail",
			Meaning: "the record is invalid (column and tag), or a record meant as BIMI is discarded",
			Fix:     "correct it as the message says"},
		{Code: "bimi.multiple-records", Severity: "fail",
			Meaning: "several `v=BIMI1` records at the name: receivers show no logo",
			Fix:     "keep one"},
		{Code: "bimi.dmarc-not-enforced", Severity: "fail",
			Meaning: "DMARC is not at quarantine/reject for all mail (no policy, `p=none`, `pct` < 100, `sp=none`, or the organizational domain's `p`/`sp` is none)",
			Fix:     "move DMARC to quarantine or reject with pct=100"},
		{Code: "bimi.declined", Severity: "info",
			Meaning: "`l=` and `a=` empty: an explicit declination",
			Fix:     "none if intended"},
		{Code: "bimi.org-domain-fallback", Severity: "info",
			Meaning: "the domain has no record; the organizational domain's applies",
			Fix:     "publish one if the domain needs its own logo"},
		{Code: "bimi.no-authority", Severity: "info",
			Meaning: "no `a=` evidence document (VMC/CMC)",
			Fix:     "obtain a mark certificate and name its PEM in `a=`"},
		{Code: "bimi.logo-unreachable", Severity: "fail",
			Meaning: "the logo could not be fetched (no address, connection failed, status not 200)",
			Fix:     "make the l= URL serve the SVG"},
		{Code: "bimi.logo-cert-invalid", Severity: "fail",
			Meaning: "the logo host's certificate is not valid for its name",
			Fix:     "a valid certificate from a public CA"},
		{Code: "bimi.logo-not-svg", Severity: "fail",
			Meaning: "the body is not an SVG/SVGZ document (or is malformed XML)",
			Fix:     "serve the SVG"},
		{Code: "bimi.logo-redirect", Severity: "warn",
			Meaning: "the l= URL redirects; not every receiver follows",
			Fix:     "put the final URL in l="},
		{Code: "bimi.logo-content-type", Severity: "warn",
			Meaning: "the logo is not served as `image/svg+xml`",
			Fix:     "fix the Content-Type"},
		{Code: "bimi.logo-too-large", Severity: "warn",
			Meaning: "over 32 KiB (or over the 64 KiB read limit)",
			Fix:     "simplify the SVG"},
		{Code: "bimi.logo-not-tiny-ps", Severity: "warn",
			Meaning: "the SVG breaks the SVG Tiny PS profile (the problems are listed)",
			Fix:     "export as SVG Tiny 1.2 PS"},
		{Code: "bimi.logo-unverified", Severity: "info",
			Meaning: "the logo's host could not be looked up (DNS failure, `--offline`)",
			Fix:     "run again, or give a zone for the logo's host"},
		{Code: "bimi.not-evaluated", Severity: "info",
			Meaning: "with `--offline` the logo is not fetched (no connection is opened; its host has an address in the zone files), so it is not checked",
			Fix:     "run again without `--offline` to fetch the logo"},
	}
}
