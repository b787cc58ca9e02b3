package blacklist

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsbl"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/report"
)

// Run checks every target against the selected lists and prints each
// report as soon as it and the ones before it are done.
func Run(ctx context.Context, opts *Options) error {
	set, err := opts.Globals.Validate(ctx)
	if err != nil {
		return err
	}
	if err := opts.validate(); err != nil {
		return err
	}
	sel, err := opts.selectLists()
	if err != nil {
		return err
	}
	in, err := opts.openInputs(ctx)
	if err != nil {
		return err
	}
	defer in.close()
	st, err := opts.State.Open(opts.IO.ErrOut, set.Ignore)
	if err != nil {
		return err
	}

	r := opts.Resolver
	if r == nil {
		c, err := opts.Globals.ResolverWith(func(cfg *dnsx.Config) {
			// Every name of a bulk run is asked once: a cache would only
			// grow. Concurrent asks for one name still share a query.
			cfg.NoCache = true
			cfg.MaxInFlight = opts.Concurrency
			// Thousands of questions to the same server: a socket each
			// would cost more than the questions.
			cfg.ReuseConns = true
		})
		if err != nil {
			return err
		}
		r = c
	}
	servers := resolverServers(r)
	opts.warn(servers, sel)
	resolver := dnsbl.ResolverCheck(servers, sel.Skipped)

	w, err := opts.writer(set.Format, in.single && !opts.ListedOnly)
	if err != nil {
		return &cmdutil.UsageError{Err: err}
	}
	checker := dnsbl.New(r, sel.Lists, dnsbl.Options{
		Command:     opts.command(),
		Keys:        opts.Keys,
		Concurrency: opts.Concurrency,
		Rate:        opts.Rate.PerSecond(),
		// A few targets known up front: the TXT reasons go out with the A
		// questions and the self-tests, so that one address takes one
		// round trip. A bulk run asks TXT only of the lists that list.
		EagerTXT: in.total > 0 && in.total <= eagerTXTMax,
		Resolver: &resolver,
		Extra:    opts.extra(r),
	})
	// A second's grace: a run of a few targets shows no progress.
	prog := opts.IO.StartProgress(cmdutil.ProgressOptions{Total: int(min(in.total, math.MaxInt)), Unit: "targets", Delay: time.Second})
	exit := report.ExitOK
	var tally dnsbl.Tally
	var werr error
	pol, now := opts.Globals.Policy(), time.Now()
	runErr := checker.Run(ctx, dnsbl.Targets(in.seq), func(rep checks.Report) {
		pol.Apply(&rep, now) // the policy file (checks/policy), then --ignore
		report.Filter(&rep, set.Ignore)
		// A bad line is no target: it has no verdict to remember.
		changed := badLine(rep) == "" && st.Observe(&rep)
		exit = worseExit(exit, report.ExitCode([]checks.Report{rep}, set.FailOn))
		tally.Add(rep)
		if bad := badLine(rep); bad != "" {
			prog.Print(func() { fmt.Fprintf(opts.IO.ErrOut, "relayctl: %s\n", bad) })
		}
		if !opts.ListedOnly || dnsbl.Shows(rep) || changed {
			prog.Print(func() {
				if werr == nil {
					werr = w.Write(rep)
				}
			})
		}
		prog.Inc()
	})
	prog.Finish()
	if err := w.Close(); werr == nil {
		werr = err
	}
	if werr == nil && tally.Targets > 1 {
		werr = opts.summary(set.Format, &tally)
	}
	if werr != nil {
		return cmdutil.Incomplete("writing the report", werr)
	}
	// The verdicts of an interrupted run are saved too: the targets it
	// reached have new verdicts, the others keep theirs.
	if err := st.Save(); err != nil {
		return err
	}
	switch {
	case runErr == nil:
	case ctx.Err() != nil:
		return &cmdutil.IncompleteError{Err: fmt.Errorf("interrupted after %d targets", prog.Done())}
	default:
		return &cmdutil.UsageError{Err: runErr}
	}
	if tally.BadInput > 0 && exit != report.ExitGate {
		// Bad input outranks an incomplete check; a listing outranks it.
		exit = report.ExitUsage
	}
	return cmdutil.ExitWith(st.Exit(exit))
}

