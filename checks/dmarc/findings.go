package dmarc

import (
	"fmt"

	"github.com/relayctl/relayctl/checks"
)

// Finding codes. docs/contract.md fixes the first nine; docs/dmarc.md lists all.
const (
	CodeMissing              = "dmarc.missing"
	CodeMultipleRecords      = "dmarc.multiple-records"
	CodeSyntax               = "dmarc.syntax"
	CodePolicyNone           = "dmarc.policy-none"
	CodePctPartial           = "dmarc.pct-partial"
	CodeNoRUA                = "dmarc.no-rua"
	CodeExternalUnauthorized = "dmarc.external-rua-unauthorized"
	CodeSubdomainWeaker      = "dmarc.subdomain-policy-weaker"
	CodeOrgDomainFallback    = "dmarc.org-domain-fallback"
	CodeExternalUnverified   = "dmarc.external-rua-unverified"
	CodeSPFRecordFound       = "dmarc.spf-record-found"
	CodePolicyMissing        = "dmarc.policy-missing"
	CodeTesting              = "dmarc.testing"
	CodeStrictAlignment      = "dmarc.strict-alignment"
	CodeUnknownTag           = "dmarc.unknown-tag"
	CodeFoWithoutRUF         = "dmarc.fo-without-ruf"
	CodeReportURINotMailto   = "dmarc.report-uri-not-mailto"
	CodeOrgDomainsDiffer     = "dmarc.org-domain-psl-differs"
	CodeRFC7489PolicyDiffers = "dmarc.rfc7489-policy-differs"
	CodeTreeWalkIncomplete   = "dmarc.tree-walk-incomplete"
	CodePSDRecord            = "dmarc.psd-record"
	CodeTooManyURIs          = "dmarc.too-many-report-uris"
	CodeRecordOversized      = "dmarc.record-oversized"
)

const (
	ref7489Record   = "RFC 7489 §6.3"
	ref7489Syntax   = "RFC 7489 §6.4"
	ref7489Discover = "RFC 7489 §6.6.3"
	ref7489External = "RFC 7489 §7.1"
	ref7489URIs     = "RFC 7489 §6.2"
	refTreeWalk     = "RFC 9989 §4.10"
	refOrgDomain    = "RFC 9989 §4.10.2"
	refPolicy       = "RFC 9989 §4.10.1"
	refNP           = "RFC 9091 §4.1"
)

func finding(code string, sev checks.Severity, ref, hint, format string, args ...any) checks.Finding {
	return checks.Finding{Code: code, Severity: sev, Message: fmt.Sprintf(format, args...), Hint: hint, Ref: ref}
}
