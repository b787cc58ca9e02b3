package received

import (
	"errors"
	"strconv"
)

// Sentinel errors; every *SyntaxError wraps one of them.
var (
	ErrSyntax  = errors.New("received: syntax error")
	ErrNoDate  = errors.New("received: no date-time after the last ';'")
	ErrBadDate = errors.New("received: unreadable date-time")
	ErrTooLong = errors.New("received: field too long")
)

// SyntaxError is a problem in one field at a 1-based byte column of the
// unfolded field body (0 when it concerns the field as a whole).
type SyntaxError struct {
	Col int
	Msg string
	Err error // one of the sentinels above
}

func (e *SyntaxError) Error() string { return "received: " + e.Message() }

// Message is the text for a person, without the package name.
func (e *SyntaxError) Message() string {
	if e.Col > 0 {
		return "col " + strconv.Itoa(e.Col) + ": " + e.Msg
	}
	return e.Msg
}

func (e *SyntaxError) Unwrap() error { return e.Err }

func syntaxError(pos int, kind error, msg string) *SyntaxError {
	return &SyntaxError{Col: pos + 1, Msg: msg, Err: kind}
}
