package report

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// columnRow lays out one row of a space-aligned table: cells in columns
// of widths, two spaces apart, the last cell free. With width above zero
// (a terminal) the last cell wraps into the room the other columns leave,
// its lines standing under its first; when less than minWrap is left, it
// goes on lines of its own below the row, indented two, in every row. style, when not
// nil, decorates a cell after the layout is measured.
func columnRow(cells []string, widths []int, width int, style func(col int, s string) string) string {
	if style == nil {
		style = func(_ int, s string) string { return s }
	}
	var b strings.Builder
	start := 0
	last := len(cells) - 1
	for i, c := range cells[:last] {
		b.WriteString(style(i, c))
		pad := max(widths[i]-lipgloss.Width(c), 0) + 2
		b.WriteString(strings.Repeat(" ", pad))
		start += lipgloss.Width(c) + pad
	}
	text := cells[last]
	room := width - start
	if width <= 0 || room >= minWrap && lipgloss.Width(text) <= room {
		b.WriteString(style(last, text))
		return strings.TrimRight(b.String(), " ") + "\n"
	}
	// Too little room is too little for every row, so that the layout does
	// not change from one row to the next.
	indent := start
	if room < minWrap {
		indent, room = 2, max(width-2, minWrap)
		b.WriteString("\n" + strings.Repeat(" ", indent))
	}
	for i, l := range wrap(text, room, room) {
		if i > 0 {
			b.WriteString("\n" + strings.Repeat(" ", indent))
		}
		b.WriteString(style(last, l))
	}
	// A row whose last cell moved below ends its first line in spaces.
	out := strings.Split(b.String(), "\n")
	for i := range out {
		out[i] = strings.TrimRight(out[i], " ")
	}
	return strings.Join(out, "\n") + "\n"
}

// fitsColumns says whether a table of columns of widths fits a terminal
// of width: the columns before the last must fit (columnRow wraps the last
// beside them or below them). A table that does not fit is printed as
// cards (columnCard); width <= 0 (a pipe) always fits.
func fitsColumns(widths []int, width int) bool {
	if width <= 0 {
		return true
	}
	used := 0
	for _, w := range widths[:len(widths)-1] {
		used += w + 2
	}
	return used-2 <= width
}

// columnCard prints one row of a table too wide for the terminal as a
// card: the first cell on a line of its own, then each other cell under
// its column's name, wrapped to the width. first says whether this is the
// first card (the others are set apart by a blank line).
func columnCard(headers, cells []string, width int, first bool, style func(col int, s string) string) string {
	if style == nil {
		style = func(_ int, s string) string { return s }
	}
	var b strings.Builder
	if !first {
		b.WriteByte('\n')
	}
	b.WriteString(style(0, cells[0]) + "\n")
	w := 0
	for _, h := range headers[1:] {
		w = max(w, len(h))
	}
	for i, c := range cells[1:] {
		if c == "" {
			continue
		}
		label := fmt.Sprintf("  %-*s  ", w, strings.ToLower(headers[i+1]))
		for j, l := range strings.Split(strings.TrimSuffix(hang(label, c, width), "\n"), "\n") {
			if j == 0 {
				l = label + style(i+1, strings.TrimPrefix(l, label))
			}
			b.WriteString(strings.TrimRight(l, " ") + "\n")
		}
	}
	return b.String()
}
