package send_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/send"
	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
)

// scripted runs a hand-written SMTP server: script gets each connection's
// reader and a function to write a line.
func scripted(t *testing.T, script func(r *bufio.Reader, say func(string))) (addr string, conns *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	conns = &atomic.Int32{}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				script(bufio.NewReader(c), func(s string) { c.Write([]byte(s + "\r\n")) })
			}()
		}
	}()
	return ln.Addr().String(), conns
}

// expect reads lines until one starts with prefix (case-insensitive);
// false when the connection ends first.
func expect(r *bufio.Reader, prefix string) bool {
	for {
		l, err := r.ReadString('\n')
		if err != nil {
			return false
		}
		if strings.HasPrefix(strings.ToUpper(l), strings.ToUpper(prefix)) {
			return true
		}
	}
}

// upToData answers a plain session up to 354.
func upToData(r *bufio.Reader, say func(string)) bool {
	say("220 scripted ESMTP")
	if !expect(r, "EHLO") {
		return false
	}
	say("250 scripted")
	if !expect(r, "MAIL") {
		return false
	}
	say("250 2.1.0 Ok")
	if !expect(r, "RCPT") {
		return false
	}
	say("250 2.1.5 Ok")
	if !expect(r, "DATA") {
		return false
	}
	say("354 End data with <CR><LF>.<CR><LF>")
	return true
}

func cfgFor(addr string) *send.Config {
	return &send.Config{Server: addr, TLS: send.TLSNone, Timeout: 2 * time.Second, DataTimeout: 2 * time.Second, RetryDelay: time.Millisecond}
}

// The server reads the message and closes the connection without a
// word: unknown, and not sent again.
func TestCloseAfterDot(t *testing.T) {
	var dots atomic.Int32
	addr, conns := scripted(t, func(r *bufio.Reader, say func(string)) {
		if upToData(r, say) && expect(r, ".\r\n") {
			dots.Add(1)
		}
	})
	cfg := cfgFor(addr)
	cfg.Retries = 3
	rec := send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultUnknown || rec.Failure != send.FailureData || rec.Attempts != 1 {
		t.Errorf("record %+v", rec)
	}
	time.Sleep(50 * time.Millisecond)
	if dots.Load() != 1 || conns.Load() != 1 {
		t.Errorf("%d messages on %d connections", dots.Load(), conns.Load())
	}
}

// A connection dropped before the dot is safe to retry.
func TestDropBeforeDot(t *testing.T) {
	var n atomic.Int32
	addr, _ := scripted(t, func(r *bufio.Reader, say func(string)) {
		if n.Add(1) == 1 {
			say("220 scripted ESMTP")
			expect(r, "EHLO")
			say("250 scripted")
			expect(r, "MAIL")
			return // drop
		}
		if upToData(r, say) && expect(r, ".\r\n") {
			say("250 2.0.0 Ok: queued as 3F2A1B")
			expect(r, "QUIT")
			say("221 bye")
		}
	})
	cfg := cfgFor(addr)
	cfg.Retries = 1
	rec := send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultSent || rec.Attempts != 2 || rec.QueueID != "3F2A1B" {
		t.Errorf("record %+v", rec)
	}
}

func TestBannerRefusals(t *testing.T) {
	perm, _ := scripted(t, func(r *bufio.Reader, say func(string)) { say("554 5.7.1 No SMTP service here") })
	rec := send.Send(ctx(t), cfgFor(perm), msg(t, "bob@example.org"))
	if rec.Result != send.ResultRejected || rec.Failure != send.FailureConnect || rec.Reply != "554 5.7.1 No SMTP service here" {
		t.Errorf("554 banner: %+v", rec)
	}
	busy, conns := scripted(t, func(r *bufio.Reader, say func(string)) { say("421 4.3.2 Too busy") })
	cfg := cfgFor(busy)
	cfg.Retries = 2
	rec = send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultFailed || rec.Failure != send.FailureConnect || rec.Attempts != 3 || conns.Load() != 3 {
		t.Errorf("421 banner: %+v (%d connections)", rec, conns.Load())
	}
	mute, _ := scripted(t, func(r *bufio.Reader, say func(string)) { time.Sleep(3 * time.Second) })
	cfg = cfgFor(mute)
	cfg.Timeout = 200 * time.Millisecond
	rec = send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultFailed || rec.Failure != send.FailureTimeout || !strings.Contains(rec.Error, "banner") {
		t.Errorf("silent banner: %+v", rec)
	}
}

