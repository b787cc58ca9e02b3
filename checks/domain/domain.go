// Package domain holds relayctl's registry of checks (registry.go: one
// entry per check, with its name, run function, RFCs, docs page and
// finding codes) and runs the domain audit from it: every part at once,
// for one domain or many, each result in the registry's order.
//
// Each check lives in its own package and follows its RFCs, which its
// entry lists; this package only schedules them.
package domain

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/smtpprobe"
)

// CommandDomain is the Report.Command of a full audit.
const CommandDomain = "check domain"

// DefaultConcurrency is how many domains RunAll checks at once.
const DefaultConcurrency = 4

// ErrUnknownPart is returned by ValidateParts.
var ErrUnknownPart = errors.New("domain: unknown part")

// Options says what to check and how.
type Options struct {
	// Parts selects a subset of Parts(); empty means all. Order does not
	// matter: the report always uses the order of Parts().
	Parts []string
	// Selectors are the DKIM selectors to look up; empty means the
	// dkim package probes its list of common ones.
	Selectors []string
	// IP, Sender and HELO are given to the spf part: with a valid IP it
	// also evaluates check_host() for that client (RFC 7208 §4).
	IP     netip.Addr
	Sender string
	HELO   string
	// RootCAs verifies the certificates of the HTTPS fetches (the
	// MTA-STS policy, the BIMI logo); nil means the system roots.
	// --ca FILE sets it (tlsx.LoadCA).
	RootCAs *x509.CertPool
	// Timeout bounds one network operation outside DNS, such as one
	// HTTPS fetch; each part's default when zero.
	Timeout time.Duration
	// BIMISelector names the BIMI assertion record ("default" when
	// empty).
	BIMISelector string
	// Command is Report.Command ("check domain" when empty).
	Command string
	// Concurrency bounds how many domains RunAll checks at once
	// (DefaultConcurrency when zero or less).
	Concurrency int
	// Now is the clock for Report.Started (time.Now when nil).
	Now func() time.Time
	// SMTP (check domain --smtp) probes every address of every MX host on
	// port 25 at once; each probe's result follows the parts, named
	// "smtp ADDRESS:25", with the certificate checked against the MX host
	// name, and the dane part matches the chains against the TLSA records.
	SMTP bool
	// SMTPOptions tunes those probes (EHLO name, --tls-skip-verify…);
	// its Roots and Timeout default to RootCAs and Timeout.
	SMTPOptions smtpprobe.Options

	// probes is the run's shared set of SMTP probes (set by run when SMTP).
	probes *probeSet
}

// ValidateParts reports a part name that is not one of Parts().
func ValidateParts(parts []string) error {
	all := Parts()
	for _, p := range parts {
		if !slices.Contains(all, p) {
			return checks.NewError("domain", ErrUnknownPart, fmt.Sprintf("unknown part %q", p))
		}
	}
	return nil
}

// selected returns the parts to run, in report order, without repeats.
func (o Options) selected() []string {
	all := Parts()
	if len(o.Parts) == 0 {
		return all
	}
	want := map[string]bool{}
	for _, p := range o.Parts {
		want[p] = true
	}
	var out []string
	for _, p := range all {
		if want[p] {
			out = append(out, p)
		}
	}
	return out
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// Run checks one domain (already normalised by dnsx.Domain): every
// selected part at once, each result in its fixed place. A part that
// panics becomes an error result instead of taking the run down.
func Run(ctx context.Context, r dnsx.Resolver, domain string, opt Options) checks.Report {
	return run(ctx, r, domain, opt, partRuns())
}

func run(ctx context.Context, r dnsx.Resolver, domain string, opt Options, reg map[string]PartFunc) checks.Report {
	start := time.Now()
	rep := checks.Report{
		SchemaVersion: checks.SchemaVersion,
		Command:       opt.Command,
		Target:        domain,
		Started:       opt.now().UTC(),
	}
	if rep.Command == "" {
		rep.Command = CommandDomain
	}
	parts := opt.selected()
	rep.Checks = make([]checks.Result, len(parts))
	var wg sync.WaitGroup
	var smtp []checks.Result
	if opt.SMTP {
		opt.probes = newProbeSet(r, opt.smtpOptions())
		wg.Go(func() { smtp = smtpResults(ctx, r, domain, opt.probes) })
	}
	for i, name := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep.Checks[i] = runPart(ctx, r, domain, name, opt, reg[name])
		}()
	}
	wg.Wait()
	rep.Checks = append(rep.Checks, smtp...)
	rep.DurationMS = checks.Since(start)
	rep.Settle()
	return rep
}

// runPart runs one part and makes sure its result is well formed.
func runPart(ctx context.Context, r dnsx.Resolver, domain, name string, opt Options, fn PartFunc) (res checks.Result) {
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			res = checks.Result{Name: name, Summary: "internal error"}
			// The stack goes nowhere a user sees; the message says enough
			// to report the bug.
			res.Fail(fmt.Errorf("relayctl bug: the %s check panicked: %v", name, p))
		}
		if res.Name == "" {
			res.Name = name
		}
		if res.DurationMS == 0 {
			res.DurationMS = checks.Since(start)
		}
		res.Settle()
	}()
	if fn == nil {
		res = checks.Result{Name: name, Summary: "not available in this build"}
		res.Fail(checks.NewError("domain", ErrUnknownPart, fmt.Sprintf("unknown part %q: not available in this build", name)))
		return res
	}
	return fn(ctx, r, domain, opt)
}

// RunAll checks several domains, at most opt.Concurrency at once, and
// calls emit (if not nil) with each report in input order, as soon as that
// report and every one before it are done — so a streaming writer starts
// printing before the last domain is finished, and the output order never
// depends on timing. emit is called from the caller's goroutine. RunAll
// returns every report, in input order.
func RunAll(ctx context.Context, r dnsx.Resolver, domains []string, opt Options, emit func(checks.Report)) []checks.Report {
	return runAll(ctx, r, domains, opt, emit, partRuns())
}

func runAll(ctx context.Context, r dnsx.Resolver, domains []string, opt Options, emit func(checks.Report), reg map[string]PartFunc) []checks.Report {
	n := opt.Concurrency
	if n <= 0 {
		n = DefaultConcurrency
	}
	sem := make(chan struct{}, n)
	done := make([]chan checks.Report, len(domains))
	for i := range done {
		done[i] = make(chan checks.Report, 1)
	}
	go func() {
		for i, d := range domains {
			// Domains start in input order, so the one the output waits
			// for next is never queued behind later ones.
			sem <- struct{}{}
			go func() {
				defer func() { <-sem }()
				done[i] <- run(ctx, r, d, opt, reg)
			}()
		}
	}()
	out := make([]checks.Report, 0, len(domains))
	for i := range domains {
		rep := <-done[i]
		out = append(out, rep)
		if emit != nil {
			emit(rep)
		}
	}
	return out
}
