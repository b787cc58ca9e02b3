package mx

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// PTRData is the ptr check's structured result.
type PTRData struct {
	// Addresses are the distinct addresses of the MX hosts, in MX
	// preference order (never null).
	Addresses []Address `json:"addresses"`
}

// Address is the forward-confirmed reverse DNS of one MX address.
type Address struct {
	Address netip.Addr `json:"address"`
	// Host is the first MX host (by preference) with this address; Hosts
	// lists all of them.
	Host  string   `json:"host"`
	Hosts []string `json:"hosts"`
	// PTR are the names the reverse lookup returned (never null).
	PTR []string `json:"ptr"`
	// Confirmed is true when one of the PTR names resolves back to the
	// address; ConfirmedName is that name.
	Confirmed     bool   `json:"confirmed"`
	ConfirmedName string `json:"confirmed_name,omitempty"`
	// Error is the DNS failure that kept the address from being judged.
	Error string `json:"error,omitempty"`

	err      error
	mismatch []string // "name → addresses" for each PTR name checked
}

// CheckPTR does forward-confirmed reverse DNS for every address of every
// MX host of domain (the implicit MX when there is no MX record): the PTR
// names of the address, then the A or AAAA records of each name; the
// address is confirmed when one name resolves back to it (RFC 1912 §2.1,
// RFC 8601 §3 "iprev"). It asks MX and A/AAAA again; the run's resolver
// cache answers those at no cost. All addresses are checked at once.
func CheckPTR(ctx context.Context, r dnsx.Resolver, domain string, opt Options) checks.Result {
	start := time.Now()
	res := checks.Result{Name: PTRName}
	data := PTRData{Addresses: []Address{}}
	res.Data = &data
	checkPTR(ctx, opt.resolver(r), domain, &res, &data)
	res.DurationMS = checks.Since(start)
	res.Settle()
	return res
}

func checkPTR(ctx context.Context, lr *limiter, domain string, res *checks.Result, data *PTRData) {
	mxs, ans, err := dnsx.MX(ctx, lr, dnsx.Fqdn(domain))
	if err != nil {
		res.Fail(err)
		res.Summary = "MX lookup failed: " + checks.Message(err)
		return
	}
	if ans.NXDomain() {
		res.Status = checks.StatusInfo
		res.Summary = "domain does not exist: no mail hosts to check"
		return
	}
	if len(mxs) == 0 {
		// RFC 5321 §5.1: the implicit MX is the domain itself.
		mxs = []*dns.MX{{Preference: 0, Mx: dnsx.Fqdn(domain)}}
	}
	hosts := resolveHosts(ctx, lr, mxs)

	// One entry per distinct address, in preference order.
	index := map[netip.Addr]int{}
	var firstErr error
	for _, h := range hosts {
		if h.null || h.literal.IsValid() {
			continue
		}
		if h.err != nil && firstErr == nil {
			firstErr = h.err
		}
		for _, a := range h.Addresses {
			a = a.Unmap()
			if i, ok := index[a]; ok {
				if !slices.Contains(data.Addresses[i].Hosts, h.Host.Host) {
					data.Addresses[i].Hosts = append(data.Addresses[i].Hosts, h.Host.Host)
				}
				continue
			}
			index[a] = len(data.Addresses)
			data.Addresses = append(data.Addresses, Address{Address: a, Host: h.Host.Host, Hosts: []string{h.Host.Host}, PTR: []string{}})
		}
	}
	if len(data.Addresses) == 0 {
		if firstErr != nil {
			res.Fail(checks.WrapError("mx", errNoAddress, "no MX host could be resolved", firstErr))
			res.Summary = "no MX address could be resolved"
			return
		}
		res.Status = checks.StatusInfo
		if hosts[0].null {
			res.Summary = "null MX: no mail hosts to check"
		} else {
			res.Summary = "no MX addresses to check"
		}
		return
	}

	t := lr.tasks()
	for i := range data.Addresses {
		a := &data.Addresses[i]
		t.do(func() { fcrdns(ctx, lr, a) })
	}
	t.wait()

	confirmed, judged := 0, 0
	var lookupErr error
	for i := range data.Addresses {
		a := &data.Addresses[i]
		judgeAddress(a, res)
		if a.err != nil && !a.Confirmed {
			if lookupErr == nil {
				lookupErr = a.err
			}
			continue
		}
		judged++
		if a.Confirmed {
			confirmed++
		}
	}
	if judged == 0 {
		res.Fail(lookupErr)
	}
	res.Summary = fmt.Sprintf("%d of %d MX addresses have forward-confirmed reverse DNS", confirmed, len(data.Addresses))
	if len(data.Addresses) == 1 && confirmed == 1 {
		res.Summary = fmt.Sprintf("%s → %s → confirmed", data.Addresses[0].Address, data.Addresses[0].ConfirmedName)
	}
}

