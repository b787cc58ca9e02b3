package ipcheck

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// HELOData is the helo check's structured result.
type HELOData struct {
	HELO string `json:"helo"`
	// Literal: the HELO is an address literal ("[192.0.2.1]").
	Literal bool `json:"literal,omitempty"`
	// Addrs are the name's addresses (never null).
	Addrs []netip.Addr `json:"addrs"`
	// Resolves: the name (or the literal) is the address checked.
	Resolves bool `json:"resolves"`
	// MatchesPTR: the name is one of the address's PTR names.
	MatchesPTR bool   `json:"matches_ptr"`
	Error      string `json:"error,omitempty"`
}

// heloLiteral parses an RFC 5321 §4.1.3 address literal: "[192.0.2.1]"
// or "[IPv6:2001:db8::1]".
func heloLiteral(s string) (netip.Addr, bool) {
	if !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, "]") {
		return netip.Addr{}, false
	}
	in := s[1 : len(s)-1]
	v6 := false
	if len(in) > 5 && strings.EqualFold(in[:5], "IPv6:") {
		in, v6 = in[5:], true
	}
	a, err := netip.ParseAddr(in)
	if err != nil || a.Zone() != "" || a.Is6() != v6 {
		return netip.Addr{}, false
	}
	return a, true
}

// checkHELO judges the name addr greets with (RFC 5321 §4.1.1.1: the
// client's primary host name, or an address literal): receivers check
// that it resolves to the connecting address, and many that it is the
// address's reverse name. fc brings the ptr check's names.
func checkHELO(ctx context.Context, r dnsx.Resolver, addr netip.Addr, helo string, fc <-chan fcResult) (res checks.Result) {
	start := time.Now()
	d := &HELOData{HELO: helo, Addrs: []netip.Addr{}}
	res = checks.Result{Name: NameHELO, Data: d}
	defer func() {
		res.DurationMS = checks.Since(start)
		res.Settle()
	}()
	if lit, ok := heloLiteral(helo); ok {
		d.Literal, d.Addrs = true, []netip.Addr{lit}
		d.Resolves = lit.Unmap() == addr
		res.Summary = "address literal " + helo
		if !d.Resolves {
			res.Add(checks.Finding{
				Code:     "ip.helo-mismatch",
				Severity: checks.SeverityWarn,
				Message:  fmt.Sprintf("the HELO address literal %s is not %s, the address the mail comes from", helo, addr),
				Hint:     "Greet with the host's own name (one whose address record and PTR are " + addr.String() + ").",
				Ref:      "RFC 5321 §4.1.3",
			})
			return res
		}
		res.Add(checks.Finding{
			Code:     "ip.helo-literal",
			Severity: checks.SeverityInfo,
			Message:  fmt.Sprintf("the host greets with the address literal %s rather than a name; some receivers score that like a missing name", helo),
			Hint:     "Greet with the host's fully qualified name, the one its PTR names.",
			Ref:      "RFC 5321 §4.1.1.1",
		})
		return res
	}
	name, err := dnsx.Domain(helo)
	if err != nil || !strings.Contains(name, ".") {
		res.Summary = "not a host name"
		res.Add(checks.Finding{
			Code:     "ip.helo-invalid",
			Severity: checks.SeverityFail,
			Message:  fmt.Sprintf("the HELO %q is neither a fully qualified host name nor an address literal", helo),
			Hint:     "Configure the mail server to greet with its fully qualified host name (Postfix: myhostname; Exim: primary_hostname).",
			Ref:      "RFC 5321 §4.1.1.1",
		})
		return res
	}
	d.HELO = name
	ar, err := dnsx.Addrs(ctx, r, dnsx.Fqdn(name))
	for _, a := range ar.Addrs {
		d.Addrs = append(d.Addrs, a.Unmap())
	}
	d.Resolves = slices.Contains(d.Addrs, addr)
	f := <-fc
	d.MatchesPTR = slices.ContainsFunc(f.ptr, func(p string) bool { return strings.EqualFold(p, name) })
	switch {
	case d.Resolves:
		res.Summary = name + " resolves to " + addr.String()
	case err != nil && !errors.Is(err, dnsx.ErrBadName) && len(d.Addrs) == 0:
		d.Error = checks.Message(err)
		res.Summary = "not checked: " + d.Error
		res.Add(checks.Finding{
			Code:     "ip.helo-lookup-failed",
			Severity: checks.SeverityWarn,
			Message:  fmt.Sprintf("the addresses of the HELO name %s could not be looked up: %s", name, d.Error),
			Hint:     "Make sure the DNS servers for " + name + " answer; then run the check again.",
		})
		return res
	case len(d.Addrs) == 0:
		res.Summary = name + " has no address"
		res.Add(checks.Finding{
			Code:     "ip.helo-unresolved",
			Severity: checks.SeverityWarn,
			Message:  fmt.Sprintf("the HELO name %s has no A or AAAA record: receivers that check the greeting (Postfix reject_unknown_helo_hostname) refuse it", name),
			Hint:     fmt.Sprintf("Publish an address record for %s pointing at %s, or greet with a name that has one.", name, addr),
			Ref:      "RFC 5321 §4.1.1.1",
		})
		return res
	default:
		res.Summary = name + " does not resolve to " + addr.String()
		res.Add(checks.Finding{
			Code:     "ip.helo-mismatch",
			Severity: checks.SeverityWarn,
			Message:  fmt.Sprintf("the HELO name %s resolves to %s, not to %s, the address the mail comes from", name, joinAddrs(d.Addrs), addr),
			Hint:     fmt.Sprintf("Greet with a name whose address record is %s (ideally its PTR name), or add %s to %s.", addr, addr, name),
			Ref:      "RFC 5321 §4.1.1.1",
		})
	}
	if !d.MatchesPTR && f.confirmed != "" {
		res.Add(checks.Finding{
			Code:     "ip.helo-not-ptr",
			Severity: checks.SeverityInfo,
			Message:  fmt.Sprintf("the HELO name %s is not the reverse name of %s (%s); some receivers expect the two to match", name, addr, f.confirmed),
			Hint:     "Greet with the PTR name, or have the PTR set to the HELO name.",
		})
	}
	return res
}

func joinAddrs(as []netip.Addr) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}
