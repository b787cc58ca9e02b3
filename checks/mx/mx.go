package mx

import (
	"context"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// Data is the mx check's structured result.
type Data struct {
	// Hosts are the MX records by preference (the null MX target "." is
	// not listed here; see NullMX). Never null.
	Hosts []Host `json:"hosts"`
	// NullMX is true when a null MX record (MX 0 ".") is published, alone
	// as RFC 7505 wants it, or wrongly beside other MX records.
	NullMX bool `json:"null_mx"`
	// NXDomain is true when the domain does not exist at all.
	NXDomain bool `json:"nxdomain"`
	// Implicit is set when the domain has no MX record: the address
	// records senders fall back to (RFC 5321 §5.1). Null otherwise.
	Implicit *Implicit `json:"implicit"`
}

// Implicit describes the implicit MX: the domain's own A/AAAA records.
type Implicit struct {
	Host      string       `json:"host"`
	Addresses []netip.Addr `json:"addresses"`
	Error     string       `json:"error,omitempty"`
}

// Check looks up the MX records of domain (already normalised by
// dnsx.Domain), resolves every target at once and judges the set.
//
// A DNS failure of the MX question itself makes the result an error, never
// "missing". A failure resolving one target is a warning about that host
// (mx.target-lookup-failed); the result is an error only when no target
// could be resolved and at least one lookup failed.
func Check(ctx context.Context, r dnsx.Resolver, domain string, opt Options) checks.Result {
	start := time.Now()
	res := checks.Result{Name: Name}
	data := Data{Hosts: []Host{}}
	res.Data = &data
	check(ctx, opt.resolver(r), domain, opt, &res, &data)
	res.DurationMS = checks.Since(start)
	res.Settle()
	return res
}

func check(ctx context.Context, lr *limiter, domain string, opt Options, res *checks.Result, data *Data) {
	mxs, ans, err := dnsx.MX(ctx, lr, dnsx.Fqdn(domain))
	if err != nil {
		res.Fail(err)
		res.Summary = "MX lookup failed: " + checks.Message(err)
		return
	}
	if ans.NXDomain() {
		data.NXDomain = true
		res.Summary = "domain does not exist (NXDOMAIN)"
		res.Add(checks.Finding{
			Code:     "mx.nxdomain",
			Severity: checks.SeverityFail,
			Message:  fmt.Sprintf("%s does not exist in DNS (NXDOMAIN): mail to it bounces, and receivers reject mail from it", domain),
			Hint:     "Check the spelling of the domain, or register/delegate it and publish its records.",
			Ref:      "RFC 5321 §5.1",
		})
		return
	}
	if len(mxs) == 0 {
		missing(ctx, lr, domain, opt, res, data)
		return
	}

	hosts := resolveHosts(ctx, lr, mxs)
	judgeNull(domain, hosts, res, data)
	for _, h := range hosts {
		if !h.null {
			data.Hosts = append(data.Hosts, h.Host)
		}
	}
	judgeHosts(hosts, res)
	res.Summary = summary(domain, hosts)
}

// missing handles a domain without MX records: RFC 5321 §5.1 then uses
// the domain's own address records as an implicit MX of preference 0.
func missing(ctx context.Context, r dnsx.Resolver, domain string, opt Options, res *checks.Result, data *Data) {
	imp := &Implicit{Host: domain, Addresses: []netip.Addr{}}
	data.Implicit = imp
	addrs, err := dnsx.Addrs(ctx, r, dnsx.Fqdn(domain))
	imp.Addresses = append(imp.Addresses, addrs.Addrs...)
	if err != nil {
		imp.Error = checks.Message(err)
	}

	sev := checks.SeverityWarn
	if opt.RequireMX {
		sev = checks.SeverityFail
	}
	var msg string
	switch {
	case len(imp.Addresses) > 0:
		msg = fmt.Sprintf("%s publishes no MX record; senders fall back to its address records (the implicit MX) and deliver to %s", domain, joinAddrs(imp.Addresses))
		res.Summary = "no MX; implicit MX " + joinAddrs(imp.Addresses)
	case err != nil:
		msg = fmt.Sprintf("%s publishes no MX record, and its A/AAAA lookup failed (%s), so whether senders have an implicit MX to use is unknown", domain, checks.Message(err))
		res.Summary = "no MX; implicit MX unknown"
	default:
		msg = fmt.Sprintf("%s publishes no MX record and has no A/AAAA record either: there is no implicit MX, so mail to it cannot be delivered", domain)
		res.Summary = "no MX and no address: receives no mail"
	}
	res.Add(checks.Finding{
		Code:     "mx.missing",
		Severity: sev,
		Message:  msg,
		Hint:     fmt.Sprintf("Publish an MX record naming the host that receives mail for %s (\"%s. MX 10 mx.%s.\"), or a null MX (\"MX 0 .\", RFC 7505) if it receives none.", domain, domain, domain),
		Ref:      "RFC 5321 §5.1",
	})
}

// judgeNull applies RFC 7505 §3: a null MX is the one MX record of its
// domain, with preference 0.
func judgeNull(domain string, hosts []*hostState, res *checks.Result, data *Data) {
	var nulls []*hostState
	for _, h := range hosts {
		if h.null {
			nulls = append(nulls, h)
		}
	}
	if len(nulls) == 0 {
		return
	}
	data.NullMX = true
	if len(nulls) < len(hosts) {
		res.Add(checks.Finding{
			Code:     "mx.null-mixed",
			Severity: checks.SeverityFail,
			Message:  fmt.Sprintf("%s publishes a null MX (\"no mail accepted\") beside %d other MX record(s); senders cannot tell whether it receives mail", domain, len(hosts)-len(nulls)),
			Hint:     "Keep either the null MX (the domain receives no mail) or the real MX records, not both.",
			Ref:      "RFC 7505 §3",
		})
		return
	}
	res.Add(checks.Finding{
		Code:     "mx.null",
		Severity: checks.SeverityInfo,
		Message:  fmt.Sprintf("%s publishes a null MX: it accepts no mail, and senders bounce mail to it at once", domain),
		Hint:     "Nothing to change if the domain is not meant to receive mail.",
		Ref:      "RFC 7505 §3",
	})
	for _, h := range nulls {
		if h.Preference != 0 {
			res.Add(checks.Finding{
				Code:     "mx.null-preference",
				Severity: checks.SeverityWarn,
				Message:  fmt.Sprintf("the null MX of %s has preference %d; RFC 7505 defines it with preference 0", domain, h.Preference),
				Hint:     "Write the null MX as \"MX 0 .\".",
				Ref:      "RFC 7505 §3",
			})
			break
		}
	}
}

// judgeHosts adds the findings about the MX targets themselves.
func judgeHosts(hosts []*hostState, res *checks.Result) {
	seen := map[string][]uint16{}
	var order []string
	usable, targets, failed := 0, 0, 0
	var firstErr error
	for _, h := range hosts {
		if h.null {
			continue
		}
		targets++
		if _, ok := seen[h.Host.Host]; !ok {
			order = append(order, h.Host.Host)
		}
		dup := len(seen[h.Host.Host]) > 0
		seen[h.Host.Host] = append(seen[h.Host.Host], h.Preference)
		if dup {
			// The first record naming the host carries its findings.
			if len(h.Addresses) > 0 {
				usable++
			}
			continue
		}
		name := h.Host.Host

		if h.literal.IsValid() {
			res.Add(checks.Finding{
				Code:     "mx.target-is-ip",
				Severity: checks.SeverityFail,
				Message:  fmt.Sprintf("MX %d %s names an IP address where a host name belongs; senders look it up as a name, find nothing and cannot deliver to it", h.Preference, name),
				Hint:     fmt.Sprintf("Give the mail server a host name with an A/AAAA record for %s and point the MX at that name.", h.literal),
				Ref:      "RFC 5321 §5.1; RFC 1035 §3.3.9",
			})
			continue
		}
		if h.CNAME != "" {
			res.Add(checks.Finding{
				Code:     "mx.target-is-cname",
				Severity: checks.SeverityWarn,
				Message:  fmt.Sprintf("MX target %s is an alias (CNAME) for %s; an MX must name a host with its own address records, and some senders refuse aliases", name, h.CNAME),
				Hint:     fmt.Sprintf("Point the MX record at %s directly.", h.CNAME),
				Ref:      "RFC 2181 §10.3; RFC 5321 §5.1",
			})
		}
		switch {
		case len(h.Addresses) > 0:
			usable++
			if h.err != nil {
				failed++
				res.Add(checks.Finding{
					Code:     "mx.target-lookup-failed",
					Severity: checks.SeverityWarn,
					Message:  fmt.Sprintf("part of the address lookup of MX host %s failed (%s); it was checked with %s only", name, checks.Message(h.err), joinAddrs(h.Addresses)),
					Hint:     fmt.Sprintf("Make the DNS servers for %s answer both A and AAAA questions (an empty answer is fine, a failure is not).", name),
					Ref:      "RFC 5321 §5.1",
				})
			}
		case h.err != nil:
			failed++
			if firstErr == nil {
				firstErr = h.err
			}
			res.Add(checks.Finding{
				Code:     "mx.target-lookup-failed",
				Severity: checks.SeverityWarn,
				Message:  fmt.Sprintf("MX host %s could not be checked: its address lookup failed (%s); senders that see the same failure queue mail and retry", name, checks.Message(h.err)),
				Hint:     fmt.Sprintf("Make sure the DNS servers for %s answer; then run the check again.", name),
				Ref:      "RFC 5321 §5.1",
			})
		default:
			why := "the name exists but has no A or AAAA record"
			switch {
			case h.bad:
				why = "it is not a valid host name"
			case h.nx && h.CNAME != "":
				why = "it is an alias for " + h.CNAME + ", which does not exist (NXDOMAIN)"
			case h.nx:
				why = "the name does not exist (NXDOMAIN)"
			case h.CNAME != "":
				why = "it is an alias for " + h.CNAME + ", which has no A or AAAA record"
			}
			res.Add(checks.Finding{
				Code:     "mx.target-unresolvable",
				Severity: checks.SeverityFail,
				Message:  fmt.Sprintf("MX host %s has no address: %s, so senders cannot deliver to it", name, why),
				Hint:     fmt.Sprintf("Add an A and/or AAAA record for %s, or remove the MX record that names it.", name),
				Ref:      "RFC 5321 §5.1",
			})
		}
		var bad []string
		for _, a := range h.Addresses {
			if k := specialKind(a); k != "" {
				bad = append(bad, a.String()+" is "+k)
			}
		}
		if len(bad) > 0 {
			res.Add(checks.Finding{
				Code:     "mx.target-private-ip",
				Severity: checks.SeverityWarn,
				Message:  fmt.Sprintf("MX host %s has an address that is not reachable from the Internet: %s", name, strings.Join(bad, "; ")),
				Hint:     fmt.Sprintf("Publish the public address of %s; keep internal addresses in an internal view of the zone.", name),
				Ref:      "RFC 6890",
			})
		}
	}

	for _, name := range order {
		prefs := seen[name]
		if len(prefs) < 2 {
			continue
		}
		ps := make([]string, len(prefs))
		for i, p := range prefs {
			ps[i] = strconv.Itoa(int(p))
		}
		res.Add(checks.Finding{
			Code:     "mx.duplicate-host",
			Severity: checks.SeverityWarn,
			Message:  fmt.Sprintf("MX host %s is listed %d times (preferences %s); the extra records add no redundancy", name, len(prefs), strings.Join(ps, ", ")),
			Hint:     fmt.Sprintf("Keep one MX record for %s, with the preference you mean.", name),
		})
	}

	// RFC 5321 §5.1: MX records of which none is usable are an error for
	// the sender. Only said when every target was judged.
	if targets > 0 && usable == 0 && failed == 0 {
		res.Add(checks.Finding{
			Code:     "mx.no-usable-host",
			Severity: checks.SeverityFail,
			Message:  "none of the MX hosts has an address, so mail to this domain cannot be delivered",
			Hint:     "Fix the MX targets above so at least one names a host with an A/AAAA record.",
			Ref:      "RFC 5321 §5.1",
		})
	}
	if targets > 0 && usable == 0 && failed > 0 {
		res.Fail(checks.WrapError("mx", errNoAddress, "no MX host could be resolved", firstErr))
	}
}

func summary(domain string, hosts []*hostState) string {
	var parts []string
	for _, h := range hosts {
		if !h.null {
			parts = append(parts, fmt.Sprintf("%d %s", h.Preference, h.Host.Host))
		}
	}
	if len(parts) == 0 {
		return "null MX: " + domain + " accepts no mail"
	}
	noun := "hosts"
	if len(parts) == 1 {
		noun = "host"
	}
	const show = 6
	list := parts
	more := ""
	if len(list) > show {
		list, more = list[:show], fmt.Sprintf(" (+%d more)", len(parts)-show)
	}
	s := fmt.Sprintf("%d %s: %s%s", len(parts), noun, strings.Join(list, ", "), more)
	if len(parts) < len(hosts) {
		s = "null MX beside " + s
	}
	return s
}

func joinAddrs(addrs []netip.Addr) string {
	s := make([]string, len(addrs))
	for i, a := range addrs {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}
