// Package mtasts checks a domain's SMTP MTA Strict Transport Security
// (MTA-STS, RFC 8461): the _mta-sts TXT record (§3.1), the policy served
// at https://mta-sts.<domain>/.well-known/mta-sts.txt and the way it is
// served (§3.3), the policy's syntax (§3.2), and whether its mx patterns
// cover every MX host of the domain (§4.1).
//
// Lookup returns the policy that senders would apply, for checks (such
// as the SMTP probe) that judge certificates more strictly under
// mode enforce.
package mtasts

import (
	"crypto/x509"
	"errors"
	"time"
)

// Mode is a policy's mode (RFC 8461 §5).
type Mode string

const (
	ModeEnforce Mode = "enforce"
	ModeTesting Mode = "testing"
	ModeNone    Mode = "none"
)

// Limits from RFC 8461.
const (
	// MaxMaxAge is the largest max_age, about one year (§3.2).
	MaxMaxAge = 31557600
	// MaxPolicySize is the suggested limit on the policy body (§3.3).
	MaxPolicySize = 64 << 10
	// maxIDLen is the longest record id (§3.1).
	maxIDLen = 32
)

// Sentinel errors.
var (
	ErrNoRecord        = errors.New("mtasts: no MTA-STS record")
	ErrMultipleRecords = errors.New("mtasts: more than one MTA-STS record")
	ErrRecordSyntax    = errors.New("mtasts: invalid MTA-STS record")
	ErrPolicySyntax    = errors.New("mtasts: invalid policy")
	ErrPolicyFetch     = errors.New("mtasts: policy not fetched")
)

// Options tune the check.
type Options struct {
	// RootCAs verifies the policy host's certificate; nil means the
	// system roots (--ca adds a CA to them).
	RootCAs *x509.CertPool
	// Timeout bounds the whole policy fetch (connect, TLS, response and
	// body); fetch.DefaultTimeout when zero.
	Timeout time.Duration
	// HTTPSPort, when not zero, is the port dialled for the policy
	// fetch instead of 443. The URL, Host header and certificate name
	// stay mta-sts.<domain>. A test hook: tests point it at an
	// in-process server on a free loopback port.
	HTTPSPort int
}

// Record is a parsed _mta-sts TXT record (RFC 8461 §3.1).
type Record struct {
	Version    string  `json:"v"`
	ID         string  `json:"id"`
	Extensions []Field `json:"extensions,omitempty"`
}

// Field is an extension field of a record or a policy, as written.
type Field struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Policy is a parsed MTA-STS policy (RFC 8461 §3.2).
type Policy struct {
	Version string `json:"version"`
	Mode    Mode   `json:"mode"`
	// MaxAge is in seconds; -1 when the field is missing or invalid.
	MaxAge int64 `json:"max_age"`
	// MX holds the mx patterns in order, lower case: host names or
	// "*." wildcards.
	MX         []string `json:"mx"`
	Extensions []Field  `json:"extensions,omitempty"`
}

// Enforced reports whether senders must refuse delivery without a
// valid, authenticated TLS connection to a matching MX (RFC 8461 §5).
func (p *Policy) Enforced() bool { return p != nil && p.Mode == ModeEnforce }

// Matches reports whether host (an MX host name) matches one of the
// policy's mx patterns (RFC 8461 §4.1).
func (p *Policy) Matches(host string) bool {
	return p.MatchingPattern(host) != ""
}

// MatchingPattern returns the first mx pattern host matches, or "".
func (p *Policy) MatchingPattern(host string) string {
	if p == nil {
		return ""
	}
	for _, pat := range p.MX {
		if MatchMX(pat, host) {
			return pat
		}
	}
	return ""
}
