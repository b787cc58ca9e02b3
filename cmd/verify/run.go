package verify

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"time"

	"github.com/relayctl/relayctl/checks/address"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/smtpwire"
	"github.com/relayctl/relayctl/checks/verify"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/report"
)

func run(ctx context.Context, opts *Options) error {
	set, err := opts.Globals.ValidateRecords(ctx, "verify")
	if err != nil {
		return err
	}
	vo, err := opts.options(ctx)
	if err != nil {
		return err
	}
	done, err := opts.skipDone(ctx)
	if err != nil {
		return err
	}
	in, closeInputs, err := opts.inputs(ctx)
	if err != nil {
		return err
	}
	defer closeInputs()

	r := opts.Resolver
	if r == nil {
		c, err := opts.Globals.ResolverWith(func(cfg *dnsx.Config) {
			cfg.MaxInFlight = max(opts.Concurrency*4, 64)
		})
		if err != nil {
			return err
		}
		r = c
	}

	single := len(opts.Args) == 1 && opts.Args[0] != "-" && len(opts.Files) == 0
	w, err := report.NewVerifyWriter(set.Format, opts.IO.Out, opts.IO.ErrOut, cmdutil.TableOptions(opts.IO, opts.Globals), single)
	if err != nil {
		return err
	}
	prog := opts.IO.StartProgress(cmdutil.ProgressOptions{Unit: "addresses", Counters: []string{"connections"}, Delay: time.Second, Off: opts.NoProgress})
	v := verify.New(r, vo)
	var sum verify.Summary
	var bad []string
	var werr error
	seq := func(yield func(verify.Input) bool) {
		for x, err := range in {
			if err != nil {
				var le *verify.LineError
				if errors.As(err, &le) {
					bad = append(bad, le.Message())
					prog.Print(func() { fmt.Fprintf(opts.IO.ErrOut, "relayctl: %s\n", cmdutil.ErrorText(err)) })
					continue
				}
				werr = &cmdutil.UsageError{Err: err}
				return
			}
			if done[x.Address] {
				sum.Skipped++
				continue
			}
			if !yield(x) {
				return
			}
		}
	}
	runErr := v.Run(ctx, seq, func(rec *verify.Record) error {
		if len(set.Ignore) > 0 {
			rec.Drop(func(code string) bool { return report.Ignored(code, set.Ignore) })
		}
		sum.Add(rec)
		var err error
		prog.Print(func() { err = w.Write(rec) })
		prog.Set("connections", v.Connections())
		prog.Inc()
		return err
	})
	prog.Finish()
	sum.Connections = v.Connections()
	sum.Notes = v.Notes()
	for _, n := range sum.Notes {
		fmt.Fprintf(opts.IO.ErrOut, "relayctl: note: %s (%s)\n", n.Message, n.Hint)
	}
	if err := w.Close(&sum); err != nil && werr == nil {
		werr = cmdutil.Incomplete("writing the output", err)
	}
	switch {
	case werr != nil:
		return werr
	case ctx.Err() != nil:
		return cmdutil.Incomplete(fmt.Sprintf("interrupted after %d addresses (resume with --skip-done on the NDJSON output)", sum.Total), ctx.Err())
	case runErr != nil:
		return cmdutil.Incomplete("writing the output", runErr)
	}
	exit := exitCode(&sum, set.FailOn)
	if len(bad) > 0 && exit != report.ExitGate {
		exit = report.ExitUsage
	}
	return cmdutil.ExitWith(exit)
}

// exitCode: 1 when an address is undeliverable (or risky, with --fail-on
// warn), else 3 when one is unknown, else 0.
func exitCode(s *verify.Summary, failOn report.FailOn) report.Exit {
	switch {
	case failOn != report.FailOnNever && s.Verdicts[verify.Undeliverable] > 0:
		return report.ExitGate
	case failOn == report.FailOnWarn && s.Verdicts[verify.Risky] > 0:
		return report.ExitGate
	case s.Verdicts[verify.Unknown] > 0:
		return report.ExitIncomplete
	}
	return report.ExitOK
}

