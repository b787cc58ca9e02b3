package bimi

import (
	"fmt"

	"github.com/relayctl/relayctl/checks"
)

// Finding codes; docs/contract.md fixes the first two, docs/bimi.md lists all.
const (
	CodeSyntax           = "bimi.syntax"
	CodeDMARCNotEnforced = "bimi.dmarc-not-enforced"
	CodeMissing          = "bimi.missing"
	CodeMultipleRecords  = "bimi.multiple-records"
	CodeDeclined         = "bimi.declined"
	CodeOrgFallback      = "bimi.org-domain-fallback"
	CodeNoAuthority      = "bimi.no-authority"
	CodeLogoUnreachable  = "bimi.logo-unreachable"
	CodeLogoUnverified   = "bimi.logo-unverified"
	CodeLogoRedirect     = "bimi.logo-redirect"
	CodeLogoNotSVG       = "bimi.logo-not-svg"
	CodeLogoContentType  = "bimi.logo-content-type"
	CodeLogoTooLarge     = "bimi.logo-too-large"
	CodeLogoNotTinyPS    = "bimi.logo-not-tiny-ps"
	CodeLogoCertInvalid  = "bimi.logo-cert-invalid"
	CodeNotEvaluated     = "bimi.not-evaluated"
	refDraft             = "draft-brand-indicators-for-message-identification"
	refRecord            = refDraft + " §4.3"
	refDecline           = refDraft + " §4.3.1"
	refFormats           = refDraft + " §4.3.2"
	refDiscovery         = refDraft + " §7.2"
	refAuth              = refDraft + " §7.1"
	refIndicator         = refDraft + " §7.5, §7.6"
	refEvidence          = refDraft + " §7.4"
)

func finding(code string, sev checks.Severity, ref, hint, format string, args ...any) checks.Finding {
	return checks.Finding{Code: code, Severity: sev, Message: fmt.Sprintf(format, args...), Hint: hint, Ref: ref}
}
