package spamd

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
)

// The request is what spamc sends: the command and SPAMC/1.5, a
// Content-length that matches the message, the User header when set,
// the message as it is; then the client shuts its side down.
func TestRequest(t *testing.T) {
	got := make(chan *request, 1)
	f := startFake(t, func(c net.Conn) {
		defer c.Close()
		r, br, err := readRequest(c)
		if err != nil {
			got <- nil
			return
		}
		// Nothing follows the body: the client shut its side down.
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		n, err := br.Read(make([]byte, 1))
		r.shutdown = n == 0 && errors.Is(err, io.EOF)
		got <- r
		io.WriteString(c, report("False ; 1.5 / 5.0", ""))
	})
	for _, tc := range []struct {
		user    string
		msg     []byte
		headers []string
	}{
		{"", testMsg, []string{"Content-length: 63"}},
		{"alice.smith@example.com", testMsg, []string{"Content-length: 63", "User: alice.smith@example.com"}},
		{"", []byte("Subject: LF only\n\nbody\n"), []string{"Content-length: 23"}},
		{"", nil, []string{"Content-length: 0"}},
	} {
		c := &Client{Addr: f.addr, User: tc.user}
		rep, err := c.Report(context.Background(), tc.msg)
		if err != nil {
			t.Fatal(err)
		}
		r := <-got
		if r == nil {
			t.Fatal("the server could not read the request")
		}
		if r.line != "REPORT SPAMC/1.5" || !reflect.DeepEqual(r.headers, tc.headers) || !bytes.Equal(r.body, tc.msg) || !r.shutdown {
			t.Errorf("request %q %q body %q shutdown %v", r.line, r.headers, r.body, r.shutdown)
		}
		if rep.Spam || rep.Score != 1.5 || rep.Threshold != 5 || rep.Size != len(tc.msg) || rep.Protocol != "SPAMD/1.1" || rep.Server != f.addr {
			t.Errorf("report %+v", rep)
		}
		if rep.Table || len(rep.Rules) != 0 {
			t.Errorf("an empty report has a table: %+v", rep)
		}
	}
}

// A full reply as spamd writes it, and the liberties the protocol allows:
// LF line ends, headers in any case and order, unknown headers, no
// Content-length (the report runs to the end), the old Yes/No.
func TestReply(t *testing.T) {
	want := []Rule{
		{"MISSING_DATE", 2.7, "Missing Date: header"},
		{"NO_RELAYS", 0, "Informational: message was not relayed via SMTP"},
		{"BAYES_00", -1.9, "BODY: Bayes spam probability is 0 to 1% [score: 0.0000]"},
		{"TVD_PH_SEC", 0.1, "BODY: Message includes a phrase commonly used in phishing mails"},
		{"GTUBE", 1000, "BODY: Generic Test for Unsolicited Bulk Email"},
		{"ADVANCE_FEE_4_NEW_MONEY", 1, "Advance Fee fraud and lots of money"},
		{"no_desc_rule", 0, ""},
	}
	for _, tc := range []struct {
		name, reply      string
		spam             bool
		score, threshold float64
	}{
		{"spamd", report("True ; 1001.9 / 5.0", table), true, 1001.9, 5},
		{"LF, any case, unknown headers", "SPAMD/1.5 0 EX_OK\nX-Future: 1\nspam: False ; -3 / 6.5\ncontent-LENGTH: " + strconv.Itoa(len(table)) + "\n\n" + table + "trailing bytes past the length", false, -3, 6.5},
		{"no Content-length", "SPAMD/1.1 0 EX_OK\r\nSpam: Yes ; 7.25 / 5\r\n\r\n" + table, true, 7.25, 5},
		{"old No", "SPAMD/1.0 0 EX_OK\r\nSpam: No ; 0 / 5\r\n\r\n" + table, false, 0, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := startFake(t, answer(tc.reply))
			r, err := (&Client{Addr: f.addr}).Report(context.Background(), testMsg)
			if err != nil {
				t.Fatal(err)
			}
			if r.Spam != tc.spam || r.Score != tc.score || r.Threshold != tc.threshold {
				t.Errorf("spam %v score %v threshold %v", r.Spam, r.Score, r.Threshold)
			}
			if !r.Table || !reflect.DeepEqual(r.Rules, want) {
				t.Errorf("rules\n%+v\nwant\n%+v", r.Rules, want)
			}
			if !strings.HasPrefix(r.Text, "A preamble") || !strings.HasSuffix(r.Text, "after the blank line\n") {
				t.Errorf("text %q", r.Text)
			}
		})
	}
}

func TestPing(t *testing.T) {
	got := make(chan string, 1)
	f := startFake(t, func(c net.Conn) {
		defer c.Close()
		buf := make([]byte, 256)
		n, _ := io.ReadAtLeast(c, buf, len("PING SPAMC/1.5\r\n\r\n"))
		got <- string(buf[:n])
		io.WriteString(c, "SPAMD/1.5 0 PONG\r\n")
	})
	if err := (&Client{Addr: f.addr, User: "alice"}).Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	if req := <-got; req != "PING SPAMC/1.5\r\n\r\n" { // no User header either
		t.Errorf("request %q", req)
	}

	f = startFake(t, func(c net.Conn) {
		defer c.Close()
		c.Read(make([]byte, 256))
		io.WriteString(c, "SPAMD/1.5 0 EX_OK\r\n")
	})
	err := (&Client{Addr: f.addr}).Ping(context.Background())
	if !errors.Is(err, ErrProtocol) || checks.Message(err) != `spamd answered PING with "EX_OK", not PONG` {
		t.Errorf("error %v", err)
	}
}

// An IPv6 address in brackets reaches a server on ::1.
func TestIPv6(t *testing.T) {
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.Read(make([]byte, 256))
		io.WriteString(c, "SPAMD/1.5 0 PONG\r\n")
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	addr, err := ParseAddr("[::1]:" + port)
	if err != nil {
		t.Fatal(err)
	}
	if err := (&Client{Addr: addr, Timeout: 5 * time.Second}).Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}
