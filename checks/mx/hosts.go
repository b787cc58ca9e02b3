package mx

import (
	"context"
	"errors"
	"net/netip"
	"strings"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// Host is one MX record and what its target resolved to (Data.Hosts).
type Host struct {
	Preference uint16 `json:"preference"`
	// Host is the MX target, lower case, without the trailing dot.
	Host string `json:"host"`
	// Addresses are the target's A then AAAA addresses (never null).
	Addresses []netip.Addr `json:"addresses"`
	// CNAME is the canonical name when the target is an alias.
	CNAME string `json:"cname,omitempty"`
	// Error is the DNS failure that kept the target (or one of its
	// address families) from being checked.
	Error string `json:"error,omitempty"`
}

// hostState is a Host plus what the checks judge from it.
type hostState struct {
	Host
	null    bool       // target "." (RFC 7505)
	literal netip.Addr // valid when the target is an IP address
	err     error      // A or AAAA lookup failed
	nx      bool       // the target name (or its alias target) does not exist
	bad     bool       // the target is not a valid host name
}

// isNull reports whether an MX target is the root: a null MX (RFC 7505 §3).
func isNull(target string) bool { return target == "." || target == "" }

func hostName(target string) string {
	return strings.TrimSuffix(strings.ToLower(target), ".")
}

// resolveHosts looks up the addresses of every MX target at once, each
// distinct name once, and returns the hosts in the order of mxs.
func resolveHosts(ctx context.Context, lr *limiter, mxs []*dns.MX) []*hostState {
	hosts := make([]*hostState, len(mxs))
	first := map[string]*hostState{} // name → the state that resolves it
	t := lr.tasks()
	for i, m := range mxs {
		h := &hostState{Host: Host{Preference: m.Preference, Host: hostName(m.Mx), Addresses: []netip.Addr{}}}
		hosts[i] = h
		if isNull(m.Mx) {
			h.null = true
			h.Host.Host = "."
			continue
		}
		if a, ok := ipLiteral(m.Mx); ok {
			// Not looked up: RFC 5321 §5.1 wants a domain name here,
			// and a sender asks for it as a name, not as an address.
			h.literal = a
			continue
		}
		if _, dup := first[h.Host.Host]; dup {
			continue
		}
		first[h.Host.Host] = h
		t.do(func() { lookupHost(ctx, lr, h) })
	}
	t.wait()
	// Copy the results to the later records naming the same host.
	for _, h := range hosts {
		if h.null || h.literal.IsValid() {
			continue
		}
		if src := first[h.Host.Host]; src != h {
			pref := h.Preference
			*h = *src
			h.Preference = pref
			h.Addresses = append([]netip.Addr{}, src.Addresses...)
		}
	}
	return hosts
}

func lookupHost(ctx context.Context, r dnsx.Resolver, h *hostState) {
	res, err := dnsx.Addrs(ctx, r, dnsx.Fqdn(h.Host.Host))
	h.Addresses = append(h.Addresses, res.Addrs...)
	if errors.Is(err, dnsx.ErrBadName) {
		// Not a DNS failure: the name cannot be asked at all, and a
		// sender cannot use it either.
		h.bad = true
		return
	}
	if err != nil {
		h.err = err
		h.Error = checks.Message(err)
	}
	for _, ans := range []*dnsx.Answer{res.A, res.AAAA} {
		if ans == nil {
			continue
		}
		if c := ans.CNAMEs(); len(c) > 0 && h.CNAME == "" {
			h.CNAME = hostName(c[len(c)-1])
		}
		if ans.NXDomain() {
			h.nx = true
		}
	}
}

// errNoAddress is why a check could not judge any address: every lookup
// failed.
var errNoAddress = errors.New("mx: no MX host could be resolved")
