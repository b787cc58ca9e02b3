package spamd

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"unicode"

	"github.com/relayctl/relayctl/checks"
)

// The kinds of error the client returns (errors.Is). A cancelled context
// is none of them: its error is context.Canceled or
// context.DeadlineExceeded, wrapped.
var (
	// ErrBadInput: the client's settings are unusable (an address without
	// a port, a User header with characters the protocol does not allow).
	ErrBadInput = errors.New("spamd: bad input")
	// ErrUnreachable: no connection to spamd.
	ErrUnreachable = errors.New("spamd: unreachable")
	// ErrTimeout: spamd did not finish reading the message or answering
	// within the timeout.
	ErrTimeout = errors.New("spamd: timeout")
	// ErrProtocol: the server's answer is not a SPAMD reply this client
	// can read: garbage, another protocol version, a line or report over
	// the limits, a missing Spam header, a connection closed half-way.
	ErrProtocol = errors.New("spamd: protocol error")
	// ErrServer: spamd answered with an error code (a *ServerError).
	ErrServer = errors.New("spamd: error reply")
	// ErrTooLarge: the message is over MaxSize and was not sent (a
	// *TooLargeError).
	ErrTooLarge = errors.New("spamd: message too large")
)

const pkg = "spamd"

func newErr(kind error, msg string, cause error) error {
	return checks.WrapError(pkg, kind, msg, cause)
}

// ServerError is a reply whose status code is not 0 (EX_OK): spamd
// refused or failed the request. Code is a sysexits.h value (76,
// EX_PROTOCOL, for a request it could not parse); Text is what spamd
// said after it, made printable and cut to a reasonable length.
type ServerError struct {
	Code int
	Text string
}

func (e *ServerError) Error() string { return "spamd: " + e.Message() }

// Message is the text for a person (checks.Messager).
func (e *ServerError) Message() string {
	s := fmt.Sprintf("spamd answered %d", e.Code)
	if n := exitName(e.Code); n != "" {
		s += " (" + n + ")"
	}
	if e.Text != "" {
		s += ": " + e.Text
	}
	return s
}

// Is makes errors.Is(err, ErrServer) true.
func (e *ServerError) Is(target error) bool { return target == ErrServer }

// exitName is the sysexits.h name of a spamd status code, "" for one it
// does not define. spamd answers with these (Mail::SpamAssassin::Spamd's
// resphash); 98 is spamc's own EX_TOOBIG.
func exitName(code int) string {
	names := map[int]string{
		0: "EX_OK", 64: "EX_USAGE", 65: "EX_DATAERR", 66: "EX_NOINPUT",
		67: "EX_NOUSER", 68: "EX_NOHOST", 69: "EX_UNAVAILABLE", 70: "EX_SOFTWARE",
		71: "EX_OSERR", 72: "EX_OSFILE", 73: "EX_CANTCREAT", 74: "EX_IOERR",
		75: "EX_TEMPFAIL", 76: "EX_PROTOCOL", 77: "EX_NOPERM", 78: "EX_CONFIG",
		79: "EX_TIMEOUT", 98: "EX_TOOBIG",
	}
	return names[code]
}

// TooLargeError says a message was not sent because it is over the size
// limit.
type TooLargeError struct {
	Size, Max int
}

func (e *TooLargeError) Error() string { return "spamd: " + e.Message() }

// Message is the text for a person (checks.Messager).
func (e *TooLargeError) Message() string {
	return fmt.Sprintf("the message is %d bytes, over the %d-byte limit (spamc's default --max-size); it was not sent to spamd", e.Size, e.Max)
}

// Is makes errors.Is(err, ErrTooLarge) true.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// netError is a network failure in our words, keeping the original error
// for errors.Is and As.
type netError struct {
	text string
	err  error
}

func (e *netError) Error() string { return e.text }
func (e *netError) Unwrap() error { return e.err }

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// netCause is the one place that turns net's errors ("dial tcp
// 127.0.0.1:783: connect: connection refused") into words for a person.
func netCause(err error) error {
	var text string
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case isTimeout(err):
		text = "timed out"
	case errors.Is(err, syscall.ECONNREFUSED):
		text = "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		text = "connection reset by the server"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		text = "connection closed by the server"
	case errors.As(err, &dnsErr):
		text = "cannot resolve " + dnsErr.Name
		if dnsErr.IsNotFound {
			text = "no such host " + dnsErr.Name
		}
	case errors.As(err, &opErr) && opErr.Err != nil:
		text = opErr.Err.Error()
	default:
		text = err.Error()
	}
	return &netError{text: text, err: err}
}

// printable makes text from the server safe to show: control characters
// become '?', invalid UTF-8 is replaced, and it is cut at max runes.
func printable(s string, max int) string {
	s = strings.ToValidUTF8(s, "?")
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == max {
			b.WriteString("…")
			break
		}
		if !unicode.IsPrint(r) {
			r = '?'
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
