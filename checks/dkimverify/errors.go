package dkimverify

import (
	"errors"
	"fmt"
	"strings"

	"github.com/relayctl/relayctl/checks"
)

// Cause says why a signature did not pass, as a value a check can switch
// on and a report can show ("body-hash-mismatch"). Each cause belongs to
// one Status (see Cause.Status).
type Cause string

const (
	CauseNone Cause = ""
	// The signature could not be read or breaks a rule of RFC 6376 §3.5
	// or §6.1.1 (syntax, a required tag missing, v≠1, h= without From,
	// i= outside d=, x= not after t=).
	CauseSyntax Cause = "syntax"
	// a= names an algorithm this verifier does not implement, or c= or
	// q= a method it does not know.
	CauseUnsupportedAlgorithm Cause = "unsupported-algorithm"
	// x= is in the past (RFC 6376 §3.5, §6.1.1).
	CauseExpired Cause = "expired"
	// No key record at the selector's name: NXDOMAIN, no TXT record, or
	// only TXT records that are not DKIM keys (RFC 6376 §6.1.2 step 3).
	CauseKeyMissing Cause = "key-missing"
	// The key record has an empty p= (RFC 6376 §3.6.1).
	CauseKeyRevoked Cause = "key-revoked"
	// The key record cannot be read (RFC 6376 §6.1.2 step 5).
	CauseKeySyntax Cause = "key-syntax"
	// The key does not allow this signature: its k= does not match a=,
	// its h= excludes the hash, its s= excludes email, or its t=s flag
	// forbids an i= in a subdomain of d= (RFC 6376 §3.6.1, §6.1.2).
	CauseKeyMismatch Cause = "key-mismatch"
	// An RSA key under 1024 bits (RFC 8301 §3.2).
	CauseKeyTooSmall Cause = "key-too-small"
	// The key lookup failed for a reason that may pass: SERVFAIL,
	// timeout, network (RFC 6376 §6.1.2 step 2).
	CauseDNSTemporary Cause = "dns-temporary"
	// The body hash computed differs from bh= (RFC 6376 §6.1.3).
	CauseBodyHashMismatch Cause = "body-hash-mismatch"
	// The body is shorter than l= says was signed.
	CauseBodyTooShort Cause = "body-too-short"
	// The signature in b= does not verify with the key (RFC 6376 §6.1.3).
	CauseSignatureMismatch Cause = "signature-mismatch"
	// The body could not be read.
	CauseBodyUnreadable Cause = "body-unreadable"
)

// Status is a signature's result in RFC 8601 §2.7.1's words.
type Status string

const (
	StatusPass Status = "pass"
	// The signature was processed and did not verify: body hash or
	// signature mismatch, expired, revoked key.
	StatusFail Status = "fail"
	// The signature could not be processed: it has syntax errors or uses
	// an algorithm not supported (RFC 8601 §2.7.1 neutral).
	StatusNeutral Status = "neutral"
	// A DNS failure that may pass on retry.
	StatusTemperror Status = "temperror"
	// An error that will not go away: no key, an unreadable key, a key
	// that does not allow the signature.
	StatusPermerror Status = "permerror"
)

// Status is the result a signature with this cause gets.
func (c Cause) Status() Status {
	switch c {
	case CauseNone:
		return StatusPass
	case CauseExpired, CauseKeyRevoked, CauseBodyHashMismatch, CauseBodyTooShort, CauseSignatureMismatch:
		return StatusFail
	case CauseSyntax, CauseUnsupportedAlgorithm:
		return StatusNeutral
	case CauseDNSTemporary, CauseBodyUnreadable:
		return StatusTemperror
	}
	return StatusPermerror
}

