// Package warmup wires "relayctl warmup plan" and "relayctl warmup check":
// flags and files to checks/warmup, its results to stdout and the exit
// code. It holds no planning or judging logic.
package warmup

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/checks/warmup"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/report"
)

// NewCmdWarmup returns "relayctl warmup" and its subcommands.
func NewCmdWarmup(ios *cmdutil.IOStreams, g *cmdutil.Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "warmup <command>",
		Short: "Plan the warm-up of a new IP or domain and judge each day's results",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmdutil.Usagef("missing subcommand: plan or check")
		},
	}
	cmd.AddCommand(NewCmdPlan(ios, g, nil, time.Now), NewCmdCheck(ios, g))
	return cmd
}

// PlanOptions is what "warmup plan" runs with.
type PlanOptions struct {
	IO      *cmdutil.IOStreams
	Globals *cmdutil.Globals
	Target  int64
	Start   string
	Days    int
	Split   string
	CSV     bool
}

// NewCmdPlan returns "warmup plan". now gives today's date when --start
// is not set; runF replaces the run in tests of the flag wiring.
func NewCmdPlan(ios *cmdutil.IOStreams, g *cmdutil.Globals, runF func(*PlanOptions) error, now func() time.Time) *cobra.Command {
	opts := &PlanOptions{IO: ios, Globals: g}
	cmd := &cobra.Command{
		Use:   "plan --target N [--start DATE] [--days D] [--split P=PCT,...]",
		Short: "Print a day-by-day warm-up schedule for a new IP or domain",
		Long: `Print a day-by-day volume schedule that takes a new sending IP address or
domain from 50 messages on day 1 to --target a day. The volume grows by the
same factor every day, never more than doubling (the ramps SendGrid, Mailgun,
Amazon SES and SparkPost publish; docs/warmup.md says how this one follows
them). Without --days the plan is as long as doubling needs, and at least 14
days; with --days too short to reach the target without more than doubling,
the plan says so and ends below it.

--split divides each day by mailbox provider (whole percentages adding up to
100). The same flags always give the same plan; --start defaults to today.

Output: a table; --csv for CSV (the global -o gives table, json or ndjson);
-o json is the plan file "warmup check --plan" reads.`,
		Example: `  relayctl warmup plan --target 100000 --start 2026-01-05
  relayctl warmup plan --target 50000 --split gmail=40,outlook=25,yahoo=15,other=20 --csv
  relayctl warmup plan --target 50000 --days 30 -o json > plan.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("target") {
				return cmdutil.Usagef("missing --target N: the daily volume to reach")
			}
			if !cmd.Flags().Changed("start") {
				opts.Start = now().Format(warmup.DateLayout)
			}
			if runF != nil {
				return runF(opts)
			}
			return runPlan(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.Int64Var(&opts.Target, "target", 0, "the daily `N`umber of messages to reach")
	f.StringVar(&opts.Start, "start", "", "the first `DATE` (YYYY-MM-DD; default today)")
	f.IntVar(&opts.Days, "days", 0, "the plan's length in `D`ays (default: what doubling needs, at least 14)")
	f.StringVar(&opts.Split, "split", "", "share by mailbox provider, as `PROVIDER=PERCENT,...` adding up to 100")
	f.BoolVar(&opts.CSV, "csv", false, "print the schedule as CSV instead of a table")
	return cmd
}

func runPlan(ctx context.Context, opts *PlanOptions) error {
	set, err := opts.Globals.Validate(ctx)
	if err != nil {
		return err
	}
	if opts.CSV && set.Format != report.FormatTable {
		return cmdutil.Usagef("--csv and -o %s: choose one", set.Format)
	}
	start, err := time.Parse(warmup.DateLayout, opts.Start)
	if err != nil {
		return cmdutil.Usagef("invalid --start %q: want a date such as 2026-01-05", opts.Start)
	}
	if opts.Days < 0 || opts.Days > warmup.MaxDays {
		return cmdutil.Usagef("invalid --days %d: want 1 to %d", opts.Days, warmup.MaxDays)
	}
	if opts.Target < 1 || opts.Target > warmup.MaxTarget {
		return cmdutil.Usagef("invalid --target %d: want 1 to %d", opts.Target, int64(warmup.MaxTarget))
	}
	var split []warmup.Share
	if opts.Split != "" {
		if split, err = warmup.ParseSplit(opts.Split); err != nil {
			return cmdutil.Usage("invalid --split", err)
		}
	}
	p, err := warmup.NewPlan(warmup.Options{Target: opts.Target, Start: start, Days: opts.Days, Split: split})
	if err != nil {
		return &cmdutil.UsageError{Err: err}
	}
	switch {
	case opts.CSV:
		err = report.WriteWarmupCSV(opts.IO.Out, p)
	case set.Format == report.FormatTable:
		err = report.WriteWarmupTable(opts.IO.Out, p)
	default:
		err = report.WriteWarmupJSON(opts.IO.Out, p, set.Format == report.FormatNDJSON)
	}
	if err != nil {
		return cmdutil.Incomplete("writing the plan", err)
	}
	return nil
}

// CheckOptions is what "warmup check" runs with.
type CheckOptions struct {
	IO         *cmdutil.IOStreams
	Globals    *cmdutil.Globals
	Plan       string
	Day        int
	Bounces    string
	Sent       int64
	Bounced    int64
	Complaints int64
	// set records which of the count flags were given.
	bouncedSet, complaintsSet bool
}

// NewCmdCheck returns "warmup check".
func NewCmdCheck(ios *cmdutil.IOStreams, g *cmdutil.Globals) *cobra.Command {
	opts := &CheckOptions{IO: ios, Globals: g}
	cmd := &cobra.Command{
		Use:   "check --plan FILE --day N --sent N [--bounces FILE | --bounced N] [--complaints N]",
		Short: "Say whether to advance, hold or back off after a day of the warm-up",
		Long: `Weigh one day's results against the thresholds mailbox providers publish and
say what to do tomorrow, with the reasons:

  advance   every rate is below its gate: send the next day's volume
  hold      complaints at 0.1% or more (Google's guideline), hard bounces at
            1% or more, soft bounces (throttling) at 5% or more, or less than
            90% of the day's volume sent: send the same volume again
  back-off  complaints at 0.3% or more (Google: never reach it) or hard
            bounces at 2% or more: go back to the day before's volume

--plan is the file "warmup plan -o json" wrote. --bounces reads the output of
"bounce parse -o ndjson" (or -o json): hard and soft bounces, and feedback
(ARF) records as complaints (run bounce parse with --include-feedback).
Without --bounces, --bounced counts hard bounces. --sent is required.

Exit codes: 0 advance or hold, 1 back-off; with --fail-on warn a hold exits 1
as well, with --fail-on never nothing does. 2 is bad usage or input.`,
		Example: `  relayctl warmup check --plan plan.json --day 3 --sent 200 --bounced 1 --complaints 0
  relayctl bounce parse --include-feedback day3/ -o ndjson > day3.ndjson
  relayctl warmup check --plan plan.json --day 3 --sent 200 --bounces day3.ndjson`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, name := range []string{"plan", "day", "sent"} {
				if !cmd.Flags().Changed(name) {
					return cmdutil.Usagef("missing --%s", name)
				}
			}
			opts.bouncedSet = cmd.Flags().Changed("bounced")
			opts.complaintsSet = cmd.Flags().Changed("complaints")
			return runCheck(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Plan, "plan", "", "the plan `FILE` (warmup plan -o json)")
	f.IntVar(&opts.Day, "day", 0, "the plan's day `N` the results are for")
	f.StringVar(&opts.Bounces, "bounces", "", "the day's bounce records `FILE` (bounce parse -o ndjson)")
	f.Int64Var(&opts.Sent, "sent", 0, "the `N`umber of messages sent that day")
	f.Int64Var(&opts.Bounced, "bounced", 0, "the `N`umber of hard bounces that day (instead of --bounces)")
	f.Int64Var(&opts.Complaints, "complaints", 0, "the `N`umber of spam complaints that day (instead of the feedback records in --bounces)")
	return cmd
}

func runCheck(ctx context.Context, opts *CheckOptions) error {
	set, err := opts.Globals.Validate(ctx)
	if err != nil {
		return err
	}
	if opts.Bounces != "" && opts.bouncedSet {
		return cmdutil.Usagef("--bounces and --bounced both count the bounces: choose one")
	}
	p, err := readFile("--plan", opts.Plan, warmup.ReadPlan)
	if err != nil {
		return err
	}
	r := warmup.Results{Sent: opts.Sent, HardBounces: opts.Bounced, Complaints: opts.Complaints}
	if opts.Bounces != "" {
		c, err := readFile("--bounces", opts.Bounces, warmup.ReadBounces)
		if err != nil {
			return err
		}
		r.HardBounces, r.SoftBounces = c.Hard, c.Soft
		if !opts.complaintsSet {
			r.Complaints = c.Complaints
		}
	}
	j, err := warmup.Judge(p, opts.Day, r)
	if err != nil {
		return &cmdutil.UsageError{Err: err}
	}
	if set.Format == report.FormatTable {
		err = report.WriteWarmupJudgement(opts.IO.Out, j)
	} else {
		err = report.WriteWarmupJSON(opts.IO.Out, j, set.Format == report.FormatNDJSON)
	}
	if err != nil {
		return cmdutil.Incomplete("writing the verdict", err)
	}
	return cmdutil.ExitWith(exitCode(j.Verdict, set.FailOn))
}

// exitCode maps a verdict to the exit code: back-off is a failure, hold
// a warning, under the --fail-on gate.
func exitCode(v warmup.Verdict, failOn report.FailOn) report.Exit {
	switch {
	case failOn == report.FailOnNever:
		return report.ExitOK
	case v == warmup.BackOff, v == warmup.Hold && failOn == report.FailOnWarn:
		return report.ExitGate
	}
	return report.ExitOK
}

// readFile opens the path of flag and reads it with read; its errors are
// UsageErrors that name the flag and the path once.
func readFile[T any](flag, path string, read func(io.Reader) (T, error)) (T, error) {
	var zero T
	f, err := os.Open(path)
	if err != nil {
		// The path is said once, not again by the *fs.PathError.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return zero, cmdutil.Usage("cannot read "+flag+" "+path, err)
	}
	defer f.Close()
	v, err := read(f)
	if err != nil {
		return zero, cmdutil.Usage("cannot use "+flag+" "+path, err)
	}
	return v, nil
}
