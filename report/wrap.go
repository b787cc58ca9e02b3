package report

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// minWrap is the narrowest a wrapped column gets, however narrow the
// terminal: below it a table reads worse wrapped than overflowing.
const minWrap = 20

// wrap breaks s into lines of at most width columns, at spaces only: a
// word, a URL, a domain name or an address is never split, and a flag
// stays with its value ("--tls implicit"), so that what a person copies
// from the terminal still works. A token wider than width gets a line of
// its own, whole. first is the width of the first line when it differs
// (a code printed before it); width <= 0 means no wrapping.
func wrap(s string, width, first int) []string {
	if width <= 0 || lipgloss.Width(s) <= first {
		return []string{s} // as it is: the spaces of a line that fits stay
	}
	var lines []string
	var cur strings.Builder
	limit := first
	for _, tok := range tokens(s) {
		w := lipgloss.Width(tok)
		if cur.Len() > 0 && lipgloss.Width(cur.String())+1+w > limit {
			lines = append(lines, cur.String())
			cur.Reset()
			limit = width
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(tok)
	}
	return append(lines, cur.String())
}

// tokens splits s at spaces into what wrap keeps whole: a word, or a flag
// ("-o", "--tls") with the word after it when that word is its value
// rather than another flag.
func tokens(s string) []string {
	words := strings.Fields(s)
	var out []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		if isFlag(w) && i+1 < len(words) && !isFlag(words[i+1]) && !strings.ContainsAny(w, "=,;:)") {
			w += " " + words[i+1]
			i++
		}
		out = append(out, w)
	}
	return out
}

func isFlag(w string) bool {
	w = strings.TrimLeft(w, "(\"'[")
	return len(w) > 1 && w[0] == '-' && (w[1] == '-' || w[1] >= 'a' && w[1] <= 'z' || w[1] >= 'A' && w[1] <= 'Z')
}

// Hang is hang for the commands that lay out labelled lines of their
// own ("relayctl explain").
func Hang(prefix, text string, width int) string { return hang(prefix, text, width) }

// hang renders prefix and text with text wrapped to width, its lines
// after the first indented to stand under the first: "error: …" or a
// labelled row of send's block. width <= 0 means one line.
func hang(prefix, text string, width int) string {
	pw := lipgloss.Width(prefix)
	ls := wrap(text, max(width-pw, minWrap), max(width-pw, minWrap))
	if width <= 0 {
		ls = []string{text}
	}
	pad := strings.Repeat(" ", pw)
	var b strings.Builder
	for i, l := range ls {
		if i == 0 {
			b.WriteString(prefix)
		} else {
			b.WriteString(pad)
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}
