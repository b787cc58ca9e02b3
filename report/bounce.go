package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/bounce"
	"github.com/relayctl/relayctl/checks/bounce/reason"
	"github.com/relayctl/relayctl/internal/textutil"
)

// BounceWriter prints the records of "bounce parse" as they come, in
// order, and the summary at the end.
type BounceWriter interface {
	Write(r *bounce.Record) error
	// Close finishes the output with the summary (where the format
	// shows one).
	Close(s *bounce.Summary) error
}

// NewBounceWriter returns the writer for format. With summaryOnly, no
// record is printed: only the summary (the table's, or one JSON object).
func NewBounceWriter(format Format, w io.Writer, opt Options, summaryOnly bool) (BounceWriter, error) {
	switch format {
	case FormatTable, "":
		return newBounceTable(w, opt, summaryOnly), nil
	case FormatJSON:
		return &bounceJSON{w: w, summaryOnly: summaryOnly}, nil
	case FormatNDJSON:
		return &bounceNDJSON{w: w, summaryOnly: summaryOnly}, nil
	}
	return nil, checks.NewError("report", ErrBadFormat, fmt.Sprintf("unknown output format %q", format))
}

// bounceJSON streams one JSON array of records (so that a huge mbox
// needs no memory for its output), or prints the summary object.
type bounceJSON struct {
	w           io.Writer
	summaryOnly bool
	n           int
	err         error
}

