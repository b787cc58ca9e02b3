package send

import (
	"bufio"
	"errors"
	"strings"
	"testing"
)

func TestReadReply(t *testing.T) {
	cases := []struct {
		in     string
		code   int
		status string
		lines  int
		text   string
	}{
		{"220 mx.example ESMTP\r\n", 220, "", 1, "mx.example ESMTP"},
		{"250-mx.example\r\n250-PIPELINING\r\n250 SIZE 1000\r\n", 250, "", 3, "mx.example PIPELINING SIZE 1000"},
		{"550 5.1.1 <x@example.org>: Recipient address rejected\r\n", 550, "5.1.1", 1, "5.1.1 <x@example.org>: Recipient address rejected"},
		{"451 4.7.1 try later\n", 451, "4.7.1", 1, "4.7.1 try later"},
		{"250\r\n", 250, "", 1, ""},
		// A class that disagrees with the code is not an enhanced code.
		{"250 5.0.0 odd\r\n", 250, "", 1, "5.0.0 odd"},
	}
	for _, c := range cases {
		r, err := readReply(bufio.NewReader(strings.NewReader(c.in)), nil)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if r.Code != c.code || r.Status != c.status || len(r.Lines) != c.lines || r.Text() != c.text {
			t.Errorf("%q: got %d %q %d %q", c.in, r.Code, r.Status, len(r.Lines), r.Text())
		}
	}
}

func TestReadReplyMalformed(t *testing.T) {
	for _, in := range []string{
		"hello\r\n",
		"25\r\n",
		"2500 x\r\n",
		"250-a\r\n251 b\r\n", // code changes mid-reply
		"099 x\r\n",          // out of range
		"250-" + strings.Repeat("a", 5000) + "\r\n", // too long
		strings.Repeat("250-x\r\n", 300) + "250 y\r\n",
	} {
		_, err := readReply(bufio.NewReader(strings.NewReader(in)), nil)
		if !errors.Is(err, ErrProtocol) {
			t.Errorf("%q: err %v, want ErrProtocol", clip(in), err)
		}
	}
	// A reply cut short is a network error, not a protocol one.
	if _, err := readReply(bufio.NewReader(strings.NewReader("250-a\r\n")), nil); err == nil || errors.Is(err, ErrProtocol) {
		t.Errorf("truncated reply: %v", err)
	}
}

func FuzzReadReply(f *testing.F) {
	f.Add("250-mx\r\n250 OK\r\n")
	f.Add("550 5.1.1 no\r\n")
	f.Add("250 2.0.0 Ok: queued as ABC\r\n")
	f.Fuzz(func(t *testing.T, in string) {
		r, err := readReply(bufio.NewReader(strings.NewReader(in)), nil)
		if err != nil {
			return
		}
		if r.Code < 200 || r.Code > 599 || len(r.Lines) == 0 {
			t.Fatalf("accepted %q as %+v", in, r)
		}
		_ = QueueID(r.String())
	})
}