// fcrdns fills in a's PTR names and whether one of them resolves back.
// The forward lookups of all names run at once; only the family of the
// address is asked.
func fcrdns(ctx context.Context, r dnsx.Resolver, a *Address) {
	names, _, err := dnsx.PTR(ctx, r, a.Address)
	if err != nil {
		a.err, a.Error = err, checks.Message(err)
		return
	}
	for _, n := range names {
		n = hostName(n)
		if n != "" && !slices.Contains(a.PTR, n) {
			a.PTR = append(a.PTR, n)
		}
	}
	check := a.PTR
	if len(check) > maxPTRNames {
		check = check[:maxPTRNames]
	}
	qtype := dns.TypeA
	if a.Address.Is6() {
		qtype = dns.TypeAAAA
	}
	type fwd struct {
		addrs []netip.Addr
		err   error
	}
	out := make([]fwd, len(check))
	var wg sync.WaitGroup
	for i, name := range check {
		wg.Go(func() {
			ans, err := r.Query(ctx, dnsx.Fqdn(name), qtype)
			if errors.Is(err, dnsx.ErrBadName) {
				return // cannot resolve back: a mismatch, not a DNS failure
			}
			if err != nil {
				out[i].err = err
				return
			}
			for _, rr := range ans.Records() {
				switch v := rr.(type) {
				case *dns.A:
					if ip, ok := netip.AddrFromSlice(v.A.To4()); ok {
						out[i].addrs = append(out[i].addrs, ip)
					}
				case *dns.AAAA:
					if ip, ok := netip.AddrFromSlice(v.AAAA.To16()); ok {
						out[i].addrs = append(out[i].addrs, ip.Unmap())
					}
				}
			}
		})
	}
	wg.Wait()
	for i, name := range check {
		if slices.Contains(out[i].addrs, a.Address) {
			a.Confirmed, a.ConfirmedName = true, name
			a.err, a.Error = nil, ""
			return
		}
		switch {
		case out[i].err != nil:
			if a.err == nil {
				a.err, a.Error = out[i].err, checks.Message(out[i].err)
			}
			a.mismatch = append(a.mismatch, name+" could not be resolved")
		case len(out[i].addrs) == 0:
			a.mismatch = append(a.mismatch, name+" has no "+dns.TypeToString[qtype]+" record")
		default:
			a.mismatch = append(a.mismatch, name+" resolves to "+joinAddrs(out[i].addrs))
		}
	}
}

// judgeAddress adds the findings for one address.
func judgeAddress(a *Address, res *checks.Result) {
	who := a.Address.String() + " (" + strings.Join(a.Hosts, ", ") + ")"
	switch {
	case a.Confirmed:
		if why := genericPTR(a.ConfirmedName, a.Address); why != "" {
			res.Add(checks.Finding{
				Code:     "ptr.generic",
				Severity: checks.SeverityInfo,
				Message:  fmt.Sprintf("the reverse name of %s, %s, looks generic (%s); some receivers treat such names like those of home connections", who, a.ConfirmedName, why),
				Hint:     fmt.Sprintf("Ask the owner of the address block to set the PTR of %s to the mail host's own name, such as %s.", a.Address, a.Host),
			})
		}
	case a.err != nil && len(a.PTR) == 0:
		res.Add(checks.Finding{
			Code:     "ptr.lookup-failed",
			Severity: checks.SeverityWarn,
			Message:  fmt.Sprintf("the reverse DNS of %s could not be checked: %s", who, checks.Message(a.err)),
			Hint:     fmt.Sprintf("Make sure the servers for %s answer; then run the check again.", strings.TrimSuffix(dnsx.ReverseName(a.Address), ".")),
			Ref:      "RFC 1912 §2.1",
		})
	case len(a.PTR) == 0:
		res.Add(checks.Finding{
			Code:     "ptr.missing",
			Severity: checks.SeverityWarn,
			Message:  fmt.Sprintf("%s has no PTR record: it has no reverse DNS, which many receivers hold against a mail server", who),
			Hint:     fmt.Sprintf("Ask whoever runs the address block (hosting provider or ISP) to set the PTR of %s to %s, a name whose address record is %s.", a.Address, a.Host, a.Address),
			Ref:      "RFC 1912 §2.1",
		})
	case a.err != nil:
		res.Add(checks.Finding{
			Code:     "ptr.lookup-failed",
			Severity: checks.SeverityWarn,
			Message:  fmt.Sprintf("the reverse DNS of %s could not be confirmed: PTR %s, but %s", who, strings.Join(a.PTR, ", "), strings.Join(a.mismatch, "; ")),
			Hint:     "Make sure the DNS servers for the PTR name answer; then run the check again.",
			Ref:      "RFC 1912 §2.1",
		})
	default:
		res.Add(checks.Finding{
			Code:     "ptr.mismatch",
			Severity: checks.SeverityWarn,
			Message:  fmt.Sprintf("the reverse DNS of %s is not forward-confirmed: PTR %s, but %s", who, strings.Join(a.PTR, ", "), strings.Join(a.mismatch, "; ")),
			Hint:     fmt.Sprintf("Give the PTR name an address record for %s, or have the PTR changed to a name that has one (such as %s).", a.Address, a.Host),
			Ref:      "RFC 1912 §2.1; RFC 8601 §3",
		})
	}
}
