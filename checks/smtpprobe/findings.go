package smtpprobe

import (
	"fmt"

	"github.com/relayctl/relayctl/checks"
)

// Finding codes of the SMTP probe. docs/contract.md requires the first ten.
const (
	CodeUnreachable         = "smtp.unreachable"
	CodeNoStartTLS          = "smtp.no-starttls"
	CodeTLSFailed           = "smtp.tls-failed"
	CodeTLSOldVersion       = "smtp.tls-old-version"
	CodeCertExpired         = "smtp.cert-expired"
	CodeCertExpiring        = "smtp.cert-expiring"
	CodeCertNameMismatch    = "smtp.cert-name-mismatch"
	CodeCertUntrusted       = "smtp.cert-untrusted"
	CodeAuthBeforeTLS       = "smtp.auth-before-tls"
	CodeOpenRelay           = "smtp.open-relay"
	CodePortClosed          = "smtp.port-closed"
	CodeTimeout             = "smtp.timeout"
	CodeProtocolError       = "smtp.protocol-error"
	CodeBannerError         = "smtp.banner-error"
	CodeEHLORefused         = "smtp.ehlo-refused"
	CodeStartTLSRequired    = "smtp.starttls-required"
	CodeStartTLSNotRequired = "smtp.starttls-not-required"
	CodeTLSWeakCipher       = "smtp.tls-weak-cipher"
	CodeCertNotYetValid     = "smtp.cert-not-yet-valid"
	CodeCertWeakKey         = "smtp.cert-weak-key"
	CodeCertChainOrder      = "smtp.cert-chain-order"
	CodeRelayInconclusive   = "smtp.relay-test-inconclusive"
	CodeHostUnresolvable    = "smtp.host-unresolvable"
	CodeHostLookupFailed    = "smtp.host-lookup-failed"
	CodeImplicitTLS         = "smtp.implicit-tls"
)

func finding(code string, sev checks.Severity, ref, hint, format string, a ...any) checks.Finding {
	return checks.Finding{Code: code, Severity: sev, Message: fmt.Sprintf(format, a...), Hint: hint, Ref: ref}
}

// strictness is the severity of a certificate problem: on port 25 a
// sending MTA without DANE or MTA-STS takes any certificate (RFC 7435
// opportunistic security, RFC 3207 §4.1), so a bad one is a warning
// there; on submission ports clients verify it, so it is a failure.
func strictness(port int) checks.Severity {
	if port == 25 {
		return checks.SeverityWarn
	}
	return checks.SeverityFail
}
