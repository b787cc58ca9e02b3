package smtpprobe

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

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
		if _, _, _, err := parseLine(bad); !errors.Is(err, ErrBadReply) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestSplitEnhanced(t *testing.T) {
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
	} {
		e, out := splitEnhanced(c.code, c.in)
		if e != c.e || out != c.out {
			t.Errorf("%d %q: %q %q", c.code, c.in, e, out)
		}
	}
}

func TestParseEHLO(t *testing.T) {
	c := parseEHLO([]string{
		"mx.example.com Hello", "PIPELINING", "SIZE 52428800", "8BITMIME", "smtputf8",
		"AUTH PLAIN LOGIN", "AUTH=LOGIN CRAM-MD5", "STARTTLS", "ENHANCEDSTATUSCODES",
		"CHUNKING", "DSN", "REQUIRETLS", "X-UNKNOWN arg",
	})
	if c.Greeting != "mx.example.com Hello" || len(c.Extensions) != 12 || c.Size == nil || *c.Size != 52428800 {
		t.Errorf("%+v", c)
	}
	if !c.Pipelining || !c.EightBitMIME || !c.SMTPUTF8 || !c.StartTLS || !c.EnhancedStatusCodes || !c.Chunking || !c.DSN || !c.RequireTLS {
		t.Errorf("%+v", c)
	}
	if strings.Join(c.Auth, ",") != "PLAIN,LOGIN,CRAM-MD5" {
		t.Errorf("auth %v", c.Auth)
	}
	if c := parseEHLO([]string{"x", "SIZE"}); c.Size == nil || *c.Size != 0 {
		t.Errorf("SIZE without limit: %v", c.Size)
	}
	if c := parseEHLO([]string{"x", "SIZE lots"}); c.Size != nil {
		t.Errorf("SIZE with garbage: %v", *c.Size)
	}
	if c := parseEHLO([]string{"x"}); c.Size != nil || c.StartTLS || c.Auth == nil || c.Extensions == nil {
		t.Errorf("bare: %+v", c)
	}
}

// pipeReply feeds raw server output to the reply reader.
func pipeReply(t testing.TB, data []byte) (*Reply, error) {
	client, srv := net.Pipe()
	defer client.Close()
	go func() {
		srv.Write(data)
		srv.Close()
	}()
	p := &Probe{}
	s := newSession(t.Context(), client, time.Second, p)
	return s.readReply()
}

func TestReadReply(t *testing.T) {
	r, err := pipeReply(t, []byte("250-mx.example.com\r\n250-PIPELINING\n250 5.0.0 wrong class kept\r\n"))
	if err != nil || r.Code != 250 || r.Text != "mx.example.com\nPIPELINING\n5.0.0 wrong class kept" || len(r.lines) != 3 {
		t.Errorf("%+v %v", r, err)
	}
	r, err = pipeReply(t, []byte("421 4.3.2 busy\r\n"))
	if err != nil || r.Enhanced != "4.3.2" || r.Text != "busy" || r.String() != "421 4.3.2 busy" {
		t.Errorf("%+v %v", r, err)
	}
	if _, err := pipeReply(t, []byte("220 no end of line")); !errors.Is(err, ErrClosed) {
		t.Errorf("unterminated: %v", err)
	}
	if _, err := pipeReply(t, []byte(strings.Repeat("x", maxLineLen+10))); !errors.Is(err, ErrLongLine) {
		t.Errorf("long line: %v", err)
	}
	if _, err := pipeReply(t, []byte(strings.Repeat("250-x\r\n", maxReplyLines+1))); !errors.Is(err, ErrManyLines) {
		t.Errorf("many lines: %v", err)
	}
}

func TestDaysLeft(t *testing.T) {
	now := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		d    time.Duration
		want int
	}{{5*24*time.Hour + time.Hour, 5}, {23 * time.Hour, 0}, {-time.Hour, 0}, {-(3*24*time.Hour + time.Minute), -3}} {
		if got := daysLeft(now.Add(c.d), now); got != c.want {
			t.Errorf("%s: %d, want %d", c.d, got, c.want)
		}
	}
}
