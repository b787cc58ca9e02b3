package tlsx

import (
	"errors"
	"strings"
)

// LibraryText is the text of an error from crypto/tls or crypto/x509 for
// a person: the same words without the library's "tls: " or "x509: "
// prefix. It is the one place relayctl trims a library's error text;
// callers that know the error's type say it in their own words first.
func LibraryText(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	for _, p := range []string{"x509: ", "tls: "} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return rest
		}
	}
	return s
}

// libraryError is an error from crypto/tls or crypto/x509 that speaks
// to a person without the library's prefix.
type libraryError struct{ err error }

func (e *libraryError) Error() string   { return e.err.Error() }
func (e *libraryError) Message() string { return LibraryText(e.err) }
func (e *libraryError) Unwrap() error   { return e.err }

// PersonError wraps a crypto/tls or crypto/x509 error so that
// checks.Message renders it without the library's prefix; Error() and
// errors.Is/As are unchanged. A nil error stays nil.
func PersonError(err error) error {
	if err == nil {
		return nil
	}
	var le *libraryError
	if errors.As(err, &le) {
		return err
	}
	return &libraryError{err}
}