func TestGarbageAndHELOFallback(t *testing.T) {
	garbage, _ := scripted(t, func(r *bufio.Reader, say func(string)) {
		say("220 ok")
		expect(r, "EHLO")
		say("hello there, I am not SMTP")
	})
	rec := send.Send(ctx(t), cfgFor(garbage), msg(t, "bob@example.org"))
	if rec.Result != send.ResultFailed || !strings.Contains(rec.Error, "malformed reply") {
		t.Errorf("garbage: %+v", rec)
	}
	old, _ := scripted(t, func(r *bufio.Reader, say func(string)) {
		say("220 old ESMTP")
		expect(r, "EHLO")
		say("502 5.5.2 Command not recognized")
		expect(r, "HELO")
		say("250 old")
		expect(r, "MAIL")
		say("250 Ok")
		expect(r, "RCPT")
		say("250 Ok")
		expect(r, "DATA")
		say("354 go")
		expect(r, ".\r\n")
		say("250 OK id=1tAbCd-000123-Xy")
	})
	rec = send.Send(ctx(t), cfgFor(old), msg(t, "bob@example.org"))
	if rec.Result != send.ResultSent || rec.QueueID != "1tAbCd-000123-Xy" {
		t.Errorf("HELO fallback: %+v", rec)
	}
}

// Bytes after "220 go ahead" and before the handshake are an injection
// (the STARTTLS command-injection attack): refuse to go on.
func TestStartTLSInjection(t *testing.T) {
	addr, _ := scripted(t, func(r *bufio.Reader, say func(string)) {
		say("220 x ESMTP")
		expect(r, "EHLO")
		say("250-x")
		say("250 STARTTLS")
		expect(r, "STARTTLS")
		say("220 go ahead\r\n250 injected")
		time.Sleep(time.Second)
	})
	cfg := cfgFor(addr)
	cfg.TLS = send.TLSStartTLS
	rec := send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultFailed || rec.Failure != send.FailureTLS || !strings.Contains(rec.Error, "before the TLS handshake") {
		t.Errorf("record %+v", rec)
	}
}

const mxZone = `$ORIGIN example.org.
@     3600 IN SOA ns.example.org. hostmaster.example.org. 1 3600 600 86400 300
@     3600 IN MX 10 dead.example.org.
@     3600 IN MX 20 live.example.org.
dead  3600 IN A 127.0.0.2
live  3600 IN A 127.0.0.1
null  3600 IN MX 0 .
nomx  3600 IN A 127.0.0.1
`

// Without --server: the MX hosts in preference order, the next one when a
// connection fails.
func TestMXFallback(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{})
	port := 0
	for _, c := range strconv.Itoa(srv.Port) {
		port = port*10 + int(c-'0')
	}
	r := dnstest.Resolver(t, mxZone)
	var tr strings.Builder
	cfg := &send.Config{Resolver: r, MXPort: port, Timeout: 2 * time.Second, Transcript: send.NewTranscript(&tr)}
	rec := send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultSent || rec.Server != srv.Addr {
		t.Errorf("record %+v\n%s", rec, tr.String())
	}
	if !strings.Contains(tr.String(), "127.0.0.2") || !strings.Contains(tr.String(), "trying the next host") {
		t.Errorf("transcript:\n%s", tr.String())
	}
	// No MX: the domain's own address (RFC 5321 §5.1).
	rec = send.Send(ctx(t), cfg, msg(t, "bob@nomx.example.org"))
	if rec.Result != send.ResultSent {
		t.Errorf("implicit MX: %+v", rec)
	}
	// A null MX: the domain takes no mail.
	rec = send.Send(ctx(t), cfg, msg(t, "bob@null.example.org"))
	if rec.Result != send.ResultRejected || rec.Failure != send.FailureRecipient || !strings.Contains(rec.Error, "null MX") {
		t.Errorf("null MX: %+v", rec)
	}
	rec = send.Send(ctx(t), cfg, msg(t, "bob@missing.example.org"))
	if rec.Result != send.ResultRejected || rec.Failure != send.FailureRecipient || !strings.Contains(rec.Error, "does not exist") {
		t.Errorf("NXDOMAIN: %+v", rec)
	}
	if srv.Count() != 2 {
		t.Errorf("server got %d", srv.Count())
	}
}

