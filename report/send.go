package report

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/charmbracelet/lipgloss"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/send"
)

// SendWriter prints the records of "relayctl send" (docs/contract.md, "send
// record"): a table for people, one JSON value, or NDJSON as each message
// completes.
type SendWriter interface {
	Write(rec send.Record) error
	Close() error
}

// NewSendWriter returns the writer for format. single says the run sends
// one message: JSON prints an object instead of an array, and the table
// a detailed block instead of a line per message.
func NewSendWriter(format Format, w io.Writer, opt Options, single bool) (SendWriter, error) {
	switch format {
	case FormatTable, "":
		t := &sendTable{w: w, opt: opt, single: single}
		if opt.terminal() {
			t.r = renderer(w, opt)
			t.width = opt.Width
		}
		return t, nil
	case FormatJSON:
		return &jsonValue[send.Record]{w: w, single: single, normalize: normalizeSend}, nil
	case FormatNDJSON:
		return &jsonLines[send.Record]{w: w, normalize: normalizeSend}, nil
	}
	return nil, checks.NewError("report", ErrBadFormat, fmt.Sprintf("unknown output format %q", format))
}

// SendTally counts results for the exit code and the summary line.
type SendTally struct {
	Sent, Rejected, Partial, Failed, Unknown, Tested int
}

// Add counts one record.
func (t *SendTally) Add(rec send.Record) {
	switch rec.Result {
	case send.ResultSent:
		t.Sent++
	case send.ResultRejected:
		t.Rejected++
	case send.ResultPartial:
		t.Partial++
	case send.ResultTested:
		t.Tested++
	case send.ResultUnknown:
		t.Unknown++
	default:
		t.Failed++
	}
}

// Total is the number of records counted.
func (t *SendTally) Total() int {
	return t.Sent + t.Rejected + t.Partial + t.Failed + t.Unknown + t.Tested
}

// Exit is the exit code of a send run (docs/contract.md): 1 when any message met a
// permanent rejection or reached only some of its recipients (partial:
// sending it again would duplicate it), else 3 when any failed or has an unknown outcome,
// else 0. Like a gate failure, a rejection outranks an incomplete send.
func (t *SendTally) Exit() Exit {
	switch {
	case t.Rejected > 0 || t.Partial > 0:
		return ExitGate
	case t.Failed > 0 || t.Unknown > 0:
		return ExitIncomplete
	}
	return ExitOK
}

// String is the summary: "3 messages: 2 sent, 1 rejected".
func (t *SendTally) String() string {
	parts := []string{fmt.Sprintf("%d sent", t.Sent)}
	if t.Tested > 0 {
		parts = append(parts, fmt.Sprintf("%d tested", t.Tested))
	}
	if t.Rejected > 0 {
		parts = append(parts, fmt.Sprintf("%d rejected", t.Rejected))
	}
	if t.Partial > 0 {
		parts = append(parts, fmt.Sprintf("%d partial", t.Partial))
	}
	if t.Failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", t.Failed))
	}
	if t.Unknown > 0 {
		parts = append(parts, fmt.Sprintf("%d unknown", t.Unknown))
	}
	n := t.Total()
	noun := "messages"
	if n == 1 {
		noun = "message"
	}
	return fmt.Sprintf("%d %s: %s", n, noun, strings.Join(parts, ", "))
}

// normalizeSend keeps docs/contract.md's shape: accepted, rejected and to are
// arrays, never null.
func normalizeSend(r send.Record) send.Record {
	if r.Accepted == nil {
		r.Accepted = []string{}
	}
	if r.Rejected == nil {
		r.Rejected = []send.Rejection{}
	}
	if r.To == nil {
		r.To = []string{}
	}
	return r
}

// sendTable prints a block of labelled lines for one message, or a line
// per message (and a summary) for a batch.
type sendTable struct {
	w      io.Writer
	opt    Options
	single bool
	r      *lipgloss.Renderer
	width  int // the terminal's, to wrap to; 0 in a pipe
	mu     sync.Mutex
	tally  SendTally
}

var resultColor = map[send.Result]string{
	send.ResultSent:     "2",
	send.ResultRejected: "1",
	send.ResultPartial:  "1",
	send.ResultTested:   "2",
	send.ResultFailed:   "5",
	send.ResultUnknown:  "3",
}

func (t *sendTable) result(r send.Result) string {
	if t.r == nil {
		return string(r)
	}
	return t.r.NewStyle().Foreground(lipgloss.Color(resultColor[r])).Bold(r != send.ResultSent).Render(string(r))
}

