package smtpwire

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

func read(in string) (*Reply, error) {
	return ReadReply(bufio.NewReader(strings.NewReader(in)), nil)
}

func TestParseLine(t *testing.T) {
	good := []struct {
		in   string
		code int
		more bool
		text string
	}{
		{"220 mx.example ESMTP", 220, false, "mx.example ESMTP"},
		{"250-PIPELINING", 250, true, "PIPELINING"},
		{"250", 250, false, ""},
		{"554 ", 554, false, ""},
	}
	for _, c := range good {
		code, more, text, err := parseLine(c.in)
		if err != nil || code != c.code || more != c.more || text != c.text {
			t.Errorf("%q: %d %v %q %v", c.in, code, more, text, err)
		}
	}
	for _, bad := range []string{"", "22", "abc hello", "220hello", "120 x", "260 x", "2x0 y", "-220 x"} {
		if _, _, _, err := parseLine(bad); !errors.Is(err, ErrMalformed) || !errors.Is(err, ErrProtocol) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestParseSecode(t *testing.T) {
	for _, c := range []struct {
		code       int
		in, e, out string
	}{
		{530, "5.7.0 Must issue a STARTTLS command first", "5.7.0", "Must issue a STARTTLS command first"},
		{250, "2.1.0 Ok", "2.1.0", "Ok"},
		{250, "5.1.0 class mismatch", "", "5.1.0 class mismatch"},
		{220, "mx.example.com ESMTP", "", "mx.example.com ESMTP"},
		{250, "2.0.0", "2.0.0", ""},
		{250, "1.2.3.4 not a code", "", "1.2.3.4 not a code"},
		{550, "5.1.1234 too long a detail", "", "5.1.1234 too long a detail"},
		{550, "55.1.1 two-digit class", "", "55.1.1 two-digit class"},
	} {
		e, out := ParseSecode(c.code, c.in)
		if e != c.e || out != c.out {
			t.Errorf("%d %q: %q %q", c.code, c.in, e, out)
		}
	}
}

func TestReadReply(t *testing.T) {
	cases := []struct {
		in     string
		code   int
		secode string
		lines  int
		raw    string
		text   string
	}{
		{"220 mx.example ESMTP\r\n", 220, "", 1, "220 mx.example ESMTP", "mx.example ESMTP"},
		{"250-mx.example\r\n250-PIPELINING\r\n250 SIZE 1000\r\n", 250, "", 3, "250 mx.example PIPELINING SIZE 1000", "mx.example\nPIPELINING\nSIZE 1000"},
		{"550 5.1.1 <x@example.org>: Recipient address rejected\r\n", 550, "5.1.1", 1, "550 5.1.1 <x@example.org>: Recipient address rejected", "<x@example.org>: Recipient address rejected"},
		{"451 4.7.1 try later\n", 451, "4.7.1", 1, "451 4.7.1 try later", "try later"},
		{"250\r\n", 250, "", 1, "250 ", ""},
		// A class that disagrees with the code is not an enhanced code.
		{"250 5.0.0 odd\r\n", 250, "", 1, "250 5.0.0 odd", "5.0.0 odd"},
		{"250-mx.example.com\r\n250-PIPELINING\n250 5.0.0 wrong class kept\r\n", 250, "", 3, "250 mx.example.com PIPELINING 5.0.0 wrong class kept", "mx.example.com\nPIPELINING\n5.0.0 wrong class kept"},
		{"250 2.0.0 Ok: queued as 4XyZ\r\n", 250, "2.0.0", 1, "250 2.0.0 Ok: queued as 4XyZ", "Ok: queued as 4XyZ"},
	}
	for _, c := range cases {
		r, err := read(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if r.Code != c.code || r.Secode != c.secode || len(r.Lines) != c.lines || r.Raw() != c.raw || r.Text() != c.text {
			t.Errorf("%q: got %d %q %d %q %q", c.in, r.Code, r.Secode, len(r.Lines), r.Raw(), r.Text())
		}
	}
	r, _ := read("421 4.3.2 busy\r\n")
	if r.String() != "421 4.3.2 busy" || !r.Temporary() || r.Permanent() || r.Class() != 4 {
		t.Errorf("%+v: %q", r, r.String())
	}
	r, _ = read("550-5.7.1 first\r\n550 5.7.1 second\r\n")
	if r.String() != "550 5.7.1 first / second" || !r.Permanent() {
		t.Errorf("multi-line String %q", r.String())
	}
}

func TestReadReplyMalformed(t *testing.T) {
	for _, c := range []struct {
		in   string
		kind error
	}{
		{"hello\r\n", ErrMalformed},
		{"25\r\n", ErrMalformed},
		{"2500 x\r\n", ErrMalformed},
		{"250-a\r\n251 b\r\n", ErrMixedCodes},
		{"099 x\r\n", ErrMalformed},
		{"250-" + strings.Repeat("a", 5000) + "\r\n", ErrLongLine},
		{strings.Repeat("x", MaxLineLen+10), ErrLongLine},
		{strings.Repeat("250-x\r\n", 300) + "250 y\r\n", ErrManyLines},
		{strings.Repeat("250-x\r\n", MaxReplyLines) + "250 y\r\n", ErrManyLines},
	} {
		_, err := read(c.in)
		var pe *ProtocolError
		if !errors.Is(err, ErrProtocol) || !errors.Is(err, c.kind) || !errors.As(err, &pe) || strings.Contains(pe.Message(), "smtpwire") {
			t.Errorf("%.40q: err %v, want %v", c.in, err, c.kind)
		}
	}
	// The longest line and the most lines allowed are read.
	if _, err := read("250 " + strings.Repeat("a", MaxLineLen-6) + "\r\n"); err != nil {
		t.Errorf("line of MaxLineLen: %v", err)
	}
	if r, err := read(strings.Repeat("250-x\r\n", MaxReplyLines-1) + "250 y\r\n"); err != nil || len(r.Lines) != MaxReplyLines {
		t.Errorf("MaxReplyLines lines: %v", err)
	}
}

// A reply whose last line has no line end is never complete: at EOF the
// error is io.ErrUnexpectedEOF (a network error, not a protocol one).
func TestReadReplyCutShort(t *testing.T) {
	for _, in := range []string{"250-a\r\n", "220 no end of line", "421 4.3.0 tem", "250 2.0.0 Ok: queu", "250-a\r\n250 b"} {
		var seen []string
		r, err := ReadReply(bufio.NewReader(strings.NewReader(in)), func(l string) { seen = append(seen, l) })
		if err == nil || r != nil || errors.Is(err, ErrProtocol) {
			t.Errorf("%q: reply %v, err %v", in, r, err)
		}
		if !strings.HasSuffix(in, "\n") && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%q: err %v, want io.ErrUnexpectedEOF", in, err)
		}
		if len(seen) == 0 || !strings.HasPrefix(strings.Join(seen, "\n"), strings.ReplaceAll(strings.TrimSuffix(in, "\r\n"), "\r\n", "\n")) {
			t.Errorf("%q: transcript %q", in, seen)
		}
	}
}

// A server that sends half a line and then stalls: the read times out
// with the half line unread as a reply.
func TestReadReplyStallMidLine(t *testing.T) {
	for _, half := range []string{"421 4.3.0 tem", "250 2.0.0 Ok: queu", "250-mx\r\n250 PIPE"} {
		client, srv := net.Pipe()
		go func() { srv.Write([]byte(half)) }() // then nothing, and no close
		client.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		r, err := ReadReply(bufio.NewReader(client), nil)
		if r != nil || !errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, ErrProtocol) {
			t.Errorf("%q: reply %v, err %v; want a timeout", half, r, err)
		}
		client.Close()
		srv.Close()
	}
}

func TestReplyJSON(t *testing.T) {
	r, _ := read("550-5.7.1 <a@example.org> & more\r\n550 5.7.1 second\r\n")
	b, err := json.Marshal(map[string]any{"r": r})
	if err != nil || string(b) != `{"r":{"code":550,"enhanced":"5.7.1","text":"\u003ca@example.org\u003e \u0026 more\nsecond"}}` {
		t.Errorf("%s %v", b, err)
	}
	var back Reply
	if err := json.Unmarshal(b[5:len(b)-1], &back); err != nil || back.String() != r.String() || back.Secode != "5.7.1" {
		t.Errorf("round trip %+v %v", back, err)
	}
}
