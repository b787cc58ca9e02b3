package send

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/relayctl/relayctl/checks/send"
	"github.com/relayctl/relayctl/checks/smtpwire"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/report"
)

// run sends one message (or a batch) and returns the error carrying the
// exit code.
func run(ctx context.Context, o *Options) error {
	set, err := o.Globals.ValidateRecords(ctx, "send")
	if err != nil {
		return err
	}
	cfg, err := o.config()
	if err != nil {
		return err
	}
	if o.Batch != "" {
		return runBatch(ctx, o, set, cfg)
	}
	if o.Concurrency != 1 || o.Rate != "" || o.SkipDone != "" {
		return cmdutil.Usagef("--concurrency, --rate and --skip-done go with --batch FILE")
	}
	in, err := o.readInputs(ctx, false)
	if err != nil {
		return err
	}
	msg, err := o.message(in)
	if err != nil {
		return err
	}
	if o.DryRun {
		return printDryRun(o.IO.Out, set.Format, []*send.Message{msg}, true)
	}
	if err := o.resolver(cfg); err != nil {
		return err
	}
	w, err := report.NewSendWriter(set.Format, o.IO.Out, o.reportOptions(), true)
	if err != nil {
		return &cmdutil.UsageError{Err: err}
	}
	rec := send.Send(ctx, cfg, msg)
	var tally report.SendTally
	tally.Add(rec)
	werr := w.Write(rec)
	if err := w.Close(); werr == nil {
		werr = err
	}
	if werr != nil {
		return cmdutil.Incomplete("writing the record", werr)
	}
	return cmdutil.ExitWith(tally.Exit())
}

func (o *Options) reportOptions() report.Options {
	return cmdutil.TableOptions(o.IO, o.Globals)
}

// resolver sets the resolver MX delivery needs (none with --server).
func (o *Options) resolver(cfg *send.Config) error {
	if cfg.Server != "" {
		return nil
	}
	if o.Resolver != nil {
		cfg.Resolver = o.Resolver
		return nil
	}
	r, err := o.Globals.Resolver()
	if err != nil {
		return err
	}
	cfg.Resolver = r
	return nil
}

// dryRun is a message as --dry-run -o json shows it.
type dryRun struct {
	Row       int            `json:"row,omitempty"`
	From      string         `json:"from"`
	To        []string       `json:"to"`
	MessageID string         `json:"message_id,omitempty"`
	DKIM      *send.DKIMInfo `json:"dkim,omitempty"`
	Size      int            `json:"size"`
	Message   string         `json:"message"`
}

// printDryRun shows what would go on the wire: as SMTP would carry it
// (MAIL FROM, RCPT TO, DATA, the message, the final dot) for people, or
// as JSON objects.
func printDryRun(w io.Writer, format report.Format, msgs []*send.Message, single bool, rows ...int) error {
	var recs []dryRun
	var b bytes.Buffer
	for i, m := range msgs {
		d := dryRun{From: m.From, To: m.To, MessageID: m.MessageID, DKIM: m.DKIM, Size: len(m.Data), Message: string(m.Data)}
		if i < len(rows) {
			d.Row = rows[i]
		}
		switch format {
		case report.FormatJSON:
			recs = append(recs, d)
		case report.FormatNDJSON:
			line, _ := json.Marshal(d)
			b.Write(line)
			b.WriteByte('\n')
		default:
			if i > 0 {
				b.WriteString("\r\n")
			}
			fmt.Fprintf(&b, "MAIL FROM:<%s>\r\n", m.From)
			for _, r := range m.To {
				fmt.Fprintf(&b, "RCPT TO:<%s>\r\n", r)
			}
			b.WriteString("DATA\r\n")
			smtpwire.WriteData(&b, m.Data)
		}
	}
	if format == report.FormatJSON {
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		var v any = recs
		if single && len(recs) == 1 {
			v = recs[0]
		}
		if err := enc.Encode(v); err != nil {
			return err
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}
