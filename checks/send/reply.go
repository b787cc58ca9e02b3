package send

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
)

// Reply is one SMTP reply (RFC 5321 §4.2): a three-digit code, the
// enhanced status code of RFC 3463 when the server gives one, and its
// text lines.
type Reply struct {
	Code   int
	Status string // "5.1.1", or empty
	Lines  []string
}

// Limits that keep a hostile server from growing a reply without end.
const (
	maxReplyLine  = 4096 // RFC 5321 §4.5.3.1.5 allows 512; servers exceed it
	maxReplyLines = 200
)

// Class is the first digit of the code: 2 success, 3 intermediate, 4
// temporary failure, 5 permanent failure.
func (r *Reply) Class() int { return r.Code / 100 }

// Temporary reports a 4xx reply.
func (r *Reply) Temporary() bool { return r.Class() == 4 }

// Permanent reports a 5xx reply.
func (r *Reply) Permanent() bool { return r.Class() == 5 }

// Text is the reply's text lines joined by a space, the enhanced status
// code left in place.
func (r *Reply) Text() string { return strings.Join(r.Lines, " ") }

// String is the reply as one line: "250 2.0.0 Ok: queued as 4XyZ".
func (r *Reply) String() string {
	if r == nil {
		return ""
	}
	if len(r.Lines) == 0 {
		return strconv.Itoa(r.Code)
	}
	return strconv.Itoa(r.Code) + " " + r.Text()
}

// readReply reads one reply, single- or multi-line ("250-…" lines then
// "250 …"). line receives each raw line for the transcript.
func readReply(br *bufio.Reader, line func(string)) (*Reply, error) {
	r := &Reply{}
	for i := 0; ; i++ {
		s, err := readLine(br)
		if err != nil {
			return nil, err
		}
		if line != nil {
			line(s)
		}
		code, more, text, err := parseReplyLine(s)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			r.Code = code
		} else if code != r.Code {
			return nil, fmt.Errorf("%w: code %d in a reply that began with %d", ErrProtocol, code, r.Code)
		}
		if i >= maxReplyLines {
			return nil, fmt.Errorf("%w: more than %d lines", ErrProtocol, maxReplyLines)
		}
		r.Lines = append(r.Lines, text)
		if !more {
			break
		}
	}
	r.Status = enhancedStatus(r.Code, r.Lines[0])
	return r, nil
}

// readLine reads up to CRLF (a bare LF is accepted) with a length limit.
func readLine(br *bufio.Reader) (string, error) {
	var b []byte
	for {
		chunk, isPrefix, err := br.ReadLine()
		if err != nil {
			return "", err
		}
		b = append(b, chunk...)
		if len(b) > maxReplyLine {
			return "", fmt.Errorf("%w: a line longer than %d bytes", ErrProtocol, maxReplyLine)
		}
		if !isPrefix {
			return string(b), nil
		}
	}
}

// parseReplyLine splits "250-text" / "250 text" / "250" (RFC 5321 §4.2:
// Reply-line = *( Reply-code "-" [ textstring ] CRLF ) Reply-code [ SP
// textstring ] CRLF).
func parseReplyLine(s string) (code int, more bool, text string, err error) {
	if len(s) < 3 {
		return 0, false, "", fmt.Errorf("%w: %q", ErrProtocol, clip(s))
	}
	for i := 0; i < 3; i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false, "", fmt.Errorf("%w: %q", ErrProtocol, clip(s))
		}
	}
	code, _ = strconv.Atoi(s[:3])
	if code < 200 || code > 599 {
		return 0, false, "", fmt.Errorf("%w: code %d out of range", ErrProtocol, code)
	}
	if len(s) == 3 {
		return code, false, "", nil
	}
	switch s[3] {
	case '-':
		return code, true, s[4:], nil
	case ' ':
		return code, false, s[4:], nil
	}
	return 0, false, "", fmt.Errorf("%w: %q", ErrProtocol, clip(s))
}

// enhancedStatus takes the RFC 3463 code from the start of the text when
// its class agrees with the reply code's ("550 5.1.1 …").
func enhancedStatus(code int, text string) string {
	f := strings.Fields(text)
	if len(f) == 0 {
		return ""
	}
	parts := strings.Split(f[0], ".")
	if len(parts) != 3 || len(parts[0]) != 1 || parts[0][0]-'0' != byte(code/100) {
		return ""
	}
	for _, p := range parts {
		if p == "" || len(p) > 3 {
			return ""
		}
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				return ""
			}
		}
	}
	return f[0]
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
