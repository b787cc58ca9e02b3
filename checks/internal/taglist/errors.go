package taglist

import (
	"fmt"
	"strings"

	"github.com/relayctl/relayctl/checks"
)

// Prefix is the package an error belongs to: a type whose Prefix method
// returns the text every message starts with, such as "dkim: ". Making
// it a type parameter keeps dkim's and dmarc's errors distinct types, so
// errors.As with one never matches the other.
type Prefix interface{ Prefix() string }

// SyntaxError is one problem in a record, at a 1-based byte column (0
// when it concerns the record as a whole) and tag ("" when no tag could
// be read).
type SyntaxError[P Prefix] struct {
	Col int
	Tag string
	Msg string
	Err error // the package's sentinel
}

func (e *SyntaxError[P]) Error() string {
	var p P
	return p.Prefix() + e.Message()
}

// Message is the error for a person: the column, tag and message,
// without the package prefix (checks.Messager).
func (e *SyntaxError[P]) Message() string {
	var b strings.Builder
	if e.Col > 0 {
		fmt.Fprintf(&b, "col %d: ", e.Col)
	}
	if e.Tag != "" {
		fmt.Fprintf(&b, "tag %s: ", e.Tag)
	}
	b.WriteString(e.Msg)
	return b.String()
}

func (e *SyntaxError[P]) Unwrap() error { return e.Err }

// Errors is every problem a parser found, in the order of the record.
type Errors[P Prefix] []*SyntaxError[P]

func (es Errors[P]) Error() string { return checks.JoinErrors(es) }

// Message is every error's Message, joined with "; ".
func (es Errors[P]) Message() string { return checks.JoinMessages(es) }

func (es Errors[P]) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}
