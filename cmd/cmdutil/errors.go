package cmdutil

import (
	"errors"
	"fmt"

	"github.com/relayctl/relayctl/report"
)

// UsageError is bad usage or bad input: an unknown flag, a bad flag value,
// an invalid domain or IP, an unreadable file. It exits with
// report.ExitUsage after its message and a pointer to --help.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef makes a UsageError.
func Usagef(format string, a ...any) error {
	return &UsageError{Err: fmt.Errorf(format, a...)}
}

// IncompleteError is a failure that kept a command from finishing: it
// exits with report.ExitIncomplete after its message.
type IncompleteError struct{ Err error }

func (e *IncompleteError) Error() string { return e.Err.Error() }
func (e *IncompleteError) Unwrap() error { return e.Err }

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
