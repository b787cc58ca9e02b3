package smtpwire

import "strconv"

// Error is a reply that refused a step, its parts kept as data (like
// mox's smtpclient.Error) so that a client can judge it — 4xx or 5xx,
// which enhanced status code — and render it once, for a person.
type Error struct {
	// Permanent is a 5xx reply; otherwise 4xx (or an unexpected 2xx/3xx,
	// which is not permanent either).
	Permanent bool
	Code      int
	Secode    string // RFC 3463, or empty
	// Command is the command refused ("EHLO", "STARTTLS", "MAIL"); empty
	// for the greeting.
	Command string
	// Reply is the whole reply.
	Reply *Reply
}

// Refused makes the Error of reply r to command (empty for the
// greeting).
func Refused(command string, r *Reply) *Error {
	return &Error{Permanent: r.Permanent(), Code: r.Code, Secode: r.Secode, Command: command, Reply: r}
}

// Error is Message with the package name, for logs.
func (e *Error) Error() string { return "smtpwire: " + e.Message() }

// Message says what was refused and how: "the server greeted with 554
// 5.7.1 no service", "STARTTLS was refused: 454 4.7.0 TLS not available".
func (e *Error) Message() string {
	reply := e.Reply.String()
	if e.Reply == nil {
		reply = strconv.Itoa(e.Code)
	}
	if e.Command == "" {
		return "the server greeted with " + reply
	}
	return e.Command + " was refused: " + reply
}
