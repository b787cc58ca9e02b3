package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/verify"
)

// VerifyWriter prints the records of "relayctl verify" as they come and
// the summary at the end.
type VerifyWriter interface {
	Write(*verify.Record) error
	Close(*verify.Summary) error
}

// NewVerifyWriter picks the output: ndjson a line per record (the summary
// one line on errOut); json one object for a single address, else an
// array streamed as it grows; the table a block per address on a
// terminal (opt.Terminal), a tab-separated line per reason when piped,
// then the summary.
func NewVerifyWriter(format Format, out, errOut io.Writer, opt Options, single bool) (VerifyWriter, error) {
	switch format {
	case FormatNDJSON:
		return &verifyNDJSON{w: bufio.NewWriter(out), errOut: errOut}, nil
	case FormatJSON:
		return &verifyJSON{w: bufio.NewWriter(out), errOut: errOut, single: single}, nil
	case FormatTable, "":
		return &verifyTable{out: out, tty: opt.terminal()}, nil
	}
	return nil, checks.NewError("report", ErrBadFormat, fmt.Sprintf("unknown output format %q", format))
}

type verifyNDJSON struct {
	w      *bufio.Writer
	errOut io.Writer
}

func (n *verifyNDJSON) Write(r *verify.Record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	n.w.Write(b)
	n.w.WriteByte('\n')
	// A line at a time, so that a Ctrl-C leaves whole lines for
	// --skip-done.
	return n.w.Flush()
}

func (n *verifyNDJSON) Close(s *verify.Summary) error {
	printVerifySummary(n.errOut, s)
	return n.w.Flush()
}

type verifyJSON struct {
	w      *bufio.Writer
	errOut io.Writer
	single bool
	n      int
}

func (j *verifyJSON) Write(r *verify.Record) error {
	b, err := json.MarshalIndent(r, "  ", "  ")
	if err != nil {
		return err
	}
	switch {
	case j.single:
		b, _ = json.MarshalIndent(r, "", "  ")
	case j.n == 0:
		j.w.WriteString("[\n  ")
	default:
		j.w.WriteString(",\n  ")
	}
	j.n++
	j.w.Write(b)
	return nil
}

func (j *verifyJSON) Close(s *verify.Summary) error {
	switch {
	case j.single && j.n == 1:
		j.w.WriteString("\n")
	case j.n == 0:
		j.w.WriteString("[]\n")
	default:
		j.w.WriteString("\n]\n")
	}
	printVerifySummary(j.errOut, s)
	return j.w.Flush()
}

type verifyTable struct {
	out io.Writer
	tty bool
}

// Write prints one address: on a terminal its verdict line and its
// reasons below it, indented; piped, a line per reason of address,
// verdict, code and message, separated by tabs.
func (t *verifyTable) Write(r *verify.Record) error {
	if !t.tty {
		var b strings.Builder
		if len(r.Reasons) == 0 {
			fmt.Fprintf(&b, "%s\t%s\t-\t-\n", foldedLine(r.Address), r.Verdict)
		}
		for _, f := range r.Reasons {
			fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", foldedLine(r.Address), r.Verdict, f.Code, foldedLine(verifyReasonText(f)))
		}
		_, err := io.WriteString(t.out, b.String())
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-14s %s", strings.ToUpper(string(r.Verdict)), foldedLine(r.Address))
	if r.Normalized != "" && r.Normalized != strings.TrimSpace(r.Address) {
		fmt.Fprintf(&b, " (%s)", r.Normalized)
	}
	b.WriteByte('\n')
	for _, f := range r.Reasons {
		fmt.Fprintf(&b, "  %-5s %s: %s\n", f.Severity, f.Code, foldedLine(f.Message))
		if f.Hint != "" {
			fmt.Fprintf(&b, "        %s\n", foldedLine(f.Hint))
		}
	}
	_, err := io.WriteString(t.out, b.String())
	return err
}

func verifyReasonText(f checks.Finding) string {
	if f.Hint == "" {
		return f.Message
	}
	return f.Message + " (" + f.Hint + ")"
}

// foldedLine is OneLine (no control character reaches the terminal)
// with runs of white space folded into one.
func foldedLine(s string) string {
	return strings.Join(strings.Fields(OneLine(s)), " ")
}

// Close prints the summary: the counts by verdict, then by reason.
func (t *verifyTable) Close(s *verify.Summary) error {
	if s.Total <= 1 && s.Skipped == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("\n" + verifySummaryLine(s) + "\n")
	tw := tabwriter.NewWriter(&b, 2, 4, 2, ' ', 0)
	for _, c := range verify.ByCount(s.Reasons) {
		fmt.Fprintf(tw, "  %s\t%d\n", c.Name, c.N)
	}
	tw.Flush()
	_, err := io.WriteString(t.out, b.String())
	return err
}

// summaryLine is the run in one line: "12 addresses: 9 deliverable, 2
// undeliverable, 1 unknown; 3 SMTP connections".
func verifySummaryLine(s *verify.Summary) string {
	var parts []string
	for _, v := range []verify.Verdict{verify.Deliverable, verify.Undeliverable, verify.Risky, verify.Unknown} {
		if n := s.Verdicts[v]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, v))
		}
	}
	line := fmt.Sprintf("%d addresses", s.Total)
	if len(parts) > 0 {
		line += ": " + strings.Join(parts, ", ")
	}
	if s.Skipped > 0 {
		line += fmt.Sprintf("; %d skipped as done before", s.Skipped)
	}
	if s.Connections > 0 {
		line += fmt.Sprintf("; %d SMTP connections", s.Connections)
	}
	return line
}

// printSummary is the summary of a JSON run, on stderr: the counts by
// verdict, then by reason, a line each.
func printVerifySummary(w io.Writer, s *verify.Summary) {
	if s.Total <= 1 && s.Skipped == 0 {
		return
	}
	fmt.Fprintf(w, "relayctl: %s\n", verifySummaryLine(s))
	var parts []string
	for _, c := range verify.ByCount(s.Reasons) {
		parts = append(parts, fmt.Sprintf("%s %d", c.Name, c.N))
	}
	if len(parts) > 0 {
		fmt.Fprintf(w, "relayctl: reasons: %s\n", strings.Join(parts, ", "))
	}
}