// SMTPUTF8: used when an address needs it and the server offers it;
// otherwise the message is not sent.
func TestSMTPUTF8(t *testing.T) {
	for _, offered := range []bool{true, false} {
		srv := smtptest.Start(t, smtptest.Config{NoSMTPUTF8: !offered})
		rec := send.Send(ctx(t), cfgFor(srv.Addr), msg(t, "jörg@example.org"))
		if offered {
			got := srv.Messages()
			if rec.Result != send.ResultSent || len(got) != 1 || !got[0].UTF8 || got[0].To[0] != "jörg@example.org" {
				t.Errorf("offered: %+v %+v", rec, got)
			}
		} else if rec.Result != send.ResultRejected || !strings.Contains(rec.Error, "SMTPUTF8") || srv.Count() != 0 {
			t.Errorf("not offered: %+v", rec)
		}
	}
	// An IDN domain alone needs no SMTPUTF8: it goes as an A-label.
	srv := smtptest.Start(t, smtptest.Config{})
	rec := send.Send(ctx(t), cfgFor(srv.Addr), msg(t, "bob@bücher.example"))
	if rec.Result != send.ResultSent || srv.Messages()[0].To[0] != "bob@xn--bcher-kva.example" {
		t.Errorf("IDN: %+v", rec)
	}
}

// rawServer serves each connection with handle, on loopback, until the
// test ends.
func rawServer(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	r, err := smtptest.StartRaw(handle)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r.Addr
}

// A reply line is complete only with its CRLF. A server that sends half
// a reply and then stalls has not replied: "421 4.3.0 tem" is no 421,
// and "250 2.0.0 Ok: queu" after the final dot is no success — the
// outcome is unknown and the message is not sent again.
func TestReplyCutMidLine(t *testing.T) {
	stall := func(c net.Conn) { time.Sleep(time.Second) }
	banner := rawServer(t, func(c net.Conn) {
		c.Write([]byte("421 4.3.0 tem"))
		stall(c)
	})
	cfg := cfgFor(banner)
	cfg.Timeout = 200 * time.Millisecond
	rec := send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultFailed || rec.Failure != send.FailureTimeout || rec.Reply != "" || !strings.Contains(rec.Error, "banner") {
		t.Errorf("banner cut short: %+v", rec)
	}

	var dots atomic.Int32
	addr, conns := scripted(t, func(r *bufio.Reader, say func(string)) {
		if upToData(r, say) && expect(r, ".\r\n") {
			dots.Add(1)
		}
	})
	// The scripted server cannot write half a line: put a raw one in
	// front of it that answers the dot with one.
	half := rawServer(t, func(c net.Conn) {
		up, err := net.Dial("tcp", addr)
		if err != nil {
			return
		}
		defer up.Close()
		go io.Copy(up, c)
		br := bufio.NewReader(up)
		for {
			l, err := br.ReadString('\n')
			if err != nil {
				return
			}
			c.Write([]byte(l))
			if strings.HasPrefix(l, "354") {
				break
			}
		}
		for dots.Load() == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		c.Write([]byte("250 2.0.0 Ok: queu"))
		stall(c)
	})
	cfg = cfgFor(half)
	cfg.Retries = 2
	cfg.DataTimeout = 300 * time.Millisecond
	rec = send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultUnknown || rec.Failure != send.FailureTimeout || rec.QueueID != "" || rec.Attempts != 1 {
		t.Errorf("final reply cut short: %+v", rec)
	}
	if !strings.Contains(rec.Error, "no reply to the final dot") || strings.Contains(rec.Error, "send:") || strings.Contains(rec.Error, "smtpwire") {
		t.Errorf("error %q", rec.Error)
	}
	if dots.Load() != 1 || conns.Load() != 1 {
		t.Errorf("%d messages on %d connections", dots.Load(), conns.Load())
	}
}