// extra is opts.Extra bound to the run's resolver (nil for none).
func (o *Options) extra(r dnsx.Resolver) func(context.Context, dnsbl.Target) []checks.Result {
	if o.Extra == nil {
		return nil
	}
	return func(ctx context.Context, t dnsbl.Target) []checks.Result { return o.Extra(ctx, r, t) }
}

// badLine is the reason a report is for a bad line of input, or "".
func badLine(rep checks.Report) string {
	for _, c := range rep.Checks {
		if _, ok := c.Data.(*dnsbl.InputData); ok {
			return c.Error
		}
	}
	return ""
}

// eagerTXTMax is the most targets a run may have for its TXT questions
// to go out with its A questions (dnsbl.Options.EagerTXT).
const eagerTXTMax = 16

// worseExit combines the exit codes of two reports: a gate failure
// outranks an incomplete check, which outranks success (docs/contract.md).
func worseExit(a, b report.Exit) report.Exit {
	rank := func(e report.Exit) int {
		switch e {
		case report.ExitGate:
			return 2
		case report.ExitIncomplete:
			return 1
		}
		return 0
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}

func (o *Options) validate() error {
	// Each question in flight may hold a socket: stay well under the
	// usual limit of 1024 open files.
	if o.Concurrency < 1 || o.Concurrency > 512 {
		return cmdutil.Usagef("invalid --concurrency %d: want 1 to 512", o.Concurrency)
	}
	if !o.Domains && o.MaxAddresses == 0 {
		return cmdutil.Usagef("invalid --max-addresses 0: want at least 1")
	}
	getenv := o.IO.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if o.Keys.DQS == "" {
		o.Keys.DQS = getenv("RELAYCTL_DQS_KEY")
	}
	if o.Keys.Abusix == "" {
		o.Keys.Abusix = getenv("RELAYCTL_ABUSIX_KEY")
	}
	return nil
}

// catalog is the built-in catalog with the --lists-file lists merged in.
func (o *Options) catalog() ([]dnsbl.List, error) {
	cat := dnsbl.Builtin()
	for _, path := range o.ListsFiles {
		f, err := openFile(path)
		if err != nil {
			return nil, cmdutil.Usage("cannot read --lists-file "+path, err)
		}
		ls, err := dnsbl.ParseLists(f, path)
		f.Close()
		if err != nil {
			return nil, &cmdutil.UsageError{Err: err}
		}
		cat = dnsbl.Merge(cat, ls)
	}
	return cat, nil
}

func (o *Options) selectLists() (dnsbl.Selection, error) {
	cat, err := o.catalog()
	if err != nil {
		return dnsbl.Selection{}, err
	}
	sel, err := dnsbl.Select(cat, dnsbl.SelectOptions{Names: o.Lists, Exclude: o.Exclude, Keys: o.Keys, Kinds: o.kinds()})
	if err != nil {
		return sel, &cmdutil.UsageError{Err: err}
	}
	if len(sel.Lists) == 0 {
		why := "every list was excluded"
		if len(sel.Skipped) > 0 {
			why = "the lists need a key: " + skippedText(sel.Skipped)
		}
		return sel, cmdutil.Usagef("no list to check: %s", why)
	}
	return sel, nil
}

// resolverServers are the servers r asks, as configured (none for a
// resolver that is not a dnsx.Client).
func resolverServers(r dnsx.Resolver) []string {
	if c, ok := r.(*dnsx.Client); ok {
		return c.Servers()
	}
	return nil
}

// warn says on stderr what the user should know before trusting the
// results: lists skipped for want of a key, and a public resolver. Both
// are also in every report's resolver check, for scripts.
func (o *Options) warn(servers []string, sel dnsbl.Selection) {
	if len(sel.Skipped) > 0 {
		fmt.Fprintf(o.IO.ErrOut, "relayctl: note: skipped %s\n", skippedText(sel.Skipped))
	}
	for _, s := range servers {
		if who, ok := dnsbl.PublicResolver(s); ok {
			fmt.Fprintf(o.IO.ErrOut, "relayctl: warning: resolver %s is %s, a public resolver: Spamhaus, URIBL, SURBL and other lists refuse public resolvers or answer them \"not listed\"; ask through a resolver of your own (--resolver)\n", s, who)
		}
	}
}

func skippedText(skipped []dnsbl.Skip) string {
	var s []string
	for _, sk := range skipped {
		s = append(s, sk.List.Zone+" ("+sk.Reason+")")
	}
	return strings.Join(s, ", ")
}
