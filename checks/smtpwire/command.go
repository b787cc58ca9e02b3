package smtpwire

import (
	"errors"
	"io"
	"strings"
)

// ErrLineBreak is a command that carries a CR or LF of its own: written,
// it would smuggle a second command (RFC 5321 §2.3.8: lines end in CRLF
// and nowhere else).
var ErrLineBreak = errors.New("smtpwire: line break in a command")

// WriteCommand writes one command line and its CRLF (RFC 5321 §4.1.1).
// A line with a CR or LF in it is not written: the error is ErrLineBreak.
func WriteCommand(w io.Writer, line string) error {
	if strings.ContainsAny(line, "\r\n") {
		return ErrLineBreak
	}
	_, err := io.WriteString(w, line+"\r\n")
	return err
}
