package mtasts

import (
	"fmt"
	"strings"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/internal/textutil"
)

// SyntaxError is one problem in a record (Col set) or a policy (Line
// set), both 1-based.
type SyntaxError struct {
	Line  int    `json:"line,omitempty"`
	Col   int    `json:"col,omitempty"`
	Field string `json:"field,omitempty"`
	Msg   string `json:"message"`
}

func (e *SyntaxError) Error() string { return "mtasts: " + e.Message() }

// Message is the error for a person: line or column, field and what is
// wrong, without the package prefix (checks.Messager).
func (e *SyntaxError) Message() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Col > 0 {
		fmt.Fprintf(&b, "col %d: ", e.Col)
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one record or policy.
type Errors []*SyntaxError

func (es Errors) Error() string { return checks.JoinErrors(es) }

// Message is every error's Message, joined with "; ".
func (es Errors) Message() string { return checks.JoinMessages(es) }

func (es Errors) orNil() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isWSP(c byte) bool { return c == ' ' || c == '\t' }

// quote shows a value in a message, clipped; hostile bytes are escaped.
func quote(s string) string {
	return fmt.Sprintf("%q", textutil.Clip(s, 80))
}