func (t *sendTable) Write(rec send.Record) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.tally.Add(rec)
	var s string
	if t.single {
		s = t.block(rec)
	} else {
		s = t.line(rec)
	}
	_, err := io.WriteString(t.w, s)
	return err
}

func (t *sendTable) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.single && t.tally.Total() == 1 {
		return nil
	}
	_, err := fmt.Fprintln(t.w, t.tally.String())
	return err
}

// SendTLS describes the connection's security in words.
func SendTLS(rec send.Record) string {
	if rec.TLS.Mode == "" || rec.TLS.Mode == "none" {
		return "no TLS"
	}
	s := rec.TLS.Mode + " " + rec.TLS.Version
	if rec.TLS.Cipher != "" {
		s += " " + rec.TLS.Cipher
	}
	if rec.TLS.Verified {
		s += ", certificate verified"
	} else {
		s += ", certificate NOT verified"
	}
	return s
}

func (t *sendTable) block(rec send.Record) string {
	var b strings.Builder
	row := func(k, v string) {
		if v != "" {
			b.WriteString(hang(fmt.Sprintf("%-11s ", k), v, t.width))
		}
	}
	res := t.result(rec.Result)
	if rec.Failure != "" {
		res += " (" + string(rec.Failure) + ")"
	}
	row("result", res)
	if rec.Server != "" {
		row("server", OneLine(rec.Server)+" ("+SendTLS(rec)+")")
	}
	row("auth", rec.Auth)
	from := rec.From
	if from == "" {
		from = "<>"
	}
	row("from", OneLine(from))
	row("to", OneLine(strings.Join(rec.To, ", ")))
	row("accepted", OneLine(strings.Join(rec.Accepted, ", ")))
	for _, r := range rec.Rejected {
		row("rejected", OneLine(fmt.Sprintf("%s  %d %s", r.Recipient, r.Code, r.Text)))
	}
	row("reply", OneLine(rec.Reply))
	row("queue id", OneLine(rec.QueueID))
	row("error", OneLine(rec.Error))
	row("stopped", OneLine(rec.StoppedAfter))
	for _, d := range rec.Deliveries {
		v := d.Domain + "  " + string(d.Result)
		if d.Server != "" {
			v += "  " + d.Server + " (" + SendTLS(send.Record{TLS: d.TLS}) + ")"
		}
		if d.QueueID != "" {
			v += "  queued as " + d.QueueID
		}
		if d.Result != send.ResultSent && d.Error != "" {
			v += "  " + d.Error
		}
		row("delivery", OneLine(v))
	}
	for _, n := range rec.Notes {
		row("note", OneLine(n))
	}
	if rec.DKIM != nil {
		row("dkim", OneLine(fmt.Sprintf("d=%s s=%s a=%s", rec.DKIM.Domain, rec.DKIM.Selector, rec.DKIM.Algorithm)))
	}
	row("message id", OneLine(rec.MessageID))
	attempts := "1 attempt"
	if rec.Attempts != 1 {
		attempts = fmt.Sprintf("%d attempts", rec.Attempts)
	}
	row("duration", duration(rec.Duration)+" ("+attempts+")")
	return b.String()
}

func (t *sendTable) line(rec send.Record) string {
	var b strings.Builder
	to := strings.Join(rec.To, ",")
	// The result is padded before it is coloured, so that the escape
	// codes do not count towards the column.
	res := string(rec.Result)
	res = t.result(rec.Result) + strings.Repeat(" ", max(8-len(res), 0))
	head := fmt.Sprintf("%-5s %s ", fmt.Sprint(rec.Row), res)
	rest := OneLine(to)
	if rec.QueueID != "" {
		rest += "  " + OneLine(rec.QueueID)
	}
	rest += "  " + duration(rec.Duration)
	b.WriteString(hang(head, rest, t.width))
	if rec.Result != send.ResultSent || len(rec.Rejected) > 0 {
		for _, r := range rec.Rejected {
			b.WriteString(hang("      rejected ", OneLine(fmt.Sprintf("%s  %d %s", r.Recipient, r.Code, r.Text)), t.width))
		}
		if rec.Error != "" {
			b.WriteString(hang("      error: ", OneLine(rec.Error), t.width))
		} else if rec.Reply != "" && rec.Result != send.ResultSent {
			b.WriteString(hang("      reply: ", OneLine(rec.Reply), t.width))
		}
	}
	return b.String()
}
