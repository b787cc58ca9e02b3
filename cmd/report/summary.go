package report

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/checks/dmarcreport"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/mailin"
	"github.com/relayctl/relayctl/checks/reportsummary"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/report"
)

// SummaryOptions is what "report summary" runs with.
type SummaryOptions struct {
	IO      *cmdutil.IOStreams
	Globals *cmdutil.Globals
	Inputs  []string
	MaxSize int64
	// DB summarises the records stored in this SQLite file instead of
	// (or with) the inputs.
	DB string
	// Since keeps the reports whose period ends within this long before
	// now (0: all).
	Since time.Duration
	// NoDNS skips the reverse DNS lookups.
	NoDNS bool
	// Resolver replaces the one the global flags make (tests).
	Resolver dnsx.Resolver
	// Now is the clock for --since (nil: time.Now).
	Now func() time.Time
}

// NewCmdSummary returns "report summary".
func NewCmdSummary(ios *cmdutil.IOStreams, g *cmdutil.Globals, runF func(context.Context, *SummaryOptions) error) *cobra.Command {
	opts := &SummaryOptions{IO: ios, Globals: g, MaxSize: dmarcreport.DefaultMaxSize}
	var since string
	cmd := &cobra.Command{
		Use:   "summary [FILE|DIR|-]... | --db FILE",
		Short: "Summarise reports per domain: pass rates, sources, what to fix before p=reject",
		Long: `Summarise DMARC aggregate, failure and TLS reports per policy domain and
period: messages, the DMARC pass rate and the SPF and DKIM aligned rates;
the sending sources grouped by organisation (each source address's
reverse DNS name, looked up concurrently through the resolver of
--resolver/--zone, mapped to "Google", "Amazon SES", "SendGrid",
"Microsoft 365"… by the domain it ends in), each with its volume and pass
rates; forwarders and mailing lists told apart from unauthenticated
sources; and the verdict: whether p=quarantine or p=reject would hurt
legitimate mail, and which sources to fix first, and how.

TLS reports add the failed sessions by result type and receiving MX.

The output is a report per policy domain (command "report summary"):
findings with report.* codes (docs/report.md), so --fail-on and --ignore
work as everywhere: --fail-on warn fails a CI job when an unauthenticated
source appears.

Inputs are read as "report parse" reads them; --db reads the records a
"report parse --db" stored, --since limits them to recent periods.`,
		Example: `  relayctl report summary ~/Maildir/.DMARC
  relayctl report summary --db reports.sqlite --since 30d
  relayctl report summary --no-dns -o json reports/ | jq '.checks[0].data'
  relayctl report summary --db reports.sqlite --since 7d --fail-on warn --ignore report.forwarded`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Inputs = args
			if since != "" {
				d, err := parseSince(since)
				if err != nil {
					return cmdutil.Usage("invalid --since "+since, err)
				}
				opts.Since = d
			}
			if len(opts.Inputs) == 0 && opts.DB == "" {
				opts.Inputs = []string{mailin.Stdin}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runSummary(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.Var(sizeValue{&opts.MaxSize}, "max-size", "bound on what one input may decompress to, e.g. 50MiB")
	f.StringVar(&opts.DB, "db", "", "summarise the records stored in this SQLite `FILE` by report parse --db")
	f.StringVar(&since, "since", "", "only reports whose period ends within this `DURATION` before now: 30d, 12h, 2w")
	f.BoolVar(&opts.NoDNS, "no-dns", false, "do not look up the sources' reverse DNS names (sources are shown by address)")
	return cmd
}

func runSummary(ctx context.Context, opts *SummaryOptions) error {
	set, err := opts.Globals.Validate(ctx)
	if err != nil {
		return err
	}
	var sum reportsummary.Summary
	var t tally
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	keep := func(r dmarcreport.Record) bool { return true }
	if opts.Since > 0 {
		cut := now().Add(-opts.Since)
		keep = func(r dmarcreport.Record) bool { return !recordEnd(r).Before(cut) }
	}
	if opts.DB != "" {
		if err := readStore(ctx, opts.DB, opts.Since, now(), func(r dmarcreport.Record) error {
			t.add(r)
			sum.Add(r)
			return nil
		}); err != nil {
			return err
		}
	}
	if len(opts.Inputs) > 0 {
		err := readReports(ctx, readOptions{IO: opts.IO, Inputs: opts.Inputs, MaxSize: opts.MaxSize}, &t, func(r dmarcreport.Record) error {
			if keep(r) {
				sum.Add(r)
			}
			return nil
		})
		if err != nil {
			return &cmdutil.IncompleteError{Err: err}
		}
	}
	ropt := reportsummary.Options{}
	if !opts.NoDNS {
		ropt.Resolver = opts.Resolver
		if ropt.Resolver == nil {
			c, err := opts.Globals.Resolver()
			if err != nil {
				return err
			}
			ropt.Resolver = c
		}
	}
	reps := sum.Reports(ctx, ropt)
	w, err := report.NewWriter(set.Format, opts.IO.Out, cmdutil.TableOptions(opts.IO, opts.Globals), len(reps) == 1)
	if err != nil {
		return &cmdutil.UsageError{Err: err}
	}
	pol := opts.Globals.Policy()
	for i := range reps {
		pol.Apply(&reps[i], now())
		report.Filter(&reps[i], set.Ignore)
		if err := w.Write(reps[i]); err != nil {
			return cmdutil.Incomplete("writing the report", err)
		}
	}
	if err := w.Close(); err != nil {
		return cmdutil.Incomplete("writing the report", err)
	}
	if t.Unreadable > 0 {
		return cmdutil.ExitWith(report.ExitUsage)
	}
	if code := report.ExitCode(reps, set.FailOn); code != report.ExitOK {
		return cmdutil.ExitWith(code)
	}
	return t.exit()
}

// recordEnd is the end of the period a record covers.
func recordEnd(r dmarcreport.Record) time.Time {
	switch r := r.(type) {
	case *dmarcreport.Aggregate:
		return r.End
	case *dmarcreport.TLSRPT:
		return r.EndDatetime
	case *dmarcreport.Failure:
		return r.ArrivalDate
	}
	return time.Time{}
}
