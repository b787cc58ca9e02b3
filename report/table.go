package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/lipgloss/table"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/internal/textutil"
)

// Table prints each report as it arrives: a header line (target, status,
// duration), then a row per check (check, status, summary) with every
// finding beneath it — severity, code, message, hint and reference — so
// that a CI log alone is enough to act on.
//
// On a terminal (Options.Terminal or Color) it draws a lipgloss table,
// its text wrapped to the terminal's width, with colour only when
// Options.Color says so; into a pipe, a plain space-aligned layout with no
// escape codes and no box drawing, because borders do not survive a pipe
// into grep or a CI log viewer.
type Table struct {
	w     io.Writer
	opt   Options
	mu    sync.Mutex
	count int
	r     *lipgloss.Renderer
}

// NewTable returns a table writer.
func NewTable(w io.Writer, opt Options) *Table {
	t := &Table{w: w, opt: opt}
	if opt.terminal() {
		t.r = renderer(w, opt)
	}
	return t
}

// Write prints one report.
func (t *Table) Write(rep checks.Report) error {
	var s string
	if t.opt.terminal() {
		s = t.color(rep)
	} else {
		s = plain(rep)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.count > 0 {
		s = "\n" + s
	}
	t.count++
	_, err := io.WriteString(t.w, s)
	return err
}

// Close does nothing: every report is already out.
func (t *Table) Close() error { return nil }

// line is one row of the table: a check's own row, or a finding or error
// beneath it.
type line struct {
	check  string        // the check name, on its own row only
	status checks.Status // the check's status or the finding's severity
	label  string        // what the status column shows
	code   string        // finding code
	text   string        // summary, message or error
	hint   string
	ref    string
}

// lines flattens a report into rows in the order they are shown.
//
// A check that could not finish often says why three times: in its
// summary, its error and a finding (smtp: "cannot connect: connection
// refused" twice, then smtp.unreachable "cannot connect to 127.0.0.1:1:
// connection refused"). The table says it once. When the summary is
// empty or says the error, and a finding says it in words for people,
// the check's row shows that finding's message and the finding only its
// code, hint and reference. The error row is shown only when neither the
// check's row nor any finding says the error. The JSON keeps every field.
func lines(rep checks.Report) []line {
	var out []line
	for _, c := range rep.Checks {
		said := func(s string) bool { return c.Status == checks.StatusError && saysError(s, c.Error) }
		fs := worstFirst(c.Findings)
		promoted := -1 // the finding whose message the check's row shows
		summary := c.Summary
		if summary == "" || said(summary) {
			for i, f := range fs {
				if said(f.Message) {
					summary, promoted = f.Message, i
					break
				}
			}
		}
		if summary == "" {
			summary = c.Error
		}
		errorRow := c.Error != "" && !said(summary) && !slices.ContainsFunc(fs, func(f checks.Finding) bool { return said(f.Message) })
		text := summary
		if n := len(c.Ignored); n > 0 {
			text = strings.TrimSpace(fmt.Sprintf("%s (%s ignored: %s)", text, textutil.Count(n, "finding", "findings"), strings.Join(unique(c.Ignored), ", ")))
		}
		out = append(out, line{check: c.Name, status: c.Status, label: string(c.Status), text: OneLine(text)})
		if errorRow {
			out = append(out, line{status: checks.StatusError, label: "error", text: OneLine(c.Error)})
		}
		for i, f := range fs {
			msg := f.Message
			if i == promoted {
				msg = ""
			}
			out = append(out, line{
				status: f.Severity.Status(),
				label:  string(f.Severity),
				code:   f.Code,
				text:   OneLine(msg),
				hint:   OneLine(f.Hint),
				ref:    OneLine(f.Ref),
			})
		}
	}
	return out
}

// saysError reports whether text s says what error e says: it holds e
// whole, or every word of e ("cannot connect: connection refused" in
// "cannot connect to 127.0.0.1:1: connection refused"). A name in e that
// s lacks (another host's) means s is about something else.
func saysError(s, e string) bool {
	if e == "" || s == "" {
		return false
	}
	if strings.Contains(s, e) {
		return true
	}
	word := func(w string) string { return strings.Trim(w, ":;,()\"'") }
	have := map[string]bool{}
	for _, w := range strings.Fields(s) {
		have[word(w)] = true
	}
	ws := strings.Fields(e)
	if len(ws) < 2 {
		return false
	}
	for _, w := range ws {
		if !have[word(w)] {
			return false
		}
	}
	return true
}

// unique is ss without repeats, in first-seen order.
func unique(ss []string) []string {
	var out []string
	for _, s := range ss {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// OneLine keeps a value from breaking the layout: records and messages
// from DNS, servers or files can hold newlines and control characters,
// and a terminal must never receive an escape sequence from them. Line
// breaks and tabs become spaces; other control characters (C0, DEL, C1 —
// ESC among them) become "?".
func OneLine(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
			return '?'
		}
		return r
	}, s)
}

