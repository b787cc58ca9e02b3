// Package dnsx is relayctl's one DNS layer: the system's resolvers or the
// ones given by --resolver, answers from zone files (--zone) without the
// network, a per-run cache that merges concurrent asks, and an in-process
// DNS server for tests. Every check asks DNS through the Resolver interface.
//
// NXDOMAIN and "no data" are answers (an Answer with no records); SERVFAIL,
// REFUSED, timeouts and network failures are errors. So is a response
// that is no answer to the question — a CNAME loop, a chain too long, an
// answer section about other names — however it is coded: a broken answer
// is never turned into a missing one. A check must never treat an error
// as "missing".
package dnsx

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
)

// Resolver answers one DNS question.
type Resolver interface {
	// Query asks for name (any form: with or without the trailing dot,
	// any case) and type. The error is nil for NOERROR and NXDOMAIN
	// answers; it wraps one of the Err* sentinels otherwise.
	Query(ctx context.Context, name string, qtype uint16) (*Answer, error)
}

// Answer is a successful DNS answer: NOERROR (with or without data) or
// NXDOMAIN.
type Answer struct {
	Name  string   `json:"name"` // the name asked, fully qualified, lower case
	Type  uint16   `json:"-"`
	Rcode int      `json:"-"` // dns.RcodeSuccess or dns.RcodeNameError
	RRs   []dns.RR `json:"-"` // the answer section as received, CNAMEs included
	// AD is the Authenticated Data bit of the response (RFC 4035 §3.2.3):
	// the resolver validated it with DNSSEC. Answers from zone files never
	// carry it.
	AD bool `json:"ad,omitempty"`
	// From says who answered: "zone FILE" or the server's address.
	From string `json:"from,omitempty"`
}

// NXDomain reports whether the name does not exist.
func (a *Answer) NXDomain() bool { return a.Rcode == dns.RcodeNameError }

// Empty reports whether the answer holds no record of the type asked
// (NXDOMAIN or NOERROR with no data).
func (a *Answer) Empty() bool { return len(a.Records()) == 0 }

// Records returns the records of the type asked that belong to the name,
// following the CNAME chain in the answer section from the name asked.
func (a *Answer) Records() []dns.RR {
	target := a.Target()
	var out []dns.RR
	for _, rr := range a.RRs {
		h := rr.Header()
		if h.Rrtype == a.Type && strings.EqualFold(h.Name, target) {
			out = append(out, rr)
		}
	}
	return out
}

// CNAMEs returns the canonical names the asked name was aliased through, in
// order (empty when the name is not an alias).
func (a *Answer) CNAMEs() []string {
	var chain []string
	cur := a.Name
	seen := map[string]bool{}
	for {
		next := ""
		for _, rr := range a.RRs {
			if c, ok := rr.(*dns.CNAME); ok && strings.EqualFold(c.Hdr.Name, cur) {
				next = strings.ToLower(c.Target)
				break
			}
		}
		if next == "" || seen[next] {
			return chain
		}
		seen[next] = true
		chain = append(chain, next)
		cur = next
	}
}

// Target is the name the records of the answer belong to: the end of the
// CNAME chain, or the name asked.
func (a *Answer) Target() string {
	if c := a.CNAMEs(); len(c) > 0 {
		return c[len(c)-1]
	}
	return a.Name
}

// Sentinel errors. A QueryError wraps one of them.
var (
	ErrServFail  = errors.New("SERVFAIL")
	ErrRefused   = errors.New("REFUSED")
	ErrTimeout   = errors.New("timeout")
	ErrOffline   = errors.New("outside the zone files and --offline is set")
	ErrRcode     = errors.New("unexpected response code")
	ErrNetwork   = errors.New("network error")
	ErrCNAMELoop = errors.New("CNAME loop")
	ErrBadName   = errors.New("invalid domain name")
	// ErrBadAnswer is a response that is no answer to the question: a
	// CNAME chain longer than any resolver follows, or an answer section
	// holding only records of other names. It is never read as "no
	// record".
	ErrBadAnswer = errors.New("malformed answer")
	// ErrTCPRetry is a truncated UDP answer (RFC 7766 §5) whose TCP
	// retry failed; the QueryError's Cause says how (ErrTimeout…).
	ErrTCPRetry = errors.New("the answer was truncated and the TCP retry failed")
)

// QueryError says which question failed, where, and why.
type QueryError struct {
	Name   string
	Type   uint16
	Server string
	Err    error
	Detail string
	// Cause is a second sentinel under Err, when there is one: the
	// ErrTimeout of a TCP retry that timed out (Err is ErrTCPRetry).
	Cause error
}

// Error is the question, its failure and the server, after "dns: " for
// logs and wrapping.
func (e *QueryError) Error() string { return "dns: " + e.Message() }

// Message is the same text for a person: the question ("A mx.example"),
// why it failed, and where; no package prefix.
func (e *QueryError) Message() string {
	name := strings.TrimSuffix(e.Name, ".")
	if name == "" {
		name = "." // the root
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %s", dns.TypeToString[e.Type], name, checks.Message(e.Err))
	if e.Detail != "" {
		b.WriteString(" (" + e.Detail + ")")
	}
	if e.Server != "" {
		b.WriteString(" from " + e.Server)
	}
	return b.String()
}

func (e *QueryError) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Err, e.Cause}
	}
	return []error{e.Err}
}

// IsOffline reports whether r answers from zone files alone (--offline):
// then nothing of the run may open a socket, DNS or not. A resolver says
// so with an Offline() bool method, as Client does.
func IsOffline(r Resolver) bool {
	o, ok := r.(interface{ Offline() bool })
	return ok && o.Offline()
}

// Temporary reports whether err is a DNS failure that might go away
// (anything but a bad name or --offline).
func Temporary(err error) bool {
	return err != nil && !errors.Is(err, ErrOffline) && !errors.Is(err, ErrBadName)
}
