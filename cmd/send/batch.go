package send

import (
	"context"
	"errors"
	"io"
	"os"
	"strconv"
	"sync"

	"github.com/relayctl/relayctl/checks/send"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/report"
)

// batchTemplates are the flag values filled from each row.
type batchTemplates struct {
	subject, body, html *send.Template
	headers             []*send.Template
}

func (o *Options) templates(in *inputs) (*batchTemplates, error) {
	t := &batchTemplates{}
	var err error
	if t.subject, err = send.ParseTemplate("--subject", o.Subject); err != nil {
		return nil, usageErr(err)
	}
	if t.body, err = send.ParseTemplate("--body", in.body); err != nil {
		return nil, usageErr(err)
	}
	if t.html, err = send.ParseTemplate("--html", in.html); err != nil {
		return nil, usageErr(err)
	}
	for _, h := range in.headers {
		ht, err := send.ParseTemplate("--header "+h.Name, h.Value)
		if err != nil {
			return nil, usageErr(err)
		}
		t.headers = append(t.headers, ht)
	}
	return t, nil
}

// rowSpec fills the templates from a row and checks the result: a line
// break in a filled-in subject or header value is as bad as one typed on
// the command line.
func (o *Options) rowSpec(in *inputs, t *batchTemplates, row send.Row) (send.Spec, error) {
	fail := func(err error) (send.Spec, error) { return send.Spec{}, usageErr(err) }
	to, err := send.ParseAddressList("batch row "+strconv.Itoa(row.N)+" to", row.Get("to"))
	if err != nil {
		return fail(err)
	}
	var cc, bcc []send.Address
	if v := row.Get("cc"); v != "" {
		if cc, err = send.ParseAddressList("batch row "+strconv.Itoa(row.N)+" cc", v); err != nil {
			return fail(err)
		}
	}
	if v := row.Get("bcc"); v != "" {
		if bcc, err = send.ParseAddressList("batch row "+strconv.Itoa(row.N)+" bcc", v); err != nil {
			return fail(err)
		}
	}
	subject, err := t.subject.Execute(row)
	if err != nil {
		return fail(err)
	}
	if err := send.NoSingleLine("batch row "+strconv.Itoa(row.N)+" subject", subject); err != nil {
		return fail(err)
	}
	body, err := t.body.Execute(row)
	if err != nil {
		return fail(err)
	}
	html, err := t.html.Execute(row)
	if err != nil {
		return fail(err)
	}
	var headers []send.Header
	for i, ht := range t.headers {
		v, err := ht.Execute(row)
		if err != nil {
			return fail(err)
		}
		if err := send.NoSingleLine("batch row "+strconv.Itoa(row.N)+" header "+in.headers[i].Name, v); err != nil {
			return fail(err)
		}
		headers = append(headers, send.Header{Name: in.headers[i].Name, Value: v})
	}
	rin := *in
	if v := row.Get("from"); v != "" {
		if rin.from, err = send.ParseSender("batch row "+strconv.Itoa(row.N)+" from", v); err != nil {
			return fail(err)
		}
	}
	return o.spec(&rin, to, cc, bcc, subject, body, html, headers), nil
}

func envelope(s send.Spec) []string {
	var out []string
	for _, l := range [][]send.Address{s.To, s.Cc, s.Bcc} {
		for _, a := range l {
			out = append(out, a.Addr)
		}
	}
	return out
}

