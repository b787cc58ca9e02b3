package spf

import (
	"errors"
	"fmt"

	"github.com/relayctl/relayctl/checks"
)

// Sentinel errors. Outcome.Err and the analysis wrap them.
var (
	ErrSyntax          = errors.New("spf: syntax error")
	ErrNoRecord        = errors.New("spf: no SPF record")
	ErrMultipleRecords = errors.New("spf: more than one SPF record")
	ErrInvalidDomain   = errors.New("spf: invalid domain name")
	ErrTooManyLookups  = errors.New("spf: more than 10 DNS-querying terms")
	ErrTooManyVoids    = errors.New("spf: more than 2 void lookups")
	ErrTooManyMX       = errors.New("spf: more than 10 MX names")
	ErrIncludeNone     = errors.New("spf: include target has no SPF record")
	ErrRedirectNone    = errors.New("spf: redirect target has no SPF record")
)

// spfError is an error of kind (one of the sentinels above) saying in
// full what went wrong: Error() reads like the sentinel with details
// ("spf: no SPF record at example.com"), Message() the same without the
// package name.
func spfError(kind error, format string, args ...any) error {
	return checks.NewError("spf", kind, fmt.Sprintf(format, args...))
}