func duration(ms int64) string {
	if ms <= 0 {
		return "<1ms" // answered from zone files or the cache
	}
	return (time.Duration(ms) * time.Millisecond).String()
}

// plain renders the layout for pipes and CI logs:
//
//	example.com  warn  412ms
//	CHECK  STATUS  SUMMARY
//	spf    warn    v=spf1 ... ?all
//	               warn  spf.all-neutral  ...
//	                     hint: ...
func plain(rep checks.Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s  %s\n", OneLine(heading(rep)), rep.Status, duration(rep.DurationMS))
	if rep.Error != "" {
		fmt.Fprintf(&b, "error: %s\n", OneLine(rep.Error))
	}
	ls := lines(rep)
	if len(ls) == 0 {
		return b.String()
	}
	wCheck, wStatus := len("CHECK"), len("STATUS")
	for _, l := range ls {
		wCheck = max(wCheck, len(l.check))
		if l.check != "" {
			wStatus = max(wStatus, len(l.label))
		}
	}
	row := func(a, b2, c string) string {
		return strings.TrimRight(fmt.Sprintf("%-*s  %-*s  %s", wCheck, a, wStatus, b2, c), " ") + "\n"
	}
	b.WriteString(row("CHECK", "STATUS", "SUMMARY"))
	indent := strings.Repeat(" ", wCheck+2+wStatus+2)
	for _, l := range ls {
		if l.check != "" {
			b.WriteString(row(l.check, l.label, l.text))
			continue
		}
		// Severity labels (info, warn, fail) and "error" are padded to
		// one width so that codes line up.
		head := fmt.Sprintf("%-5s ", l.label)
		if l.code != "" {
			fmt.Fprintf(&b, "%s\n", strings.TrimRight(fmt.Sprintf("%s%s%s  %s", indent, head, l.code, l.text), " "))
		} else {
			fmt.Fprintf(&b, "%s%s%s\n", indent, head, l.text)
		}
		sub := indent + strings.Repeat(" ", len(head))
		if l.hint != "" {
			fmt.Fprintf(&b, "%shint: %s\n", sub, l.hint)
		}
		if l.ref != "" {
			fmt.Fprintf(&b, "%sref:  %s\n", sub, l.ref)
		}
	}
	return b.String()
}

// tableChrome is what the bordered three-column table adds to its cells'
// widths: four borders and one column of padding either side of each cell.
const tableChrome = 4 + 3*2

// colours of statuses and severities: the 16 basic ANSI colours.
var statusColor = map[checks.Status]string{
	checks.StatusOK:    "2", // green
	checks.StatusInfo:  "6", // cyan
	checks.StatusWarn:  "3", // yellow
	checks.StatusFail:  "1", // red
	checks.StatusError: "5", // magenta
}

func (t *Table) statusStyle(st checks.Status) lipgloss.Style {
	s := t.r.NewStyle()
	if c, ok := statusColor[st]; ok {
		s = s.Foreground(lipgloss.Color(c))
	}
	if st == checks.StatusFail || st == checks.StatusError {
		s = s.Bold(true)
	}
	return s
}

// heading names a report's target, with the file it was read from when
// that is not the target itself (a message is named by its Message-ID).
func heading(rep checks.Report) string {
	if rep.Source != "" && rep.Source != rep.Target {
		return rep.Target + " (" + rep.Source + ")"
	}
	return rep.Target
}

