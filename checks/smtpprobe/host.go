package smtpprobe

import (
	"context"
	"net/netip"
	"sync"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// Command is Report.Command of "check smtp".
const Command = "check smtp"

// Probes probes every address of t (its A and AAAA records, or its IP
// literal) on every port of t, all at once, at most opt.Concurrency
// connections in flight. The probes come back in address order (as
// dnsx.Addrs gives them, IPv4 first), ports in the order of t.Ports().
// A DNS failure that left no address is returned as the error; a failure
// of one family beside addresses of the other is returned with them.
func Probes(ctx context.Context, r dnsx.Resolver, t Target, opt Options) ([]*Probe, []netip.Addr, error) {
	var addrs []netip.Addr
	var lookupErr error
	if t.Addr.IsValid() {
		addrs = []netip.Addr{t.Addr}
	} else {
		res, err := dnsx.Addrs(ctx, r, dnsx.Fqdn(t.Host))
		addrs, lookupErr = res.Addrs, err
	}
	ports := t.Ports()
	probes := make([]*Probe, len(addrs)*len(ports))
	sem := make(chan struct{}, opt.concurrency())
	var wg sync.WaitGroup
	for i, a := range addrs {
		for j, port := range ports {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				p := ProbeAddr(ctx, r, t.Host, a, port, opt)
				p.Defaulted = t.Port == 0
				probes[i*len(ports)+j] = p
			})
		}
	}
	wg.Wait()
	return probes, addrs, lookupErr
}

// CheckTarget probes t and reports it: one result per address and port
// (see Check), named "smtp ADDRESS:PORT". When the host name has no
// address the report has one result, "smtp HOST", with the DNS failure
// (status error) or smtp.host-unresolvable; when only one address family
// failed to resolve, that result comes first, beside the probes.
func CheckTarget(ctx context.Context, r dnsx.Resolver, t Target, opt Options) checks.Report {
	start := time.Now()
	rep := checks.Report{
		SchemaVersion: checks.SchemaVersion,
		Command:       Command,
		Target:        t.String(),
		Started:       opt.now().UTC(),
		Checks:        []checks.Result{},
	}
	probes, _, err := Probes(ctx, r, t, opt)
	if err != nil || len(probes) == 0 {
		res := checks.Result{Name: "smtp " + t.Host, Data: map[string]any{"host": t.Host}}
		switch {
		case err != nil && len(probes) == 0:
			fail(&res, err)
			res.Summary = "cannot resolve " + t.Host + ": " + checks.Message(err)
		case err != nil:
			fail(&res, err)
			res.Summary = "one address family of " + t.Host + " could not be resolved; probed the other"
			res.Add(finding(CodeHostLookupFailed, checks.SeverityWarn, "",
				"Make the host's DNS servers answer both A and AAAA questions.",
				"the address lookup of %s failed in part: %s", t.Host, checks.Message(err)))
		default:
			res.Summary = t.Host + " has no A or AAAA record"
			res.Add(finding(CodeHostUnresolvable, checks.SeverityFail, "RFC 5321 §5.1",
				"Check the host name, or add A/AAAA records for it.",
				"%s has no address (no A or AAAA record): there is nothing to connect to", t.Host))
		}
		res.DurationMS = checks.Since(start)
		res.Settle()
		rep.Checks = append(rep.Checks, res)
	}
	for _, p := range probes {
		rep.Checks = append(rep.Checks, Check(p, opt))
	}
	rep.DurationMS = checks.Since(start)
	rep.Settle()
	return rep
}

// DefaultTargetConcurrency bounds how many targets RunAll checks at once.
const DefaultTargetConcurrency = 4

// RunAll checks several targets, a few at once, and calls emit (when not
// nil) with each report in input order as soon as it and every one before
// it are done. emit runs on the caller's goroutine.
func RunAll(ctx context.Context, r dnsx.Resolver, targets []Target, opt Options, emit func(checks.Report)) []checks.Report {
	done := make([]chan checks.Report, len(targets))
	for i := range done {
		done[i] = make(chan checks.Report, 1)
	}
	sem := make(chan struct{}, DefaultTargetConcurrency)
	go func() {
		for i, t := range targets {
			sem <- struct{}{}
			go func() {
				defer func() { <-sem }()
				done[i] <- CheckTarget(ctx, r, t, opt)
			}()
		}
	}()
	out := make([]checks.Report, 0, len(targets))
	for _, ch := range done {
		rep := <-ch
		if emit != nil {
			emit(rep)
		}
		out = append(out, rep)
	}
	return out
}
