// Package report renders relayctl's check reports — a table for people,
// JSON and NDJSON for programs — and turns them into the exit code of
// SPEC.md. It does no I/O beyond the writer it is given.
package report

import (
	"fmt"
	"io"

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
	return "", fmt.Errorf("%w %q: want table, json or ndjson", ErrBadFormat, s)
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
	// Color turns on ANSI colour and box-drawing borders. The caller
	// decides (a terminal, no NO_COLOR, no --no-color); without it the
	// table is plain, space-aligned text.
	Color bool
	// Width, when above zero, is the terminal width the coloured table
	// wraps its cells to fit.
	Width int
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
	return nil, fmt.Errorf("%w %q", ErrBadFormat, format)
}