func (j *bounceJSON) Write(r *bounce.Record) error {
	if j.summaryOnly || j.err != nil {
		return j.err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("  ", "  ")
	if err := enc.Encode(r); err != nil {
		return err
	}
	b := bytes.TrimRight(buf.Bytes(), "\n")
	sep := ",\n  "
	if j.n == 0 {
		sep = "[\n  "
	}
	j.n++
	_, j.err = io.WriteString(j.w, sep+string(b))
	return j.err
}

func (j *bounceJSON) Close(s *bounce.Summary) error {
	if j.err != nil {
		return j.err
	}
	if j.summaryOnly {
		enc := json.NewEncoder(j.w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(normalizeSummary(s))
	}
	end := "\n]\n"
	if j.n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(j.w, end)
	return err
}

// normalizeSummary keeps the breakdowns arrays, never null.
func normalizeSummary(s *bounce.Summary) *bounce.Summary {
	c := *s
	if c.ByReason == nil {
		c.ByReason = []bounce.Count[reason.Reason]{}
	}
	if c.ByDomain == nil {
		c.ByDomain = []bounce.Count[string]{}
	}
	return &c
}

// bounceNDJSON prints a record per line, or the summary as one line.
type bounceNDJSON struct {
	w           io.Writer
	summaryOnly bool
}

func (n *bounceNDJSON) Write(r *bounce.Record) error {
	if n.summaryOnly {
		return nil
	}
	b, err := marshalCompact(r)
	if err != nil {
		return err
	}
	_, err = n.w.Write(b)
	return err
}

func (n *bounceNDJSON) Close(s *bounce.Summary) error {
	if !n.summaryOnly {
		return nil
	}
	b, err := marshalCompact(normalizeSummary(s))
	if err != nil {
		return err
	}
	_, err = n.w.Write(b)
	return err
}

// bounceTable prints a row per record, then the summary. Column widths
// come from the first rows (held back until there are enough of them),
// so that the table streams.
type bounceTable struct {
	w           io.Writer
	opt         Options
	summaryOnly bool
	held        [][]string
	widths      []int
	streaming   bool
	n           int
	err         error
	hard, soft  lipgloss.Style
	bold        lipgloss.Style
}

// widthRows is how many rows decide the column widths.
const widthRows = 200

var bounceColumns = []string{"SOURCE", "RECIPIENT", "REASON", "HARD", "STATUS", "ACTION", "AGENT", "DIAGNOSTIC"}

// diagWidth bounds the diagnostic column in a pipe; the whole text is in
// the JSON.
const diagWidth = 100

func newBounceTable(w io.Writer, opt Options, summaryOnly bool) *bounceTable {
	t := &bounceTable{w: w, opt: opt, summaryOnly: summaryOnly}
	if opt.terminal() {
		r := renderer(w, opt)
		t.hard = r.NewStyle().Foreground(lipgloss.Color("1"))
		t.soft = r.NewStyle().Foreground(lipgloss.Color("3"))
		t.bold = r.NewStyle().Bold(true)
	}
	return t
}

func cut(s string, n int) string {
	s = OneLine(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func (t *bounceTable) row(r *bounce.Record) []string {
	hard := "soft"
	switch {
	case r.Kind() != bounce.KindBounce:
		hard = "-"
	case r.Hard:
		hard = "hard"
	}
	// On a terminal the diagnostic wraps, whole; a pipe gets a line per
	// record, the diagnostic cut.
	diag := OneLine(r.Diagnostic)
	if !t.opt.terminal() || t.opt.Width <= 0 {
		diag = cut(r.Diagnostic, diagWidth)
	}
	return []string{OneLine(r.Source), OneLine(r.Recipient), string(r.Reason), hard, OneLine(r.Status),
		OneLine(r.Action), OneLine(r.Agent), diag}
}

func (t *bounceTable) Write(r *bounce.Record) error {
	if t.summaryOnly || t.err != nil {
		return t.err
	}
	row := t.row(r)
	if t.streaming {
		return t.print(row)
	}
	t.held = append(t.held, row)
	if len(t.held) >= widthRows {
		t.flush()
	}
	return t.err
}

// flush fixes the widths from the rows held and prints them.
func (t *bounceTable) flush() {
	t.widths = make([]int, len(bounceColumns))
	for i, c := range bounceColumns {
		t.widths[i] = len(c)
	}
	for _, row := range t.held {
		for i, c := range row {
			t.widths[i] = max(t.widths[i], utf8.RuneCountInString(c))
		}
	}
	t.streaming = true
	t.err = t.print(bounceColumns)
	for _, row := range t.held {
		if t.err == nil {
			t.err = t.print(row)
		}
	}
	t.held = nil
}

func (t *bounceTable) print(row []string) error {
	width := 0
	if t.opt.terminal() {
		width = t.opt.Width
	}
	style := func(col int, c string) string { return t.style(col, c, row) }
	var s string
	switch {
	case fitsColumns(t.widths, width):
		s = columnRow(row, t.widths, width, style)
	case t.n == 0:
		// Cards name every value: no header row.
	default:
		s = columnCard(bounceColumns, row, width, t.n == 1, style)
	}
	t.n++
	_, err := io.WriteString(t.w, s)
	return err
}

func (t *bounceTable) style(col int, c string, row []string) string {
	if !t.opt.terminal() {
		return c
	}
	if t.n == 0 {
		return t.bold.Render(c)
	}
	if col == 3 || col == 2 {
		switch row[3] {
		case "hard":
			return t.hard.Render(c)
		case "soft":
			return t.soft.Render(c)
		}
	}
	return c
}

func (t *bounceTable) Close(s *bounce.Summary) error {
	if !t.summaryOnly && !t.streaming && t.err == nil {
		if len(t.held) > 0 {
			t.flush()
		}
	}
	if t.err != nil {
		return t.err
	}
	var b strings.Builder
	if t.n > 0 {
		b.WriteByte('\n')
	}
	b.WriteString(summaryText(s))
	_, err := io.WriteString(t.w, b.String())
	return err
}

// summaryText is the summary as the table ends with it.
func summaryText(s *bounce.Summary) string {
	var b strings.Builder
	parts := []string{textutil.Count(s.Bounces, "bounce", "bounces")}
	if s.Feedback > 0 {
		parts = append(parts, textutil.Count(s.Feedback, "feedback report", "feedback reports"))
	}
	if s.Vacation > 0 {
		parts = append(parts, textutil.Count(s.Vacation, "auto-reply", "auto-replies"))
	}
	if s.Delivered > 0 {
		parts = append(parts, textutil.Count(s.Delivered, "delivery report", "delivery reports"))
	}
	if s.Delayed > 0 {
		parts = append(parts, textutil.Count(s.Delayed, "delay notice", "delay notices"))
	}
	parts = append(parts, fmt.Sprintf("%d not a bounce", s.NotBounce))
	if s.Damaged > 0 {
		parts = append(parts, fmt.Sprintf("%d damaged", s.Damaged))
	}
	fmt.Fprintf(&b, "%s: %s\n", textutil.Count(s.Messages, "message", "messages"), strings.Join(parts, ", "))
	if s.Unreadable > 0 {
		fmt.Fprintf(&b, "%s could not be read\n", textutil.Count(s.Unreadable, "input", "inputs"))
	}
	fmt.Fprintf(&b, "%s: %d hard, %d soft\n", textutil.Count(s.Records, "record", "records"), s.Hard, s.Soft)
	breakdown(&b, "REASON", s.ByReason)
	breakdown(&b, "DOMAIN", s.ByDomain)
	return b.String()
}

// breakdown writes one of the summary's count tables, names aligned.
func breakdown[N ~string](b *strings.Builder, title string, cs []bounce.Count[N]) {
	if len(cs) == 0 {
		return
	}
	w := len(title)
	for _, c := range cs {
		w = max(w, utf8.RuneCountInString(OneLine(string(c.Name))))
	}
	fmt.Fprintf(b, "\n%-*s  COUNT\n", w, title)
	for _, c := range cs {
		name := OneLine(string(c.Name))
		fmt.Fprintf(b, "%s%s  %d\n", name, strings.Repeat(" ", w-utf8.RuneCountInString(name)), c.Count)
	}
}
