package cfws

import "strconv"

// Prefix names the package a SyntaxError belongs to. Making it a type
// parameter keeps the errors of the trace and the Authentication-Results
// parsers distinct types for errors.As.
type Prefix interface{ Prefix() string }

// SyntaxError is a problem in one header field at a 1-based byte column
// of its unfolded body (0 when it concerns the field as a whole).
type SyntaxError[P Prefix] struct {
	Col int
	Msg string
	Err error // the package's sentinel
}

// Error is the package prefix and Message, for logs.
func (e *SyntaxError[P]) Error() string {
	var p P
	return p.Prefix() + ": " + e.Message()
}

// Message is the text for a person: the column and what is wrong.
func (e *SyntaxError[P]) Message() string {
	if e.Col > 0 {
		return "col " + strconv.Itoa(e.Col) + ": " + e.Msg
	}
	return e.Msg
}

func (e *SyntaxError[P]) Unwrap() error { return e.Err }

// At returns a SyntaxError at the 0-based offset pos.
func At[P Prefix](pos int, kind error, msg string) *SyntaxError[P] {
	return &SyntaxError[P]{Col: pos + 1, Msg: msg, Err: kind}
}

// FromLex turns a lexer's error into a package's: tooLong for a field
// over the bound, syntax at the offset otherwise.
func FromLex[P Prefix](e *Error, tooLong, syntax error) *SyntaxError[P] {
	if e.TooLong {
		return &SyntaxError[P]{Msg: e.Msg, Err: tooLong}
	}
	return At[P](e.Pos, syntax, e.Msg)
}
