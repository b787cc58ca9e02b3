package checks

import "strings"

// Error is an error a person may read, with its parts kept as data so its
// text is rendered once and never recovered by trimming another error's
// text.
//
// Error() is for logs and wrapping: it starts with the raising package
// ("spf: col 23: unknown mechanism"). Message() is for people: the same
// words without the package name, followed by the cause's own Message.
// errors.Is matches Kind (a package sentinel such as ErrBadInput) and
// anything in Err's chain.
type Error struct {
	// Pkg is the package that raised the error ("spf"); it appears only
	// in Error().
	Pkg string
	// Kind is the sentinel this error is an instance of, for errors.Is;
	// may be nil. Its text is not repeated: Msg says it in full.
	Kind error
	// Msg is what went wrong, for a person, without a package prefix.
	Msg string
	// Err is the cause, may be nil. Its Message follows Msg after ": ".
	Err error
}

// Error implements error: the package prefix, Msg, then the cause.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Pkg != "" {
		b.WriteString(e.Pkg)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Err != nil {
		if e.Msg != "" {
			b.WriteString(": ")
		}
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Message is the text for a person: Msg, then the cause's Message.
func (e *Error) Message() string {
	if e.Err == nil {
		return e.Msg
	}
	cause := Message(e.Err)
	if e.Msg == "" {
		return cause
	}
	return e.Msg + ": " + cause
}

// Unwrap gives errors.Is and errors.As both the Kind and the cause.
func (e *Error) Unwrap() []error {
	switch {
	case e.Kind != nil && e.Err != nil:
		return []error{e.Kind, e.Err}
	case e.Kind != nil:
		return []error{e.Kind}
	case e.Err != nil:
		return []error{e.Err}
	}
	return nil
}

// Is makes errors.Is(err, kind) true for an *Error of that Kind even when
// Kind is compared before the cause is walked.
func (e *Error) Is(target error) bool { return e.Kind != nil && target == e.Kind }

// Messager is implemented by errors whose text for a person differs from
// Error(): *Error, and the typed errors of packages with richer parts
// (an SPF syntax error with its column, an SMTP reply with its codes).
type Messager interface {
	Message() string
}

// Message renders err for a person. An error that implements Messager
// speaks for itself; any other error (from the standard library or a
// dependency) is shown as it is. A nil error is "".
//
// Code that adds context to an error meant for people wraps it in an
// *Error (Msg the context, Err the cause) rather than fmt.Errorf, so the
// context and the cause both keep their person-facing text.
func Message(err error) string {
	if err == nil {
		return ""
	}
	if m, ok := err.(Messager); ok {
		return m.Message()
	}
	return err.Error()
}

// NewError returns an *Error of pkg and kind with msg and no cause.
func NewError(pkg string, kind error, msg string) *Error {
	return &Error{Pkg: pkg, Kind: kind, Msg: msg}
}

// WrapError returns an *Error of pkg and kind that says msg about cause.
func WrapError(pkg string, kind error, msg string, cause error) *Error {
	return &Error{Pkg: pkg, Kind: kind, Msg: msg, Err: cause}
}

// JoinErrors is the Error() text of a list of errors found together (the
// syntax errors of one record): each error's text, joined with "; ".
func JoinErrors[E error](es []E) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// JoinMessages is JoinErrors for a person: each error's Message, joined
// with "; ".
func JoinMessages[E error](es []E) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = Message(e)
	}
	return strings.Join(parts, "; ")
}
