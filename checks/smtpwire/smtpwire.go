// Package smtpwire is the SMTP wire format (RFC 5321) that every relayctl
// SMTP client shares: replies and their enhanced status codes (RFC 3463),
// reading them within one set of limits, the EHLO reply and its
// extensions, the EHLO name, and the dot-stuffed message data.
//
// It holds no dialogue: the submission client (checks/send), the probe
// (checks/smtpprobe) and any other client each drive their own, and read
// and write through this package so that they agree on what the wire
// says.
package smtpwire

import (
	"errors"
	"fmt"
)

// Limits on what is read from a server, so that a hostile or broken one
// cannot make a client hold unbounded memory. RFC 5321 §4.5.3.1.5 caps a
// reply line at 512 octets; servers exceed it, so the limit is generous
// but bounded.
const (
	// MaxLineLen is the longest reply line accepted, its CRLF included.
	MaxLineLen = 4096
	// MaxReplyLines is the most lines one (multi-line) reply may have.
	MaxReplyLines = 100
)

// ErrProtocol is matched by every error that says the server's output is
// not SMTP: the sentinels below, through *ProtocolError.
var ErrProtocol = errors.New("smtpwire: protocol error")

// Kinds of protocol error.
var (
	ErrMalformed  = errors.New("smtpwire: malformed reply")
	ErrLongLine   = errors.New("smtpwire: reply line too long")
	ErrManyLines  = errors.New("smtpwire: reply has too many lines")
	ErrMixedCodes = errors.New("smtpwire: reply lines carry different codes")
)

// ProtocolError is output from the server that is not an SMTP reply.
// errors.Is matches both ErrProtocol and its Kind.
type ProtocolError struct {
	Kind error  // ErrMalformed, ErrLongLine, ErrManyLines or ErrMixedCodes
	Msg  string // for a person, without a package name
}

func protocolError(kind error, format string, a ...any) *ProtocolError {
	return &ProtocolError{Kind: kind, Msg: fmt.Sprintf(format, a...)}
}

func (e *ProtocolError) Error() string   { return "smtpwire: " + e.Msg }
func (e *ProtocolError) Message() string { return e.Msg }

// Is matches ErrProtocol and the error's own kind.
func (e *ProtocolError) Is(target error) bool { return target == ErrProtocol || target == e.Kind }
