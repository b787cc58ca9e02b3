package smtpprobe

import (
	"errors"

	"github.com/relayctl/relayctl/checks"
)

// Errors of a probe. Malformed replies are smtpwire's protocol errors
// (smtpwire.ErrProtocol and its kinds); refusals are *smtpwire.Error.
var (
	ErrUnreachable = errors.New("smtpprobe: cannot connect")
	ErrTimeout     = errors.New("smtpprobe: timed out")
	ErrClosed      = errors.New("smtpprobe: the server closed the connection")
	ErrBadTarget   = errors.New("smtpprobe: invalid target")
	ErrInjection   = errors.New("smtpprobe: data sent after the STARTTLS reply, before the handshake")
)

// newError is an error of the probe with its words kept apart from the
// package name (checks.Error).
func newError(kind error, msg string, cause error) *checks.Error {
	return checks.WrapError("smtpprobe", kind, msg, cause)
}
