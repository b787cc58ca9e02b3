package spf

import "errors"

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
