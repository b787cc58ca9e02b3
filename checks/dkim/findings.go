package dkim

import (
	"fmt"

	"github.com/relayctl/relayctl/checks"
)

// Finding codes. docs/contract.md fixes the first five; docs/dkim.md lists all.
const (
	CodeNoKeyFound       = "dkim.no-key-found"
	CodeWeakKey          = "dkim.weak-key"
	CodeKeyRevoked       = "dkim.key-revoked"
	CodeTestMode         = "dkim.test-mode"
	CodeSyntax           = "dkim.syntax"
	CodeSelectorMissing  = "dkim.selector-missing"
	CodeSelectorInvalid  = "dkim.selector-invalid"
	CodeSHA1             = "dkim.sha1"
	CodeHashUnsupported  = "dkim.hash-unsupported"
	CodeUnsupportedKey   = "dkim.unsupported-key-type"
	CodeServiceNotEmail  = "dkim.service-not-email"
	CodeMultipleRecords  = "dkim.multiple-records"
	CodeDanglingCNAME    = "dkim.cname-dangling"
	CodeKeyTooLarge      = "dkim.key-too-large"
	CodeEd25519Only      = "dkim.ed25519-only"
	CodeLookupFailed     = "dkim.lookup-failed"
	CodeNotAKey          = "dkim.not-a-key"
	CodePKCS1Encoding    = "dkim.pkcs1-encoding"
	refKeyRecord         = "RFC 6376 §3.6.1"
	refTagList           = "RFC 6376 §3.2"
	refKeySize           = "RFC 8301 §3.2"
	refSHA1              = "RFC 8301 §3.1"
	refEd25519           = "RFC 8463 §4.2"
	refMultiple          = "RFC 6376 §3.6.2.2"
	refSelectors         = "RFC 6376 §3.1"
	refPKCS1             = "RFC 6376 §3.6.1 (erratum 3017)"
	minKeyBits           = 1024 // RFC 8301 §3.2: verifiers reject smaller keys
	goodKeyBits          = 2048 // RFC 8301 §3.2: signers SHOULD use at least this
	maxVerifiableKeyBits = 4096 // RFC 8301 §3.2: verifiers must handle up to this
)

func finding(code string, sev checks.Severity, ref, hint, format string, args ...any) checks.Finding {
	return checks.Finding{Code: code, Severity: sev, Message: fmt.Sprintf(format, args...), Hint: hint, Ref: ref}
}
