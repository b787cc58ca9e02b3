// Package bounce wires "relayctl bounce parse": inputs and flags to
// checks/bounce, records to the report package. It holds no parsing
// logic.
package bounce

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/checks/bounce"
	"github.com/relayctl/relayctl/checks/mailin"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/report"
)

// NewCmdBounce returns "relayctl bounce" and its subcommand.
func NewCmdBounce(ios *cmdutil.IOStreams, g *cmdutil.Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bounce <command>",
		Short: "Read bounce messages: why each recipient failed",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmdutil.Usagef("missing subcommand: parse")
		},
	}
	cmd.AddCommand(NewCmdParse(ios, g, nil))
	return cmd
}

// ParseOptions is what "bounce parse" runs with.
type ParseOptions struct {
	IO      *cmdutil.IOStreams
	Globals *cmdutil.Globals
	// Inputs are files, folders (Maildir or any tree of messages),
	// mbox files and "-" for standard input.
	Inputs []string
	// IncludeFeedback, IncludeVacation and IncludeDelivered add the
	// records that are no failure: complaints (ARF), auto-replies and
	// delivery reports.
	IncludeFeedback  bool
	IncludeVacation  bool
	IncludeDelivered bool
	// IncludeDelayed adds the records of delay notices (Action:
	// delayed): mail still being retried, which has not bounced.
	IncludeDelayed bool
	// SummaryOnly prints only the summary.
	SummaryOnly bool
	// Workers is the number of messages parsed at once (0: one per CPU).
	Workers int
}

