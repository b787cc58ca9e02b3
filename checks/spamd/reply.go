package spamd

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
)

// Limits on what the client reads, so that a hostile server costs
// bounded memory.
const (
	// maxLine is the longest status or header line (spamd's are well
	// under 200 bytes; it echoes a bad request line in its error).
	maxLine = 4096
	// maxHeaders is the most header lines a reply may have.
	maxHeaders = 32
	// MaxReportSize is the largest report body read. spamd's report is a
	// few kilobytes: a preamble, a preview and a line or two per rule.
	MaxReportSize = 256 * 1024
)

// reply is one SPAMD reply.
type reply struct {
	version string // "1.1"
	text    string // after the status code: "EX_OK", "PONG"
	spam    *spamHeader
	body    []byte
}

// spamHeader is the Spam header: "True ; 17.1 / 5.0".
type spamHeader struct {
	spam             bool
	score, threshold float64
}

func protoErr(msg string) error { return newErr(ErrProtocol, msg, nil) }

// readLine reads one line of at most maxLine bytes and returns it
// without its line end (CRLF or LF).
func readLine(br *bufio.Reader, what string) (string, error) {
	line, err := br.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return "", protoErr(what + " is longer than " + strconv.Itoa(maxLine) + " bytes")
	case errors.Is(err, io.EOF) && len(line) > 0:
		return "", protoErr(what + " ends without a line break: the connection closed half-way")
	case errors.Is(err, io.EOF):
		return "", protoErr("spamd closed the connection without sending " + what)
	case err != nil:
		return "", err
	}
	line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
	return string(line), nil
}

// readReply reads a reply to method: the status line; for any method but
// PING the headers; for REPORT the body, exactly Content-length bytes, or
// up to the end of the connection when spamd sends no length.
func readReply(br *bufio.Reader, method string) (*reply, error) {
	line, err := readLine(br, "a status line")
	if err != nil {
		return nil, err
	}
	rep, err := parseStatus(line)
	if err != nil {
		return nil, err
	}
	if method == "PING" {
		return rep, nil
	}
	length := -1
	for n := 0; ; n++ {
		line, err := readLine(br, "a header line")
		if err != nil {
			return nil, err
		}
		if line == "" {
			break
		}
		if n == maxHeaders {
			return nil, protoErr("the reply has more than " + strconv.Itoa(maxHeaders) + " header lines")
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, protoErr("bad header line in spamd's reply: " + strconv.Quote(printable(line, 80)))
		}
		value = strings.TrimSpace(value)
		switch strings.ToLower(name) {
		case "content-length":
			n, err := strconv.Atoi(value)
			if err != nil || n < 0 {
				return nil, protoErr("bad Content-length in spamd's reply: " + strconv.Quote(printable(value, 40)))
			}
			length = n
		case "spam":
			h, err := parseSpamHeader(value)
			if err != nil {
				return nil, err
			}
			rep.spam = h
		}
		// PROTOCOL: headers a client does not know are ignored.
	}
	if method != "REPORT" {
		return rep, nil
	}
	rep.body, err = readBody(br, length)
	return rep, err
}

// parseStatus reads "SPAMD/1.1 0 EX_OK". A code other than 0 is a
// *ServerError.
func parseStatus(line string) (*reply, error) {
	proto, rest, _ := strings.Cut(line, " ")
	version, ok := strings.CutPrefix(proto, "SPAMD/")
	if !ok {
		return nil, protoErr("not a spamd reply: " + strconv.Quote(printable(line, 80)))
	}
	major, minor, ok := strings.Cut(version, ".")
	if !ok || major != "1" || !allDigits(minor) || len(minor) > 3 {
		return nil, protoErr("unsupported protocol version SPAMD/" + printable(version, 20) + " (this client speaks SPAMC/1.5 and reads SPAMD/1.x)")
	}
	codeText, text, _ := strings.Cut(rest, " ")
	if !allDigits(codeText) || len(codeText) > 3 {
		return nil, protoErr("bad status code in spamd's reply: " + strconv.Quote(printable(line, 80)))
	}
	code, _ := strconv.Atoi(codeText)
	text = strings.TrimSpace(text)
	if code != 0 {
		return nil, &ServerError{Code: code, Text: printable(text, 200)}
	}
	return &reply{version: version, text: text}, nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseSpamHeader reads "True ; 17.1 / 5.0" (PROTOCOL, CHECK; "Yes" and
// "No" are what versions before 1.1 sent).
func parseSpamHeader(v string) (*spamHeader, error) {
	bad := func() error { return protoErr("bad Spam header in spamd's reply: " + strconv.Quote(printable(v, 80))) }
	flag, scores, ok := strings.Cut(v, ";")
	if !ok {
		return nil, bad()
	}
	score, threshold, ok := strings.Cut(scores, "/")
	if !ok {
		return nil, bad()
	}
	h := &spamHeader{}
	switch strings.ToLower(strings.TrimSpace(flag)) {
	case "true", "yes":
		h.spam = true
	case "false", "no":
	default:
		return nil, bad()
	}
	var err1, err2 error
	h.score, err1 = parsePoints(strings.TrimSpace(score))
	h.threshold, err2 = parsePoints(strings.TrimSpace(threshold))
	if err1 != nil || err2 != nil {
		return nil, bad()
	}
	return h, nil
}

// parsePoints reads a score: a decimal number, finite, not in exponent
// form ("17.1", "-0.0", "1000").
func parsePoints(s string) (float64, error) {
	digits := strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	whole, frac, _ := strings.Cut(digits, ".")
	if !allDigits(whole) || frac != "" && !allDigits(frac) || len(digits) > 24 {
		return 0, strconv.ErrSyntax
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, strconv.ErrSyntax
	}
	return f, nil
}

// readBody reads length bytes, or to the end of the stream when length
// is -1, refusing more than MaxReportSize.
func readBody(br *bufio.Reader, length int) ([]byte, error) {
	if length > MaxReportSize {
		return nil, protoErr("spamd announced a report of " + strconv.Itoa(length) + " bytes, more than the " + strconv.Itoa(MaxReportSize) + " this client reads")
	}
	if length >= 0 {
		body := make([]byte, length)
		n, err := io.ReadFull(br, body)
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, protoErr("spamd's report ended after " + strconv.Itoa(n) + " of the " + strconv.Itoa(length) + " bytes it announced")
		}
		return body, err
	}
	body, err := io.ReadAll(io.LimitReader(br, MaxReportSize+1))
	if err != nil {
		return nil, err
	}
	if len(body) > MaxReportSize {
		return nil, protoErr("spamd's report is longer than the " + strconv.Itoa(MaxReportSize) + " bytes this client reads")
	}
	return body, nil
}
