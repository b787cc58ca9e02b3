package dnsbl

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/relayctl/relayctl/checks"
)

// HealthState is the verdict of a list's RFC 5782 §5 self-test.
type HealthState string

const (
	// HealthOK: the list lists its test entry and not the entries it must
	// not list.
	HealthOK HealthState = "ok"
	// HealthUnhealthy: the list fails the test; its answers are not
	// counted.
	HealthUnhealthy HealthState = "unhealthy"
	// HealthRefused: the list answers the test with a refusal code; it
	// will not answer this resolver.
	HealthRefused HealthState = "refused"
	// HealthUnknown: a test question failed (timeout, SERVFAIL…); the
	// list's own answers stand on their own.
	HealthUnknown HealthState = "unknown"
)

// Health is the result of a list's self-test for one kind of target.
type Health struct {
	State  HealthState `json:"state"`
	Detail string      `json:"detail,omitempty"`
}

// probe is one test question: an entry the list must (or must not) list.
type probe struct {
	target Target
	label  string // how people know the entry
	listed bool   // whether a healthy list lists it
}

// healthRandomLabel is a name no list has a reason to list: a list that
// does has a wildcard.
const healthRandomLabel = "relayctl-dnsbl-health-check-q7x2.invalid"

// probes returns the RFC 5782 §5 test entries of list l for targets of
// kind k: the entry that must be listed (unless l.Test is "none"), the
// one that must not, and one more that nothing lists (a TEST-NET address
// of RFC 5737 / RFC 3849, or a random name), which catches a list that
// answers "listed" to everything.
func (l *List) probes(k Kind) []probe {
	var out []probe
	add := func(t Target, label string, listed bool) {
		if listed && l.Test == "none" {
			return
		}
		out = append(out, probe{target: t, label: label, listed: listed})
	}
	switch k {
	case KindIP4:
		add(Target{Addr: netip.MustParseAddr("127.0.0.2")}, "127.0.0.2", true)
		add(Target{Addr: netip.MustParseAddr("127.0.0.1")}, "127.0.0.1", false)
		add(Target{Addr: netip.MustParseAddr("192.0.2.1")}, "TEST-NET address 192.0.2.1", false)
	case KindIP6:
		add(Target{Addr: netip.AddrFrom16(netip.MustParseAddr("::ffff:127.0.0.2").As16())}, "::FFFF:7F00:2", true)
		add(Target{Addr: netip.AddrFrom16(netip.MustParseAddr("::ffff:127.0.0.1").As16())}, "::FFFF:7F00:1", false)
		add(Target{Addr: netip.MustParseAddr("2001:db8::1")}, "documentation address 2001:db8::1", false)
	case KindDomain:
		test := l.Test
		if test == "" || test == "none" {
			test = "test"
		}
		add(Target{Domain: test}, strings.ToUpper(test), true)
		add(Target{Domain: "invalid"}, "INVALID", false)
		add(Target{Domain: healthRandomLabel}, "a random name ("+healthRandomLabel+")", false)
	}
	return out
}

// probeResult is the answer to one probe.
type probeResult struct {
	probe
	c   classified
	err error
}

// judgeHealth reads the answers to a list's probes (RFC 5782 §5).
func (l *List) judgeHealth(rs []probeResult) Health {
	var unhealthy, refusedWhy, refusedCodes, unknown, wild []string
	for _, r := range rs {
		switch {
		case r.err != nil:
			unknown = append(unknown, fmt.Sprintf("test entry %s: %s", r.label, checks.Message(r.err)))
		case r.c.v == outside:
			unhealthy = append(unhealthy, fmt.Sprintf("answers its test entry %s from outside 127.0.0.0/8 (%s)", r.label, codesOf(r.c)))
		case r.c.v == refused:
			refusedWhy = append(refusedWhy, r.label)
			refusedCodes = appendNew(refusedCodes, describe(r.c.codes))
		case r.listed && r.c.v == notListed:
			unhealthy = append(unhealthy, fmt.Sprintf("does not list its test entry %s: the list may be dead, or refusing this resolver with NXDOMAIN", r.label))
		case !r.listed && r.c.v == listed:
			wild = append(wild, r.label)
		}
	}
	if len(wild) > 0 {
		unhealthy = append(unhealthy, fmt.Sprintf("lists %s, which no list may: it answers \"listed\" to everything", strings.Join(wild, " and ")))
	}
	switch {
	case len(unhealthy) > 0:
		return Health{State: HealthUnhealthy, Detail: strings.Join(unhealthy, "; ")}
	case len(refusedWhy) > 0:
		entries := "entry " + refusedWhy[0]
		if len(refusedWhy) > 1 {
			entries = "entries " + strings.Join(refusedWhy[:len(refusedWhy)-1], ", ") + " and " + refusedWhy[len(refusedWhy)-1]
		}
		return Health{State: HealthRefused, Detail: fmt.Sprintf("answers its test %s with a refusal: %s", entries, strings.Join(refusedCodes, "; "))}
	case len(unknown) > 0:
		return Health{State: HealthUnknown, Detail: strings.Join(unknown, "; ")}
	}
	return Health{State: HealthOK}
}

func appendNew(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

func codesOf(c classified) string {
	var s []string
	for _, a := range c.codes {
		s = append(s, a.Code)
	}
	return strings.Join(s, ", ")
}