// runBatch sends one message per row of --batch: every row is checked
// before the first message goes out, rows an earlier run finished are
// skipped, and a record is printed as each message completes.
func runBatch(ctx context.Context, o *Options, set cmdutil.Settings, cfg *send.Config) error {
	if o.Concurrency < 1 || o.Concurrency > 1000 {
		return cmdutil.Usagef("invalid --concurrency %d: want 1 to 1000", o.Concurrency)
	}
	rate, err := parseRate(o.Rate)
	if err != nil {
		return err
	}
	in, err := o.readInputs(ctx, true)
	if err != nil {
		return err
	}
	t, err := o.templates(in)
	if err != nil {
		return err
	}
	f, r, err := openFile(ctx, "--batch", o.Batch, send.MaxBatchBytes)
	if err != nil {
		return err
	}
	rows, err := send.ReadBatch(r)
	f.Close()
	if err != nil {
		return usageErr(err)
	}
	done := map[int]send.Record{}
	if o.SkipDone != "" {
		df, r, err := openFile(ctx, "--skip-done", o.SkipDone, 0)
		if err != nil {
			return err
		}
		done, err = send.DoneRows(r)
		df.Close()
		if err != nil {
			return usageErr(err)
		}
	}
	// Check every row first: bad input stops the run before anything is
	// sent, not in the middle of it.
	var todo []send.Row
	// crashed are the rows an earlier run left in flight: reported as
	// unknown, never sent again.
	var crashed []send.Record
	for _, row := range rows {
		spec, err := o.rowSpec(in, t, row)
		if err != nil {
			return err
		}
		if prev, ok := done[row.N]; ok {
			if !send.SameRecipients(prev.To, envelope(spec)) {
				return cmdutil.Usagef("--skip-done %s: row %d was for %v, the batch file now says %v: not the same batch", o.SkipDone, row.N, prev.To, envelope(spec))
			}
			if prev.Result == send.ResultInFlight {
				crashed = append(crashed, send.CrashedRecord(prev))
			}
			continue
		}
		todo = append(todo, row)
	}
	build := func(row send.Row) (*send.Message, error) {
		spec, err := o.rowSpec(in, t, row)
		if err != nil {
			return nil, err
		}
		msg, err := send.Build(spec)
		if err != nil {
			return nil, err
		}
		if in.signer != nil {
			if err := in.signer.Sign(msg); err != nil {
				return nil, err
			}
		}
		return msg, nil
	}

	format := set.Format
	if !o.outSet {
		format = report.FormatNDJSON
	}
	if o.DryRun {
		var msgs []*send.Message
		var ns []int
		for _, row := range todo {
			m, err := build(row)
			if err != nil {
				return usageErr(err)
			}
			msgs = append(msgs, m)
			ns = append(ns, row.N)
		}
		return printDryRun(o.IO.Out, format, msgs, false, ns...)
	}
	if err := o.resolver(cfg); err != nil {
		return err
	}
	w, err := report.NewSendWriter(format, o.IO.Out, o.reportOptions(), false)
	if err != nil {
		return &cmdutil.UsageError{Err: err}
	}
	bar := o.startProgress(len(todo), len(rows)-len(todo)-len(crashed))

	jobs := make(chan send.Job)
	go func() {
		defer close(jobs)
		for _, row := range todo {
			m, err := build(row)
			select {
			case jobs <- send.Job{Row: row.N, Msg: m, Err: err}:
			case <-ctx.Done():
				return
			}
		}
	}()
	var tally report.SendTally
	var werr error
	var mu sync.Mutex
	for _, rec := range crashed {
		tally.Add(rec)
		if werr == nil {
			werr = w.Write(rec)
		}
	}
	bopt := send.BatchOptions{Concurrency: o.Concurrency, Rate: rate}
	if format == report.FormatNDJSON {
		// The in-flight record is on disk before the final dot: a crash
		// while the server holds its reply leaves the row unknown to a
		// resume, not unsent.
		durable := syncer(o.IO.Out)
		bopt.InFlight = func(rec send.Record) error {
			mu.Lock()
			defer mu.Unlock()
			var err error
			bar.Print(func() {
				if err = w.Write(rec); err == nil {
					err = durable()
				}
			})
			if err != nil && werr == nil {
				werr = err
			}
			return err
		}
	}
	send.RunBatch(ctx, cfg, bopt, jobs, func(rec send.Record) {
		mu.Lock()
		defer mu.Unlock()
		tally.Add(rec)
		bar.Print(func() {
			if werr == nil {
				werr = w.Write(rec)
			}
		})
		bar.record(rec, tally)
	})
	bar.Finish()
	if err := w.Close(); werr == nil {
		werr = err
	}
	if werr != nil {
		return cmdutil.Incomplete("writing the records", werr)
	}
	if left := len(todo) + len(crashed) - tally.Total(); ctx.Err() != nil && left > 0 {
		return &cmdutil.IncompleteError{Err: errors.New("interrupted: " + strconv.Itoa(left) + " messages not sent; resume with --skip-done RESULTS.ndjson")}
	}
	return cmdutil.ExitWith(tally.Exit())
}

// openFile opens a file a flag names for reading: a directory, or a file
// larger than limit (when not 0), is said to be one.
func openFile(ctx context.Context, flag, path string, limit int64) (*os.File, io.Reader, error) {
	f, r, err := cmdutil.OpenFile(ctx, path)
	if err != nil {
		return nil, nil, cmdutil.Usagef("cannot read %s %s: %v", flag, path, pathErr(err))
	}
	st, err := f.Stat()
	switch {
	case err != nil:
		f.Close()
		return nil, nil, cmdutil.Usagef("cannot read %s %s: %v", flag, path, pathErr(err))
	case st.IsDir():
		f.Close()
		return nil, nil, cmdutil.Usagef("cannot read %s %s: it is a directory", flag, path)
	case limit > 0 && st.Mode().IsRegular() && st.Size() > limit:
		f.Close()
		return nil, nil, cmdutil.Usagef("cannot read %s %s: %d bytes, larger than the limit of %d MiB", flag, path, st.Size(), limit>>20)
	}
	return f, r, nil
}

// syncer returns what makes w's writes durable: fsync when w is a
// regular file, nothing for a pipe or a terminal.
func syncer(w io.Writer) func() error {
	f, ok := w.(*os.File)
	if !ok {
		return func() error { return nil }
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return func() error { return nil }
	}
	return f.Sync
}
