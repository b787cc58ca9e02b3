package smtpwire

import (
	"bufio"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/relayctl/relayctl/internal/textutil"
)

// Reply is one SMTP reply (RFC 5321 §4.2): a three-digit code, the
// enhanced status code of RFC 3463 when the server gives one, and the
// text of its lines.
//
// In JSON it is {"code", "enhanced", "text"}, text as Text gives it.
type Reply struct {
	Code int `json:"code"`
	// Secode is the enhanced status code of the first line ("5.1.1"), or
	// empty when the server gave none.
	Secode string `json:"enhanced,omitempty"`
	// Lines are the text of each line after its code and separator, as
	// sent (the enhanced status code left in place), made valid UTF-8.
	Lines []string `json:"-"`
}

// Class is the first digit of the code: 2 success, 3 intermediate, 4
// temporary failure, 5 permanent failure.
func (r *Reply) Class() int { return r.Code / 100 }

// Temporary reports a 4xx reply (RFC 5321 §4.2.1).
func (r *Reply) Temporary() bool { return r.Class() == 4 }

// Permanent reports a 5xx reply.
func (r *Reply) Permanent() bool { return r.Class() == 5 }

// Text is the text of the lines joined by "\n", each without the enhanced
// status code that starts it.
func (r *Reply) Text() string {
	var b strings.Builder
	for i, l := range r.Lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		_, rest := ParseSecode(r.Code, l)
		b.WriteString(rest)
	}
	return b.String()
}

// Raw is the reply on one line as the server sent it: the code, then the
// lines' text joined by spaces ("250 2.0.0 Ok: queued as 4XyZ").
func (r *Reply) Raw() string {
	if r == nil {
		return ""
	}
	if len(r.Lines) == 0 {
		return strconv.Itoa(r.Code)
	}
	return strconv.Itoa(r.Code) + " " + strings.Join(r.Lines, " ")
}

// String is the reply as a person reads it on one line: the code, the
// enhanced status code, and the text, lines separated by " / ".
func (r *Reply) String() string {
	if r == nil {
		return ""
	}
	s := strconv.Itoa(r.Code)
	if r.Secode != "" {
		s += " " + r.Secode
	}
	if t := strings.ReplaceAll(r.Text(), "\n", " / "); t != "" {
		s += " " + t
	}
	return s
}

// ReadReply reads one reply, single- or multi-line ("250-…" lines, then
// "250 …"), within MaxLineLen and MaxReplyLines; every line must carry the
// same code (RFC 5321 §4.2.1). A bare LF ends a line as CRLF does.
//
// transcript, when not nil, receives each line as read, without its line
// end — and a line cut short too, before the error is returned.
//
// A line is complete only with its line end: when the connection closes
// or times out in mid-line, the reply is not taken as complete and the
// error is the read's (io.ErrUnexpectedEOF for a close), so that "250
// 2.0.0 Ok: queu" followed by silence is never a success. Output that is
// not SMTP gives a *ProtocolError.
func ReadReply(br *bufio.Reader, transcript func(line string)) (*Reply, error) {
	var r *Reply
	for n := 0; ; n++ {
		if n == MaxReplyLines {
			return nil, protocolError(ErrManyLines, "reply has too many lines (more than %d)", MaxReplyLines)
		}
		line, err := readLine(br, transcript)
		if err != nil {
			return nil, err
		}
		code, more, text, err := parseLine(line)
		if err != nil {
			return nil, err
		}
		if r == nil {
			r = &Reply{Code: code}
		} else if code != r.Code {
			return nil, protocolError(ErrMixedCodes, "reply lines carry different codes: %d then %d", r.Code, code)
		}
		r.Lines = append(r.Lines, strings.ToValidUTF8(text, "\uFFFD"))
		if !more {
			break
		}
	}
	r.Secode, _ = ParseSecode(r.Code, r.Lines[0])
	return r, nil
}

// readLine reads one line up to its LF, at most MaxLineLen bytes with it,
// and returns it without CR LF.
func readLine(br *bufio.Reader, transcript func(string)) (string, error) {
	var b []byte
	for {
		chunk, err := br.ReadSlice('\n')
		b = append(b, chunk...)
		if len(b) > MaxLineLen {
			note(transcript, b)
			return "", protocolError(ErrLongLine, "reply line too long (over %d bytes without an end of line)", MaxLineLen)
		}
		switch {
		case err == nil:
			line := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
			if transcript != nil {
				transcript(line)
			}
			return line, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		}
		// No line end: whatever came is not a line.
		note(transcript, b)
		if errors.Is(err, io.EOF) && len(b) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return "", err
	}
}

func note(transcript func(string), b []byte) {
	if transcript != nil && len(b) > 0 {
		transcript(strings.TrimRight(string(b), "\r\n"))
	}
}

// parseLine splits one reply line (without CRLF) into its code, whether
// more lines follow, and its text. RFC 5321 §4.2: Reply-line =
// *( Reply-code "-" [ textstring ] CRLF ) Reply-code [ SP textstring ]
// CRLF, and Reply-code = %x32-35 %x30-35 %x30-39.
func parseLine(line string) (code int, more bool, text string, err error) {
	if len(line) < 3 {
		return 0, false, "", malformed(line)
	}
	for i := 0; i < 3; i++ {
		if line[i] < '0' || line[i] > '9' {
			return 0, false, "", malformed(line)
		}
	}
	if line[0] < '2' || line[0] > '5' || line[1] > '5' {
		return 0, false, "", protocolError(ErrMalformed, "malformed reply: code %q out of range", line[:3])
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
		return 0, false, "", malformed(line)
	}
	return code, more, line[4:], nil
}

func malformed(line string) *ProtocolError {
	return protocolError(ErrMalformed, "malformed reply: %q", textutil.Clip(line, 80))
}

// ParseSecode takes an RFC 3463 enhanced status code ("5.7.0") off the
// front of a reply line's text when its class agrees with the reply
// code's (RFC 3463 §2: class, subject and detail, the class 2, 4 or 5,
// the others of one to three digits). Without one, secode is empty and
// rest is text.
func ParseSecode(code int, text string) (secode, rest string) {
	field, after, _ := strings.Cut(text, " ")
	parts := strings.Split(field, ".")
	if len(parts) != 3 || len(parts[0]) != 1 || int(parts[0][0])-'0' != code/100 {
		return "", text
	}
	for _, p := range parts {
		if p == "" || len(p) > 3 || strings.Trim(p, "0123456789") != "" {
			return "", text
		}
	}
	return field, after
}
