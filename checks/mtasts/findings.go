package mtasts

import (
	"fmt"

	"github.com/relayctl/relayctl/checks"
)

// Finding codes; docs/contract.md fixes the first five, docs/mtasts.md lists all.
const (
	CodeMissing           = "mtasts.missing"
	CodePolicyUnreachable = "mtasts.policy-unreachable"
	CodeSyntax            = "mtasts.syntax"
	CodeMXMismatch        = "mtasts.mx-mismatch"
	CodeModeTesting       = "mtasts.mode-testing"
	CodeModeNone          = "mtasts.mode-none"
	CodeMultipleRecords   = "mtasts.multiple-records"
	CodeCertInvalid       = "mtasts.policy-cert-invalid"
	CodeRedirect          = "mtasts.redirect"
	CodeContentType       = "mtasts.content-type"
	CodeTooLarge          = "mtasts.policy-too-large"
	CodeMaxAgeShort       = "mtasts.max-age-short"
	CodePatternUnused     = "mtasts.pattern-unused"
	CodeNotEvaluated      = "mtasts.not-evaluated"
)

const (
	refRecord   = "RFC 8461 §3.1"
	refPolicy   = "RFC 8461 §3.2"
	refFetch    = "RFC 8461 §3.3"
	refMatch    = "RFC 8461 §4.1"
	refModes    = "RFC 8461 §5"
	refMaxAge   = "RFC 8461 §3.2, §10.2"
	refDiscover = "RFC 8461 §3"
)

func finding(code string, sev checks.Severity, ref, hint, format string, args ...any) checks.Finding {
	return checks.Finding{Code: code, Severity: sev, Message: fmt.Sprintf(format, args...), Hint: hint, Ref: ref}
}
