package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/relayctl/relayctl/checks"
)

// NewMarkdown returns the -o markdown writer: GitHub-flavoured Markdown
// for a pull-request comment or a job's step summary — a table with one
// row per target (status and the count of findings per severity), then
// each target's checks and findings. Text from the checks (messages,
// summaries, hints) is escaped so that a pipe, a backquote or HTML in it
// stays text.
func NewMarkdown(w io.Writer, opt Options) Writer {
	return &document{w: w, opt: opt, render: renderMarkdown}
}

func renderMarkdown(w io.Writer, _ Options, reps []checks.Report) error {
	var b strings.Builder
	title := "relayctl"
	if len(reps) > 0 && reps[0].Command != "" {
		title += " " + reps[0].Command
	}
	fmt.Fprintf(&b, "## %s\n\n", mdText(title))
	b.WriteString("| target | status | fail | warn | info | error |\n|---|---|--:|--:|--:|--:|\n")
	for _, rep := range reps {
		n := map[checks.Severity]int{}
		errs := 0
		if rep.Error != "" {
			errs++
		}
		for _, c := range rep.Checks {
			if c.Status == checks.StatusError {
				errs++
			}
			for _, f := range c.Findings {
				n[f.Severity]++
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %d |\n", mdText(rep.Target), mdStatus(rep.Status),
			n[checks.SeverityFail], n[checks.SeverityWarn], n[checks.SeverityInfo], errs)
	}
	for _, rep := range reps {
		fmt.Fprintf(&b, "\n### %s — %s\n\n", mdText(heading(rep)), mdStatus(rep.Status))
		if rep.Error != "" {
			fmt.Fprintf(&b, "Not checked: %s\n\n", mdText(rep.Error))
		}
		var clean []string
		for _, c := range rep.Checks {
			if c.Status == checks.StatusOK && len(c.Findings) == 0 {
				clean = append(clean, "`"+c.Name+"`")
				continue
			}
			fmt.Fprintf(&b, "#### %s — %s\n\n", mdText(c.Name), mdStatus(c.Status))
			if c.Summary != "" {
				fmt.Fprintf(&b, "%s\n\n", mdText(c.Summary))
			}
			if c.Error != "" && c.Error != c.Summary {
				fmt.Fprintf(&b, "Error: %s\n\n", mdText(c.Error))
			}
			for _, f := range c.Findings {
				fmt.Fprintf(&b, "- **%s** `%s`: %s\n", f.Severity, mdCode(f.Code), mdText(f.Message))
				if f.Hint != "" {
					fmt.Fprintf(&b, "  - fix: %s\n", mdText(f.Hint))
				}
				if f.Ref != "" {
					fmt.Fprintf(&b, "  - see: %s\n", mdText(f.Ref))
				}
			}
			if len(c.Ignored) > 0 {
				fmt.Fprintf(&b, "- ignored: %s\n", mdText(strings.Join(c.Ignored, ", ")))
			}
			if len(c.Findings) > 0 || len(c.Ignored) > 0 {
				b.WriteString("\n")
			}
		}
		if len(clean) > 0 {
			fmt.Fprintf(&b, "Passed: %s\n", strings.Join(clean, ", "))
		}
	}
	_, err := io.WriteString(w, strings.TrimRight(b.String(), "\n")+"\n")
	return err
}

func mdStatus(s checks.Status) string {
	switch s {
	case checks.StatusFail, checks.StatusError:
		return "**" + string(s) + "**"
	}
	return string(s)
}

// mdText makes s one line of literal GitHub-flavoured Markdown text, safe
// in a table cell too: HTML's special characters become entities (GFM
// passes raw HTML through), and the punctuation that starts emphasis,
// links, code spans, tables, strike-through and autolinks is
// backslash-escaped (CommonMark §2.4); newlines become spaces.
func mdText(s string) string {
	var b strings.Builder
	for _, r := range OneLine(s) {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\\', '`', '*', '_', '[', ']', '|', '~', '#', '!':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdCode makes s safe inside a one-backquote code span: codes are
// area.kebab-name, but a backquote would end the span.
func mdCode(s string) string { return strings.ReplaceAll(OneLine(s), "`", "'") }
