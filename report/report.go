// Package report renders relayctl's check reports — a table for people,
// JSON and NDJSON for programs — and turns them into the exit code of
// SPEC.md. It does no I/O beyond the writer it is given.
package report

import (
	"fmt"
	"io"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/relayctl/relayctl/checks"
)

// Format is an output format named by -o/--output.
type Format string

const (
	FormatTable  Format = "table"
	FormatJSON   Format = "json"
	FormatNDJSON Format = "ndjson"
)

// Formats lists the accepted --output values in the order help shows them.
var Formats = []Format{FormatTable, FormatJSON, FormatNDJSON}

// ParseFormat validates an --output value.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", checks.NewError("report", ErrBadFormat, fmt.Sprintf("unknown output format %q: want table, json or ndjson", s))
}

// Writer receives reports one at a time, in the order they are to be
// shown, and finishes the output on Close. The table and NDJSON writers
// print each report as it arrives; the JSON writer holds them until Close
// because it prints one value.
type Writer interface {
	Write(rep checks.Report) error
	Close() error
}

// Options shape the table.
type Options struct {
	// Terminal asks for the layout of a terminal: box-drawing borders,
	// text wrapped to Width. Without it (and without Color) the table is
	// plain, space-aligned text for a pipe.
	Terminal bool
	// Color adds ANSI colour to the terminal layout (and implies it). The
	// caller decides (a terminal, no NO_COLOR, no --no-color): NO_COLOR
	// removes the colour, never the layout.
	Color bool
	// Width, when above zero, is the terminal width every table wraps its
	// text to fit.
	Width int
}

// terminal says whether to draw the terminal layout.
func (o Options) terminal() bool { return o.Terminal || o.Color }

// renderer is the lipgloss renderer of the terminal layout: the 16 basic
// ANSI colours look right on every terminal, so no profile detection (and
// the same bytes in tests as on a terminal); without Color, no escape code
// at all.
func renderer(w io.Writer, opt Options) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(w)
	r.SetHasDarkBackground(true)
	if opt.Color {
		r.SetColorProfile(termenv.ANSI)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	return r
}

// NewWriter returns the writer for format. For FormatJSON, single says
// whether the run has exactly one target (an object) or several (an
// array), decided by the number of targets asked for, not by how many
// reports arrive.
func NewWriter(format Format, w io.Writer, opt Options, single bool) (Writer, error) {
	switch format {
	case FormatTable, "":
		return NewTable(w, opt), nil
	case FormatJSON:
		return NewJSON(w, single), nil
	case FormatNDJSON:
		return NewNDJSON(w), nil
	}
	return nil, checks.NewError("report", ErrBadFormat, fmt.Sprintf("unknown output format %q", format))
}
