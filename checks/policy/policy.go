// Package policy reads a relayctl policy file (relayctl.yaml, docs/policy.md)
// and applies it to finished reports: expectations beyond the checks'
// own findings (policy.* codes), severity overrides per code, and ignores
// that carry a reason and an expiry date. It reads the checks' data as
// their JSON shows it (the docs' "Data keys"), so no check changes for
// it.
package policy

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/relayctl/relayctl/checks"
)

// DefaultFile is the policy file read from the working directory when
// --policy is not given and the file exists.
const DefaultFile = "relayctl.yaml"

// ErrInvalid is the kind of every error Load returns for a file that
// does not follow the schema.
var ErrInvalid = errors.New("policy: invalid policy file")

// Policy is a loaded policy file.
type Policy struct {
	// Path is the file it was read from.
	Path string
	// Defaults are values for flags not given on the command line.
	Defaults Defaults
	// Expect holds the expectations by domain (lower case, no trailing
	// dot) or "*" for every domain.
	Expect map[string]Expectations
	// Severity overrides the severity of findings by code.
	Severity map[string]checks.Severity
	// Ignores drop findings until their date.
	Ignores []Ignore
}

// Defaults are the flag defaults a policy file may set; a flag given on
// the command line wins.
type Defaults struct {
	Resolvers []string
	Timeout   time.Duration
	Selectors []string
	FailOn    string
}

// Expectations are what a domain is expected to have. A nil pointer or
// empty value is no expectation.
type Expectations struct {
	DMARCPolicy   string   // none, quarantine or reject: at least this
	DMARCMinPct   *int     // pct= at least this
	SPFMaxLookups *int     // at most this many DNS-querying terms
	SPFAll        string   // fail, softfail, neutral or pass: at least this strict
	DKIMSelectors []string // each must have a key
	DKIMMinBits   *int     // every key at least this many bits
	MTASTSMode    string   // none, testing or enforce: at least this
	TLSRPT        string   // "required": a valid TLS-RPT record
	MXHosts       []string // exactly these MX hosts
	// BlacklistAllowListed are the blocklist zones a listing on which is
	// accepted; nil is no expectation, empty accepts none.
	BlacklistAllowListed []string
	// Line is where the domain's entry starts in the file.
	Line int
}

// Where is the place in the file that speaks of target: the line of its
// expect entry, else of the "*" entry, else the first line; for a CI
// format that must point every result at a file (SARIF on GitHub).
func (p *Policy) Where(target string) (path string, line int) {
	d := strings.TrimSuffix(strings.ToLower(target), ".")
	for _, k := range []string{d, "*"} {
		if e, ok := p.Expect[k]; ok && e.Line > 0 {
			return p.Path, e.Line
		}
	}
	return p.Path, 1
}

// Ignore drops findings with Code (a glob) for Domain ("" or "*": every
// domain) until the end of the day Until (UTC).
type Ignore struct {
	Code   string
	Domain string
	Until  time.Time
	Reason string
	// Line is where the entry starts in the file, for messages.
	Line int
}

// Expired reports whether the ignore no longer applies at now: after the
// last day it names.
func (ig Ignore) Expired(now time.Time) bool {
	return !now.Before(ig.Until.AddDate(0, 0, 1))
}

// Error is a policy file that does not follow the schema, with the place
// (line and column, from 1) where it goes wrong.
type Error struct {
	Path      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string { return "policy: " + e.Message() }

// Message is the text for a person: file:line:col: what is wrong.
func (e *Error) Message() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.Path, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Line, e.Col, e.Msg)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// merged returns the expectations for domain: the "*" ones, with the
// domain's own replacing them key by key.
func (p *Policy) merged(domain string) Expectations {
	e := p.Expect["*"]
	d, ok := p.Expect[domain]
	if !ok {
		return e
	}
	if d.DMARCPolicy != "" {
		e.DMARCPolicy = d.DMARCPolicy
	}
	if d.DMARCMinPct != nil {
		e.DMARCMinPct = d.DMARCMinPct
	}
	if d.SPFMaxLookups != nil {
		e.SPFMaxLookups = d.SPFMaxLookups
	}
	if d.SPFAll != "" {
		e.SPFAll = d.SPFAll
	}
	if d.DKIMSelectors != nil {
		e.DKIMSelectors = d.DKIMSelectors
	}
	if d.DKIMMinBits != nil {
		e.DKIMMinBits = d.DKIMMinBits
	}
	if d.MTASTSMode != "" {
		e.MTASTSMode = d.MTASTSMode
	}
	if d.TLSRPT != "" {
		e.TLSRPT = d.TLSRPT
	}
	if d.MXHosts != nil {
		e.MXHosts = d.MXHosts
	}
	if d.BlacklistAllowListed != nil {
		e.BlacklistAllowListed = d.BlacklistAllowListed
	}
	return e
}
