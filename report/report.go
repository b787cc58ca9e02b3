// Package report renders relayctl's check reports — a table for people,
// JSON and NDJSON for programs — and turns them into the exit code of
// docs/contract.md. It does no I/O beyond the writer it is given.
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
	// The formats for CI systems (docs/ci.md): whole documents, written
	// on Close, for commands that produce check reports only.
	FormatJUnit    Format = "junit"
	FormatSARIF    Format = "sarif"
	FormatMarkdown Format = "markdown"
)

// Formats lists the accepted --output values in the order help shows them.
var Formats = []Format{FormatTable, FormatJSON, FormatNDJSON, FormatJUnit, FormatSARIF, FormatMarkdown}

// CIFormats are the formats only check reports have: a command that
// prints records (bounce parse, send) refuses them.
var CIFormats = []Format{FormatJUnit, FormatSARIF, FormatMarkdown}

// ForReports reports whether f is one of CIFormats.
func (f Format) ForReports() bool {
	for _, c := range CIFormats {
		if f == c {
			return true
		}
	}
	return false
}

// ParseFormat validates an --output value.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", checks.NewError("report", ErrBadFormat, fmt.Sprintf("unknown output format %q: want table, json, ndjson, junit, sarif or markdown", s))
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
	// FailOn is the run's --fail-on gate: JUnit marks a warn check as a
	// failure only when the gate is warn.
	FailOn FailOn
	// Version is relayctl's version, for SARIF's tool.driver.
	Version string
	// Codes describes a finding code for SARIF's rules (help text and
	// the RFC's address); nil or false leaves a rule with its id only.
	Codes func(code string) (CodeInfo, bool)
	// Locate names the file (a path relative to the working directory,
	// with / between folders) and line a SARIF result about a report
	// points at, from its target and source (checks.Report); nil, or an
	// empty path, points at the source's file, else at the target itself.
	Locate func(target, source string) (path string, line int)
}

// CodeInfo is what the CI formats say about a finding code, from the
// tables "relayctl explain" reads.
type CodeInfo struct {
	Meaning string
	Why     string
	Fix     string
	Example string
	// HelpURI is the address of the RFC the code's check follows, when
	// it has one.
	HelpURI string
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
	case FormatJUnit:
		return NewJUnit(w, opt), nil
	case FormatSARIF:
		return NewSARIF(w, opt), nil
	case FormatMarkdown:
		return NewMarkdown(w, opt), nil
	}
	return nil, checks.NewError("report", ErrBadFormat, fmt.Sprintf("unknown output format %q", format))
}