func (o *Options) options(ctx context.Context) (verify.Options, error) {
	vo := verify.Options{
		SMTP: o.SMTP, From: o.From, EHLO: o.EHLO, Port: o.Port, Dial: o.Dial,
		Timeout: o.Globals.Timeout, Retries: o.Retries, RetryWait: o.RetryWait,
		PerDomain: o.PerDomain, Rate: o.Rate.Limit(), Concurrency: o.Concurrency,
		MaxRcpt: o.MaxRcpt, NoTLS: o.NoTLS,
	}
	switch {
	case o.Concurrency < 1 || o.Concurrency > 512:
		return vo, cmdutil.Usagef("invalid --concurrency %d: want 1 to 512", o.Concurrency)
	case o.PerDomain < 1 || o.PerDomain > 16:
		return vo, cmdutil.Usagef("invalid --per-domain %d: want 1 to 16", o.PerDomain)
	case o.Retries < 0 || o.Retries > 10:
		return vo, cmdutil.Usagef("invalid --retries %d: want 0 to 10", o.Retries)
	case o.RetryWait < 0:
		return vo, cmdutil.Usagef("invalid --retry-wait %s: want 0 or more", o.RetryWait)
	case o.MaxRcpt < 1 || o.MaxRcpt > 1000:
		return vo, cmdutil.Usagef("invalid --max-rcpt %d: want 1 to 1000", o.MaxRcpt)
	case o.Port < 1 || o.Port > 65535:
		return vo, cmdutil.Usagef("invalid --smtp-port %d", o.Port)
	}
	if o.SMTP {
		if o.From == "" {
			return vo, cmdutil.Usagef("--smtp needs --from ADDRESS: a real address of yours for MAIL FROM (many servers refuse the null sender's RCPTs)")
		}
		a, err := address.Parse(o.From)
		if err != nil {
			return vo, cmdutil.Usage("invalid --from "+o.From, err)
		}
		if a.Literal {
			return vo, cmdutil.Usagef("invalid --from %s: want an address at a domain name", o.From)
		}
		vo.From = a.String()
	} else if o.From != "" {
		return vo, cmdutil.Usagef("--from is for --smtp: add --smtp to ask the mail hosts")
	}
	if o.EHLO != "" {
		if err := smtpwire.ValidEHLOName(o.EHLO); err != nil {
			return vo, cmdutil.Usage("invalid --ehlo "+o.EHLO, err)
		}
	}
	if o.DisposableList != "" {
		f, r, err := openFile(ctx, o.DisposableList)
		if err != nil {
			return vo, cmdutil.Usage("cannot read --disposable-list "+o.DisposableList, err)
		}
		defer f.Close()
		l, err := verify.ReadDomainList(bufio.NewReader(r), o.DisposableList)
		if err != nil {
			return vo, &cmdutil.UsageError{Err: err}
		}
		vo.Lists = l
	}
	return vo, nil
}

// openFile opens a file a flag names through cmdutil.OpenFile, so that a
// named pipe honours Ctrl-C; r reads it. A folder is refused by name.
func openFile(ctx context.Context, path string) (f *os.File, r io.Reader, err error) {
	f, r, err = cmdutil.OpenFile(ctx, path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, nil, pe.Err
		}
		return nil, nil, err
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, nil, errors.New("is a directory")
	}
	return f, r, nil
}

// skipDone reads the addresses of a previous run's NDJSON output. A line
// that is not a record (the last one, cut off by Ctrl-C) is passed over.
func (o *Options) skipDone(ctx context.Context) (map[string]bool, error) {
	if o.SkipDone == "" {
		return nil, nil
	}
	f, r, err := openFile(ctx, o.SkipDone)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil // the first run of a resumable loop
	}
	if err != nil {
		return nil, cmdutil.Usage("cannot read --skip-done "+o.SkipDone, err)
	}
	defer f.Close()
	done := map[string]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		var rec struct {
			Address *string `json:"address"`
		}
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Address != nil {
			done[*rec.Address] = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, cmdutil.Usage("cannot read --skip-done "+o.SkipDone, err)
	}
	return done, nil
}

// inputs is every address of the run as one stream: the arguments, then
// stdin ("-"), then each --file.
func (o *Options) inputs(ctx context.Context) (iter.Seq2[verify.Input, error], func(), error) {
	var files []*os.File
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	type part struct {
		addr string
		seq  iter.Seq2[verify.Input, error]
	}
	var parts []part
	read := func(in io.Reader, name string) iter.Seq2[verify.Input, error] {
		r := bufio.NewReaderSize(in, 64*1024)
		if o.Column != "" {
			return verify.ReadCSV(r, name, o.Column)
		}
		return verify.ReadList(r, name)
	}
	stdin := false
	for _, a := range o.Args {
		if a != "-" {
			parts = append(parts, part{addr: a})
			continue
		}
		if stdin {
			return nil, nil, cmdutil.Usagef("\"-\" (stdin) given twice")
		}
		stdin = true
		parts = append(parts, part{seq: read(o.IO.Stdin(ctx, "addresses"), "stdin")})
	}
	for _, path := range o.Files {
		f, r, err := openFile(ctx, path)
		if err != nil {
			closeAll()
			return nil, nil, cmdutil.Usage("cannot read --file "+path, err)
		}
		files = append(files, f)
		parts = append(parts, part{seq: read(r, path)})
	}
	if len(parts) == 0 {
		return nil, nil, cmdutil.Usagef("nothing to verify: give addresses, \"-\" for stdin, or --file FILE")
	}
	seq := func(yield func(verify.Input, error) bool) {
		for _, p := range parts {
			if p.seq == nil {
				if !yield(verify.Input{Address: p.addr}, nil) {
					return
				}
				continue
			}
			for x, err := range p.seq {
				if !yield(x, err) {
					return
				}
			}
		}
	}
	return seq, closeAll, nil
}