// Sentinels, one per Cause, for errors.Is on a Result's Err.
var (
	ErrSyntax               = errors.New("dkimverify: syntax error")
	ErrUnsupportedAlgorithm = errors.New("dkimverify: unsupported algorithm")
	ErrExpired              = errors.New("dkimverify: signature expired")
	ErrKeyMissing           = errors.New("dkimverify: no key record")
	ErrKeyRevoked           = errors.New("dkimverify: key revoked")
	ErrKeySyntax            = errors.New("dkimverify: key record syntax error")
	ErrKeyMismatch          = errors.New("dkimverify: key does not allow the signature")
	ErrKeyTooSmall          = errors.New("dkimverify: key too small")
	ErrDNSTemporary         = errors.New("dkimverify: temporary DNS failure")
	ErrBodyHashMismatch     = errors.New("dkimverify: body hash mismatch")
	ErrBodyTooShort         = errors.New("dkimverify: body shorter than l=")
	ErrSignatureMismatch    = errors.New("dkimverify: signature mismatch")
	ErrBodyUnreadable       = errors.New("dkimverify: body unreadable")
	ErrMessage              = errors.New("dkimverify: malformed message")
)

var causeErr = map[Cause]error{
	CauseSyntax:               ErrSyntax,
	CauseUnsupportedAlgorithm: ErrUnsupportedAlgorithm,
	CauseExpired:              ErrExpired,
	CauseKeyMissing:           ErrKeyMissing,
	CauseKeyRevoked:           ErrKeyRevoked,
	CauseKeySyntax:            ErrKeySyntax,
	CauseKeyMismatch:          ErrKeyMismatch,
	CauseKeyTooSmall:          ErrKeyTooSmall,
	CauseDNSTemporary:         ErrDNSTemporary,
	CauseBodyHashMismatch:     ErrBodyHashMismatch,
	CauseBodyTooShort:         ErrBodyTooShort,
	CauseSignatureMismatch:    ErrSignatureMismatch,
	CauseBodyUnreadable:       ErrBodyUnreadable,
}

// Err returns the sentinel of the cause (nil for CauseNone).
func (c Cause) Err() error { return causeErr[c] }

// Failure is why a signature did not pass: its Cause and the error a
// person reads (a *checks.Error of the cause's sentinel, or a
// SyntaxErrors).
type Failure struct {
	Cause Cause
	Err   error
}

func (f *Failure) Error() string   { return f.Err.Error() }
func (f *Failure) Message() string { return checks.Message(f.Err) }
func (f *Failure) Unwrap() error   { return f.Err }

// Fail builds a Failure whose error is a *checks.Error of the cause's
// sentinel that says the formatted text about cause (which may be nil).
func Fail(c Cause, cause error, format string, args ...any) *Failure {
	return &Failure{Cause: c, Err: checks.WrapError("dkimverify", c.Err(), fmt.Sprintf(format, args...), cause)}
}

// SyntaxError is one problem in a signature header field, at a 1-based
// byte column of the field (counting from the first byte of its name,
// folding included; 0 for the field as a whole) and tag. It unwraps to
// ErrSyntax or ErrUnsupportedAlgorithm.
type SyntaxError struct {
	Field string // the header field's name, as written
	Col   int
	Tag   string
	Msg   string
	Err   error
}

func (e *SyntaxError) Error() string { return "dkimverify: " + e.Message() }

// Message is the problem for a person: field, column, tag, what is wrong.
func (e *SyntaxError) Message() string {
	var b strings.Builder
	b.WriteString(e.Field)
	if e.Col > 0 {
		fmt.Fprintf(&b, " col %d", e.Col)
	}
	if e.Tag != "" {
		fmt.Fprintf(&b, " tag %s", e.Tag)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

func (e *SyntaxError) Unwrap() error { return e.Err }

// SyntaxErrors is every problem found in one field, in field order.
type SyntaxErrors []*SyntaxError

func (es SyntaxErrors) Error() string { return "dkimverify: " + es.Message() }

// Message joins the problems' messages with "; ".
func (es SyntaxErrors) Message() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Message()
	}
	return strings.Join(parts, "; ")
}

func (es SyntaxErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}
