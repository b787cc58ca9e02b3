package spamd

import (
	"bufio"
	"io"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
)

// fake is a server on 127.0.0.1 that serves each connection with a
// handler, for the misbehaviours a real spamd cannot be made to show.
type fake struct {
	addr  string
	conns atomic.Int32
}

func startFake(t *testing.T, handle func(net.Conn)) *fake {
	t.Helper()
	f := &fake{}
	srv, err := smtptest.StartRaw(func(c net.Conn) {
		f.conns.Add(1)
		handle(c)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	f.addr = srv.Addr
	return f
}

// request is what a client sent: the request line, the headers and the
// body (Content-length bytes of it), and whether the client then shut its
// side down.
type request struct {
	line     string
	headers  []string
	body     []byte
	shutdown bool
}

// readRequest reads one request as spamd does.
func readRequest(c net.Conn) (*request, *bufio.Reader, error) {
	br := bufio.NewReader(c)
	r := &request{}
	line, err := br.ReadString('\n')
	if err != nil {
		return nil, br, err
	}
	r.line = strings.TrimRight(line, "\r\n")
	length := 0
	for {
		h, err := br.ReadString('\n')
		if err != nil {
			return nil, br, err
		}
		h = strings.TrimRight(h, "\r\n")
		if h == "" {
			break
		}
		r.headers = append(r.headers, h)
		if v, ok := strings.CutPrefix(h, "Content-length: "); ok {
			length, _ = strconv.Atoi(v)
		}
	}
	r.body = make([]byte, length)
	if _, err := io.ReadFull(br, r.body); err != nil {
		return nil, br, err
	}
	return r, br, nil
}

// answer reads the request, then writes each of the parts as it is and
// closes.
func answer(parts ...string) func(net.Conn) {
	return func(c net.Conn) {
		defer c.Close()
		if _, _, err := readRequest(c); err != nil {
			return
		}
		for _, p := range parts {
			if _, err := io.WriteString(c, p); err != nil {
				return
			}
		}
	}
}

// hold reads the request (or whatever comes) and never answers.
func hold(c net.Conn) {
	io.Copy(io.Discard, c)
}

// report is a REPORT reply: the status line, a Content-length, a Spam
// header and body.
func report(spam string, body string) string {
	return "SPAMD/1.1 0 EX_OK\r\nContent-length: " + strconv.Itoa(len(body)) + "\r\nSpam: " + spam + "\r\n\r\n" + body
}

// table is a report in the shape spamd writes, with our own preamble.
const table = `A preamble the site's report template chose.

Content analysis details:   (17.1 points, 5.0 required)

 pts rule name              description
---- ---------------------- --------------------------------------------------
 2.7 MISSING_DATE           Missing Date: header
-0.0 NO_RELAYS              Informational: message was not relayed via SMTP
-1.9 BAYES_00               BODY: Bayes spam probability is 0 to 1%
                            [score: 0.0000]
 0.1 TVD_PH_SEC             BODY: Message includes a phrase commonly used in phishing
                            mails
1000 GTUBE                  BODY: Generic Test for Unsolicited Bulk Email
 1.0 ADVANCE_FEE_4_NEW_MONEY Advance Fee fraud and lots of money
 0.0 no_desc_rule

A trailer after the table.
 9.9 NOT_A_RULE             after the blank line
`