// NewCmdParse returns "bounce parse". runF replaces the run function in
// tests of the flag wiring.
func NewCmdParse(ios *cmdutil.IOStreams, g *cmdutil.Globals, runF func(context.Context, *ParseOptions) error) *cobra.Command {
	opts := &ParseOptions{IO: ios, Globals: g}
	cmd := &cobra.Command{
		Use:   "parse [FILE|DIR|-]...",
		Short: "Parse bounce messages into one record per failed recipient",
		Long: `Read bounce messages and print one record per recipient that could not be
reached: the reason (Sisimai's reason names), whether the failure is hard
(permanent), the enhanced status code, the diagnostic and the facts the
report carried.

Inputs are single messages (.eml), Maildir folders (cur/ and new/), mbox
files and "-" for standard input (the default); a folder is walked. LF,
CRLF and CR line endings, any charset and transfer encoding are read.

Feedback reports (ARF), auto-replies, delivery reports and delay notices
(mail still being retried) are counted but not shown unless asked for. The table ends with a summary by reason, by
hard/soft and by recipient domain; --summary prints only that.

A message that is not a bounce yields no record; a corrupt or truncated
one is warned about on stderr and the rest goes on: at the end, each kind
of damage once, with the number of messages and the first of them. Exit
code 2 means an input could not be read at all. A run of more than a
second shows its progress on stderr when that is a terminal.`,
		Example: `  relayctl bounce parse ~/Maildir/.Bounces
  relayctl bounce parse bounces.mbox -o ndjson | jq -r 'select(.hard) | .recipient'
  relayctl bounce parse --summary -o json bounces/
  cat message.eml | relayctl bounce parse -`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Inputs = args
			if len(opts.Inputs) == 0 {
				opts.Inputs = []string{mailin.Stdin}
			}
			if opts.Workers < 0 {
				return cmdutil.Usagef("invalid --workers %d: want 0 (one per CPU) or more", opts.Workers)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runParse(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opts.IncludeFeedback, "include-feedback", false, "also print feedback (ARF complaint) records")
	f.BoolVar(&opts.IncludeVacation, "include-vacation", false, "also print auto-reply (out of office) records")
	f.BoolVar(&opts.IncludeDelivered, "include-delivered", false, "also print delivery-report records")
	f.BoolVar(&opts.IncludeDelayed, "include-delayed", false, "also print delay-notice records (Action: delayed, still being retried)")
	f.BoolVar(&opts.SummaryOnly, "summary", false, "print only the summary: by reason, hard/soft, recipient domain")
	f.IntVar(&opts.Workers, "workers", 0, "messages parsed at once (default: one per CPU)")
	return cmd
}

// shown says whether a record is printed under the include flags.
func (o *ParseOptions) shown(r *bounce.Record) bool {
	switch r.Kind() {
	case bounce.KindFeedback:
		return o.IncludeFeedback
	case bounce.KindVacation:
		return o.IncludeVacation
	case bounce.KindDelivered:
		return o.IncludeDelivered
	case bounce.KindDelayed:
		return o.IncludeDelayed
	}
	return true
}

func runParse(ctx context.Context, opts *ParseOptions) error {
	set, err := opts.Globals.ValidateRecords(ctx, "bounce parse")
	if err != nil {
		return err
	}
	// Records are written through a buffer, flushed whenever the
	// parsers have nothing ready (Options.Idle) and at the end: a write
	// per record would cost a system call each, and to a pipe a wakeup
	// of the reader each. At a terminal they go straight out, in turn
	// with the progress line.
	out := opts.IO.Out
	var buf *bufio.Writer
	if !opts.IO.IsStdoutTTY() {
		buf = bufio.NewWriterSize(out, 64<<10)
		out = buf
	}
	var werr error // the first error writing the records
	flush := func() error {
		if buf != nil && werr == nil {
			werr = buf.Flush()
		}
		return werr
	}
	w, err := report.NewBounceWriter(set.Format, out, cmdutil.TableOptions(opts.IO, opts.Globals), opts.SummaryOnly)
	if err != nil {
		return &cmdutil.UsageError{Err: err}
	}
	var stdin io.Reader
	if slices.Contains(opts.Inputs, mailin.Stdin) {
		stdin = opts.IO.Stdin(ctx, "messages")
	}
	// A second's grace: a few messages show no progress.
	prog := opts.IO.StartProgress(cmdutil.ProgressOptions{Unit: "messages", Counters: []string{"records", "warnings"}, Delay: time.Second})
	var sum bounce.Summary
	var warn warnings
	// What goes to stderr (inputs that could not be read, then the
	// warnings) is said at the end, after the progress line.
	var unreadable []error
	err = bounce.Run(ctx, opts.Inputs, stdin, bounce.Options{Workers: opts.Workers, Idle: flush}, func(it bounce.Item) error {
		sum.AddMessage(it)
		prog.Inc()
		if it.Err != nil {
			unreadable = append(unreadable, it.Err)
			return nil
		}
		if p := it.Result.Problem; p != nil {
			warn.add(cmdutil.ErrorText(p), it.Source)
			prog.Set("warnings", warn.total)
		}
		for i := range it.Result.Records {
			r := &it.Result.Records[i]
			if !opts.shown(r) {
				continue
			}
			r.Source = it.Source
			sum.AddRecord(r)
			prog.Print(func() { werr = w.Write(r) })
			if werr != nil {
				return werr
			}
		}
		prog.Set("records", sum.Records)
		return nil
	})
	prog.Finish()
	// Said however the run ended.
	for _, e := range unreadable {
		fmt.Fprintf(opts.IO.ErrOut, "relayctl: %s\n", cmdutil.ErrorText(e))
	}
	warn.print(opts.IO.ErrOut)
	if err != nil {
		// What was parsed before the end is still written.
		if flush(); werr != nil {
			return cmdutil.Incomplete("writing the records", werr)
		}
		return &cmdutil.IncompleteError{Err: err}
	}
	sum.Finish()
	if werr = w.Close(&sum); werr == nil {
		flush()
	}
	if werr != nil {
		return cmdutil.Incomplete("writing the records", werr)
	}
	if len(unreadable) > 0 {
		// docs/contract.md: an unreadable file is bad input. Everything readable
		// was still parsed and printed.
		return cmdutil.ExitWith(report.ExitUsage)
	}
	return nil
}

// warnings counts the messages warned about (corrupt, truncated) by
// what is wrong, so that a big mbox with hundreds of truncated messages
// says so in one line rather than hundreds.
type warnings struct {
	kinds []*warning // in the order first seen
	byMsg map[string]*warning
	total int
}

type warning struct {
	msg     string
	count   int
	sources []string // the first maxWarnSources
}

// maxWarnSources is how many messages a warning names.
const maxWarnSources = 3

func (ws *warnings) add(msg, source string) {
	ws.total++
	w := ws.byMsg[msg]
	if w == nil {
		if ws.byMsg == nil {
			ws.byMsg = map[string]*warning{}
		}
		w = &warning{msg: msg}
		ws.byMsg[msg] = w
		ws.kinds = append(ws.kinds, w)
	}
	w.count++
	if len(w.sources) < maxWarnSources {
		w.sources = append(w.sources, source)
	}
}

// print writes one line per kind of warning: a warning about one
// message names it first, as ever ("warning: box#3: message is
// truncated…"); one about several counts them and names the first few.
func (ws *warnings) print(w io.Writer) {
	for _, k := range ws.kinds {
		if k.count == 1 {
			fmt.Fprintf(w, "relayctl: warning: %s: %s\n", k.sources[0], k.msg)
			continue
		}
		names := strings.Join(k.sources, ", ")
		if more := k.count - len(k.sources); more > 0 {
			names += fmt.Sprintf(" and %d more", more)
		}
		fmt.Fprintf(w, "relayctl: warning: %s: %d messages (%s)\n", k.msg, k.count, names)
	}
}