// Ctrl-C while the server holds back a reply: the record says
// interrupted, not timeout — failed before the final dot (a resume sends
// it), unknown after it (a resume does not).
func TestInterrupted(t *testing.T) {
	for _, afterDot := range []bool{false, true} {
		// The server says when it holds its reply; Ctrl-C comes then.
		holding := make(chan struct{})
		addr, _ := scripted(t, func(r *bufio.Reader, say func(string)) {
			if !afterDot {
				say("220 scripted ESMTP")
				expect(r, "EHLO")
				say("250 scripted")
				if expect(r, "MAIL") { // and no reply
					close(holding)
				}
				expect(r, "QUIT")
				return
			}
			if upToData(r, say) && expect(r, ".\r\n") { // and no reply
				close(holding)
				expect(r, "QUIT")
			}
		})
		c, cancel := context.WithCancel(ctx(t))
		go func() {
			select {
			case <-holding:
			case <-time.After(10 * time.Second):
			}
			cancel()
		}()
		cfg := cfgFor(addr)
		cfg.Timeout, cfg.DataTimeout, cfg.Retries = 15*time.Second, 15*time.Second, 2
		rec := send.Send(c, cfg, msg(t, "bob@example.org"))
		want := send.ResultFailed
		if afterDot {
			want = send.ResultUnknown
		}
		if rec.Result != want || rec.Failure != send.FailureInterrupted || !strings.Contains(rec.Error, "interrupted") ||
			strings.Contains(rec.Error, "timed out") || rec.Attempts != 1 || rec.Done() == !afterDot {
			t.Errorf("after dot %v: %+v", afterDot, rec)
		}
		cancel()
	}
}

// A server that answers DATA with 250 instead of 354: the record says
// what was expected, and the message is not sent or retried.
func TestDataAnsweredWith250(t *testing.T) {
	var dots atomic.Int32
	addr, conns := scripted(t, func(r *bufio.Reader, say func(string)) {
		say("220 scripted ESMTP")
		expect(r, "EHLO")
		say("250 scripted")
		expect(r, "MAIL")
		say("250 2.1.0 Ok")
		expect(r, "RCPT")
		say("250 2.1.5 Ok")
		expect(r, "DATA")
		say("250 2.0.0 Ok")
		if expect(r, ".\r\n") {
			dots.Add(1)
		}
	})
	cfg := cfgFor(addr)
	cfg.Retries = 2
	rec := send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultFailed || rec.Failure != send.FailureData || !strings.Contains(rec.Error, "354") ||
		!strings.Contains(rec.Error, "expected") || rec.Attempts != 1 || rec.Reply != "250 2.0.0 Ok" {
		t.Errorf("record %+v", rec)
	}
	time.Sleep(50 * time.Millisecond)
	if dots.Load() != 0 || conns.Load() != 1 {
		t.Errorf("%d messages sent on %d connections", dots.Load(), conns.Load())
	}
}

// Input over 64 MiB is refused as over the size limit, not cut short.
func TestReadLimited(t *testing.T) {
	b, err := send.ReadLimited("--body x", io.LimitReader(zeros{}, send.MaxMessageSize))
	if err != nil || len(b) != send.MaxMessageSize {
		t.Fatalf("exactly the limit: %d bytes, %v", len(b), err)
	}
	_, err = send.ReadLimited("--body x", io.LimitReader(zeros{}, send.MaxMessageSize+1))
	if err == nil || !strings.Contains(checks.Message(err), "--body x is over the size limit of 64 MiB") || strings.Contains(checks.Message(err), "truncat") {
		t.Errorf("over the limit: %v", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
