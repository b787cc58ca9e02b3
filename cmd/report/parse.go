package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dmarcreport"
	"github.com/relayctl/relayctl/checks/mailin"
	"github.com/relayctl/relayctl/checks/reportstore"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/report"
)

// ParseOptions is what "report parse" runs with.
type ParseOptions struct {
	IO      *cmdutil.IOStreams
	Globals *cmdutil.Globals
	// Inputs are files, folders (a Maildir, a folder of .xml.gz), mbox
	// files and "-" for standard input.
	Inputs []string
	// MaxSize bounds what one input may decompress to.
	MaxSize int64
	// DB, when set, is the SQLite file the records are stored in.
	DB string
}

const parseLong = `Read the reports receivers send back to a domain's owner and print one
record per row: a DMARC aggregate report's <record> (with the report's
metadata and published policy), a DMARC failure report (RFC 6591), an
SMTP TLS report's policy (RFC 8460).

Inputs are report files (.xml, .xml.gz, .zip, .json, .json.gz), emails
carrying them as attachments (.eml, any transfer encoding, forwarded
as message/rfc822), Maildir folders, mbox files and "-" for standard
input (the default); a folder is walked. The kind of each input is read
from its content, never from its name.

Oddities the meaning survives (upper-case PASS, an empty <reason>,
invalid UTF-8, gzip with junk after the stream) are warned about on
stderr. An input that is no report is counted and warned about. A
report that cannot be read (truncated XML, a DTD, a damaged archive, a
decompressed size past --max-size) is an error for that input; every
other input is still read.

Exit codes: 0 every report was read; 2 an input could not be read at
all (a missing file); 3 a report was corrupt or too large.`

// NewCmdParse returns "report parse". runF replaces the run function in
// tests of the flag wiring.
func NewCmdParse(ios *cmdutil.IOStreams, g *cmdutil.Globals, runF func(context.Context, *ParseOptions) error) *cobra.Command {
	opts := &ParseOptions{IO: ios, Globals: g, MaxSize: dmarcreport.DefaultMaxSize}
	cmd := &cobra.Command{
		Use:   "parse [FILE|DIR|-]...",
		Short: "Parse DMARC aggregate and failure reports and TLS reports into records",
		Long:  parseLong,
		Example: `  relayctl report parse ~/Maildir/.DMARC
  relayctl report parse google.com!example.com!1764547200!1764633599.zip -o json
  relayctl report parse reports/ -o ndjson | jq 'select(.dkim != "pass" and .spf != "pass")'
  relayctl report parse --db reports.sqlite ~/Maildir/.DMARC`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Inputs = args
			if len(opts.Inputs) == 0 {
				opts.Inputs = []string{mailin.Stdin}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runParse(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.Var(sizeValue{&opts.MaxSize}, "max-size", "bound on what one input may decompress to (a zip bomb stops there), e.g. 50MiB")
	f.StringVar(&opts.DB, "db", "", "also store the records in this SQLite `FILE` (created if missing); a report read twice is stored once")
	return cmd
}

// readOptions are the parts of a run that read reports.
type readOptions struct {
	IO      *cmdutil.IOStreams
	Inputs  []string
	MaxSize int64
	// NextInput, when set, is called before each input's records.
	NextInput func()
}

// readReports reads every input and calls onRecord with each record, as
// it is read. Problems go to stderr; the tally counts them. It returns
// an error only when the run must stop (ctx, onRecord failing).
func readReports(ctx context.Context, o readOptions, t *tally, onRecord func(dmarcreport.Record) error) error {
	var stop error
	var stdin io.Reader
	if slices.Contains(o.Inputs, mailin.Stdin) {
		stdin = o.IO.Stdin(ctx, "reports")
	}
	err := mailin.Scan(ctx, o.Inputs, stdin, func(in mailin.Input) error {
		t.Inputs++
		if o.NextInput != nil {
			o.NextInput()
		}
		if in.Err != nil {
			t.Unreadable++
			fmt.Fprintf(o.IO.ErrOut, "relayctl: %s\n", cmdutil.ErrorText(in.Err))
			return nil
		}
		return parseInput(ctx, o, t, in.Source, in.Data, onRecord, &stop)
	})
	if stop != nil {
		return stop
	}
	return err
}

// parseInput parses one input's bytes, says its problems on stderr and
// counts them; stop receives onRecord's error.
func parseInput(ctx context.Context, o readOptions, t *tally, source string, data []byte, onRecord func(dmarcreport.Record) error, stop *error) error {
	res, err := dmarcreport.Parse(ctx, data, dmarcreport.Options{MaxSize: o.MaxSize}, func(r dmarcreport.Record) error {
		r.SetSource(source)
		t.add(r)
		if err := onRecord(r); err != nil {
			*stop = err
			return err
		}
		return nil
	})
	t.Reports += res.Reports
	for _, w := range res.Warnings {
		t.Warnings++
		fmt.Fprintf(o.IO.ErrOut, "relayctl: warning: %s: %s\n", source, w)
	}
	for _, p := range res.Problems {
		if errors.Is(p, dmarcreport.ErrNotReport) {
			t.NotReports++
			fmt.Fprintf(o.IO.ErrOut, "relayctl: warning: %s: not a report: %s\n", source, checks.Message(p))
			continue
		}
		t.Corrupt++
		fmt.Fprintf(o.IO.ErrOut, "relayctl: %s: %s\n", source, checks.Message(p))
	}
	return err
}

// exit is the exit code of a run that read everything it could:
// an unreadable input is bad input (2), a corrupt report leaves the run
// incomplete (3).
func (t *tally) exit() error {
	switch {
	case t.Unreadable > 0:
		return cmdutil.ExitWith(report.ExitUsage)
	case t.Corrupt > 0:
		return cmdutil.ExitWith(report.ExitIncomplete)
	}
	return nil
}

func runParse(ctx context.Context, opts *ParseOptions) error {
	set, err := opts.Globals.Validate(ctx)
	if err != nil {
		return err
	}
	w := newRecordWriter(set.Format, opts.IO.Out, opts.IO.IsStdoutTTY())
	var t tally
	var werr error
	onRecord := func(r dmarcreport.Record) error {
		if err := w.Write(r); err != nil {
			werr = err
			return err
		}
		return nil
	}
	ro := readOptions{IO: opts.IO, Inputs: opts.Inputs, MaxSize: opts.MaxSize}
	if opts.DB != "" {
		store, err := reportstore.Open(ctx, opts.DB)
		if err != nil {
			return cmdutil.Usage("cannot use --db "+opts.DB, err)
		}
		onRecord = storing(ctx, store, &t, onRecord)
		ro.NextInput = store.NextInput
		err = readReports(ctx, ro, &t, onRecord)
		if cerr := store.Close(); err == nil && cerr != nil {
			return &cmdutil.IncompleteError{Err: cerr}
		}
		return t.finish(w, werr, err)
	}
	err = readReports(ctx, ro, &t, onRecord)
	return t.finish(w, werr, err)
}

// finish closes the output of a parse run and returns its exit.
func (t *tally) finish(w recordWriter, werr, err error) error {
	if werr != nil {
		return cmdutil.Incomplete("writing the records", werr)
	}
	if err != nil {
		return &cmdutil.IncompleteError{Err: err}
	}
	if err := w.Close(t); err != nil {
		return cmdutil.Incomplete("writing the records", err)
	}
	return t.exit()
}
