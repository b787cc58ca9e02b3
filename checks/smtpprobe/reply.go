package smtpprobe

import (
	"errors"
	"fmt"
	"strings"
)

// Limits on what the probe reads from a server, so that a hostile or
// broken one cannot make it hold unbounded memory. RFC 5321 §4.5.3.1.5
// caps a reply line at 512 octets; the probe is generous but bounded.
const (
	maxLineLen      = 4096 // bytes in one reply line, CRLF included
	maxReplyLines   = 100  // lines in one multi-line reply
	maxTranscript   = 200  // lines kept in Probe.Transcript
	maxTranscriptLn = 300  // bytes kept of one transcript line
)

// Reply is one SMTP reply (RFC 5321 §4.2): a three-digit code, the
// enhanced status code when the server uses them (RFC 3463), and the text
// of its lines joined by "\n" (without the codes).
type Reply struct {
	Code     int    `json:"code"`
	Enhanced string `json:"enhanced,omitempty"`
	Text     string `json:"text"`

	lines []string // each line's text, for EHLO parsing
}

// Class is the first digit of the code: 2 success, 3 intermediate, 4
// temporary failure, 5 permanent failure.
func (r *Reply) Class() int { return r.Code / 100 }

// String is the reply as a person would read it in one line.
func (r *Reply) String() string {
	if r == nil {
		return ""
	}
	s := fmt.Sprintf("%d", r.Code)
	if r.Enhanced != "" {
		s += " " + r.Enhanced
	}
	if t := strings.ReplaceAll(r.Text, "\n", " / "); t != "" {
		s += " " + t
	}
	return s
}

// Errors reading replies.
var (
	ErrBadReply    = errors.New("smtpprobe: malformed reply")
	ErrLongLine    = errors.New("smtpprobe: reply line too long")
	ErrManyLines   = errors.New("smtpprobe: reply has too many lines")
	ErrMixedCodes  = errors.New("smtpprobe: reply lines carry different codes")
	ErrUnreachable = errors.New("smtpprobe: cannot connect")
	ErrTimeout     = errors.New("smtpprobe: timed out")
	ErrClosed      = errors.New("smtpprobe: the server closed the connection")
	ErrBadTarget   = errors.New("smtpprobe: invalid target")
	ErrInjection   = errors.New("smtpprobe: data sent after the STARTTLS reply, before the handshake")
)

// parseLine splits one reply line (without CRLF) into its code, whether
// more lines follow, and its text (RFC 5321 §4.2.1: "ddd-text" on every
// line but the last, "ddd text" or "ddd" on the last).
func parseLine(line string) (code int, more bool, text string, err error) {
	if len(line) < 3 {
		return 0, false, "", fmt.Errorf("%w: %q", ErrBadReply, clip(line))
	}
	for i := 0; i < 3; i++ {
		if line[i] < '0' || line[i] > '9' {
			return 0, false, "", fmt.Errorf("%w: %q", ErrBadReply, clip(line))
		}
	}
	// RFC 5321 §4.2: the first digit is 2 to 5, the second 0 to 5.
	if line[0] < '2' || line[0] > '5' || line[1] > '5' {
		return 0, false, "", fmt.Errorf("%w: code %q out of range", ErrBadReply, line[:3])
	}
	code = int(line[0]-'0')*100 + int(line[1]-'0')*10 + int(line[2]-'0')
	if len(line) == 3 {
		return code, false, "", nil
	}
	switch line[3] {
	case '-':
		more = true
	case ' ':
	default:
		return 0, false, "", fmt.Errorf("%w: %q", ErrBadReply, clip(line))
	}
	return code, more, line[4:], nil
}

// splitEnhanced takes an RFC 3463 enhanced status code ("5.7.0") off the
// front of a reply text when its class matches the reply code's.
func splitEnhanced(code int, text string) (enhanced, rest string) {
	field, after, _ := strings.Cut(text, " ")
	parts := strings.Split(field, ".")
	if len(parts) != 3 || len(field) > 11 {
		return "", text
	}
	for _, p := range parts {
		if p == "" || len(p) > 3 || strings.Trim(p, "0123456789") != "" {
			return "", text
		}
	}
	if parts[0] != fmt.Sprint(code/100) {
		return "", text
	}
	return field, after
}

// clip shortens a line for an error message or the transcript and makes
// it valid UTF-8.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) > maxTranscriptLn {
		s = strings.ToValidUTF8(s[:maxTranscriptLn], "") + "…"
	}
	return s
}