// color renders a report for a terminal with lipgloss.
func (t *Table) color(rep checks.Report) string {
	var b strings.Builder
	bold := t.r.NewStyle().Bold(true)
	faint := t.r.NewStyle().Faint(true)
	fmt.Fprintf(&b, "%s  %s  %s\n",
		bold.Render(OneLine(heading(rep))),
		t.statusStyle(rep.Status).Render(strings.ToUpper(string(rep.Status))),
		faint.Render(duration(rep.DurationMS)))
	if rep.Error != "" {
		fmt.Fprintf(&b, "%s %s\n", t.statusStyle(checks.StatusError).Render("error:"), OneLine(rep.Error))
	}
	ls := lines(rep)
	if len(ls) == 0 {
		return b.String()
	}
	labels := make([]string, len(ls))
	checkNames := make([]string, len(ls))
	wLabel := len("STATUS")
	// A check's name ("smtp mx1.example.com:25") takes at most a quarter
	// of the terminal, wrapped at its spaces, so that the summary keeps
	// the room.
	checkRoom := 0
	if t.opt.Width > 0 {
		checkRoom = max(t.opt.Width/4, len("CHECK"))
	}
	wCheck := len("CHECK")
	for i, l := range ls {
		labels[i] = l.label
		if l.check == "" {
			labels[i] = "└ " + l.label // a finding hangs under its check
		}
		checkNames[i] = strings.Join(wrap(l.check, checkRoom, checkRoom), "\n")
		wCheck = max(wCheck, lipgloss.Width(checkNames[i]))
		wLabel = max(wLabel, lipgloss.Width(labels[i]))
	}
	// The third column gets what the terminal has left: four borders and
	// a space either side of each cell take tableChrome columns.
	textWidth := 0
	if t.opt.Width > 0 {
		textWidth = max(t.opt.Width-wCheck-wLabel-tableChrome, minWrap)
	}
	rows := make([][]string, len(ls))
	// A piece wider than the room widens the column anyway: then the
	// other cells may use the width it takes.
	if textWidth > 0 {
		widest := 0
		for _, l := range ls {
			for _, s := range []string{l.text, l.hint, l.ref} {
				for _, tok := range tokens(s) {
					widest = max(widest, lipgloss.Width(tok))
				}
			}
			widest = max(widest, lipgloss.Width(l.code))
		}
		textWidth = max(textWidth, widest+len("hint: "))
	}
	for i, l := range ls {
		var text []string
		if l.code != "" {
			cw := lipgloss.Width(l.code) + 2
			ws := wrap(l.text, textWidth, textWidth-cw)
			if l.text == "" {
				text = append(text, bold.Render(l.code))
			} else if textWidth > 0 && cw+lipgloss.Width(ws[0]) > textWidth {
				// The code alone fills the line: the message starts below.
				text = append(text, bold.Render(l.code))
				text = append(text, wrap(l.text, textWidth, textWidth)...)
			} else {
				text = append(text, bold.Render(l.code)+"  "+ws[0])
				text = append(text, ws[1:]...)
			}
		} else {
			text = wrap(l.text, textWidth, textWidth)
		}
		for _, sub := range []struct{ label, s string }{{"hint: ", l.hint}, {"ref:  ", l.ref}} {
			if sub.s == "" {
				continue
			}
			for _, w := range strings.Split(strings.TrimSuffix(hang(sub.label, sub.s, textWidth), "\n"), "\n") {
				text = append(text, faint.Render(w))
			}
		}
		rows[i] = []string{checkNames[i], labels[i], strings.Join(text, "\n")}
	}
	cell := t.r.NewStyle().Padding(0, 1)
	out := table.New().
		Border(lipgloss.RoundedBorder()).
		BorderStyle(faint).
		Headers("CHECK", "STATUS", "SUMMARY").
		Rows(rows...).
		StyleFunc(func(row, col int) lipgloss.Style {
			if row == table.HeaderRow {
				return cell.Bold(true)
			}
			if col == 1 && row >= 0 && row < len(ls) {
				return cell.Inherit(t.statusStyle(ls[row].status))
			}
			return cell
		}).
		Render()
	b.WriteString(out)
	b.WriteString("\n")
	return b.String()
}
