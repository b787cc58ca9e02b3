package cmdutil

import (
	"errors"
	"fmt"
	"strings"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/report"
)

// UsageError is bad usage or bad input: an unknown flag, a bad flag value,
// an invalid domain or IP, an unreadable file. It exits with
// report.ExitUsage after its message and a pointer to --help.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Message is the text for a person (checks.Messager).
func (e *UsageError) Message() string { return checks.Message(e.Err) }

// Usagef makes a UsageError.
func Usagef(format string, a ...any) error {
	return &UsageError{Err: fmt.Errorf(format, a...)}
}

// IncompleteError is a failure that kept a command from finishing: it
// exits with report.ExitIncomplete after its message.
type IncompleteError struct{ Err error }

func (e *IncompleteError) Error() string { return e.Err.Error() }
func (e *IncompleteError) Unwrap() error { return e.Err }

// Message is the text for a person (checks.Messager).
func (e *IncompleteError) Message() string { return checks.Message(e.Err) }

// Incomplete returns an IncompleteError that says msg about cause, keeping
// the cause for errors.Is and As: Incomplete("writing the report", err).
func Incomplete(msg string, cause error) error {
	return &IncompleteError{Err: &checks.Error{Msg: msg, Err: cause}}
}

// Usage returns a UsageError that says msg about cause, keeping the cause:
// Usage("cannot use --ca "+path, err).
func Usage(msg string, cause error) error {
	return &UsageError{Err: &checks.Error{Msg: msg, Err: cause}}
}

// ErrorText is the one rendering of an error for a person, on one line:
// what checks.Message gives (no internal package names), with line breaks
// folded into spaces.
func ErrorText(err error) string {
	return strings.ReplaceAll(strings.TrimSpace(checks.Message(err)), "\n", " ")
}

// ExitError ends a command that has already written its output with a
// non-zero exit code and nothing more to say.
type ExitError struct{ Code report.Exit }

func (e *ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// ExitWith returns nil for report.ExitOK and an ExitError otherwise.
func ExitWith(code report.Exit) error {
	if code == report.ExitOK {
		return nil
	}
	return &ExitError{Code: code}
}

// ExitCodeOf maps an error returned by a command to its exit code and says
// whether its message should be printed.
func ExitCodeOf(err error) (code report.Exit, printMessage bool) {
	var exit *ExitError
	var usage *UsageError
	var incomplete *IncompleteError
	switch {
	case err == nil:
		return report.ExitOK, false
	case errors.As(err, &exit):
		return exit.Code, false
	case errors.As(err, &usage):
		return report.ExitUsage, true
	case errors.As(err, &incomplete):
		return report.ExitIncomplete, true
	}
	// Anything else comes from cobra itself before a command ran: an
	// unknown command or a wrong number of arguments.
	return report.ExitUsage, true
}
