package check

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/domain"
	"github.com/relayctl/relayctl/checks/spf"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/report"
)

// Options is what every check command runs with: its streams, the global
// flags, the domains as typed and the audit options its own flags set.
type Options struct {
	IO      *cmdutil.IOStreams
	Globals *cmdutil.Globals
	// Domains as the user typed them; run normalises them.
	Domains []string
	Audit   domain.Options
	// Resolver, when set, replaces the one built from the global flags
	// (tests point it at a loopback server).
	Resolver dnsx.Resolver
	// State is --state and --fail-on-change (check domain only).
	State cmdutil.StateFlags
	// Bulk is "-", --file, --shard and --concurrency (bulk.go).
	Bulk Bulk
}

// run checks every domain, prints each report as the output format
// wants, and returns the error that carries the exit code.
func run(ctx context.Context, opts *Options) error {
	set, err := opts.Globals.Validate(ctx)
	if err != nil {
		return err
	}
	domains := make([]string, len(opts.Domains))
	for i, d := range opts.Domains {
		if d == "-" {
			domains[i] = d
			continue
		}
		n, err := dnsx.Domain(d)
		if err != nil {
			if !evaluatesToNone(opts, d) {
				return cmdutil.Usagef("invalid domain %w", err)
			}
			n = strings.TrimSpace(d)
		}
		domains[i] = n
	}
	if opts.Bulk.on {
		if domains, err = opts.Bulk.inputs(ctx, opts.IO, domains); err != nil {
			return err
		}
	}
	for _, s := range opts.Audit.Selectors {
		if err := validSelector(s); err != nil {
			return err
		}
	}
	r := opts.Resolver
	if r == nil {
		c, err := opts.Globals.Resolver()
		if err != nil {
			return err
		}
		r = c
	}

	st, err := opts.State.Open(opts.IO.ErrOut, set.Ignore)
	if err != nil {
		return err
	}
	if !opts.Bulk.on {
		return printReports(opts.IO, opts.Globals, set, st, len(domains) == 1, nil, func(emit func(checks.Report)) {
			domain.RunAll(ctx, r, domains, opts.Audit, emit)
		})
	}
	prog := opts.IO.StartProgress(cmdutil.ProgressOptions{Total: len(domains), Unit: "domains", Delay: time.Second})
	done := func(reps []checks.Report) error {
		prog.Finish()
		return summary(summaryWriter(opts.IO, set.Format), reps)
	}
	return printReports(opts.IO, opts.Globals, set, st, false, done, func(emit func(checks.Report)) {
		domain.RunAll(ctx, r, domains, opts.Audit, func(rep checks.Report) {
			prog.Print(func() { emit(rep) })
			prog.Inc()
		})
	})
}

// printReports runs each, which calls emit once per finished target, in
// order; it filters and prints every report as set.Format wants (single:
// the run has one target) and returns the error that carries the exit
// code: the gate's verdict, or exit 3 when the output could not be
// written. st (nil for none) adds what changed since the previous run to
// each report and saves the verdicts once all are written. done (nil for
// none) gets every report as printed once the writer is closed (a bulk
// run's summary).
func printReports(ios *cmdutil.IOStreams, g *cmdutil.Globals, set cmdutil.Settings, st *cmdutil.StateRun, single bool, done func([]checks.Report) error, each func(emit func(checks.Report))) error {
	w, err := report.NewWriter(set.Format, ios.Out, cmdutil.TableOptions(ios, g), single)
	if err != nil {
		return &cmdutil.UsageError{Err: err}
	}
	var reps []checks.Report
	var werr error
	pol, now := g.Policy(), time.Now()
	each(func(rep checks.Report) {
		// The one place reports are judged against the policy file and
		// --ignore before they are rendered.
		pol.Apply(&rep, now)
		report.Filter(&rep, set.Ignore)
		st.Observe(&rep)
		reps = append(reps, rep)
		if werr == nil {
			werr = w.Write(rep)
		}
	})
	if err := w.Close(); werr == nil {
		werr = err
	}
	if done != nil && werr == nil {
		werr = done(reps)
	}
	if werr != nil {
		return cmdutil.Incomplete("writing the report", werr)
	}
	if err := st.Save(); err != nil {
		return err
	}
	return cmdutil.ExitWith(st.Exit(report.ExitCode(reps, set.FailOn)))
}

// validSelector checks a DKIM selector: one or more DNS labels (RFC 6376
// §3.1 allows dots in a selector).
func validSelector(s string) error {
	if s == "" || strings.HasSuffix(s, ".") {
		return cmdutil.Usagef("invalid --selector %q", s)
	}
	if _, err := dnsx.Domain(s + "._domainkey.example"); err != nil {
		return cmdutil.Usagef("invalid --selector %q: not a DNS label", s)
	}
	return nil
}

// evaluatesToNone reports whether d, which is no domain name, is still a
// question with an answer: check spf --ip computes check_host(), and
// check_host() of a domain RFC 7208 §4.3 calls malformed is none (the spf
// check says so without a query). Anything else keeps the usage error.
func evaluatesToNone(opts *Options, d string) bool {
	return opts.Audit.IP.IsValid() && slices.Equal(opts.Audit.Parts, []string{spf.Name}) &&
		spf.InvalidDomain(strings.TrimSpace(d)) != ""
}
