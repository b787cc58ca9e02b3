package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"golang.org/x/time/rate"

	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
	"github.com/relayctl/relayctl/checks/tlsx/tlstest"
)

func TestSTARTTLSUntrustedCertificate(t *testing.T) {
	ca := tlstest.NewCA(t, "untrusted test CA")
	srv := smtptest.Start(t, smtptest.Config{TLS: ca.ServerConfig(t, "mx.tls.test"), RequireTLS: true, Rcpt: rejectUnknown("ann")})
	w := newWorld(t)
	w.host("tls.test", srv.Addr)
	v := w.verifier(Options{})
	recs := run(t, v, "ann@tls.test", "zed@tls.test")
	r := want(t, recs, "ann@tls.test", Deliverable, "")
	if !r.SMTP.TLS {
		t.Errorf("STARTTLS not used: %+v", r.SMTP)
	}
	want(t, recs, "zed@tls.test", Undeliverable, "verify.mailbox-missing")
}

func TestNextMXWhenTheFirstIsDown(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{})
	w := newWorld(t)
	w.route["127.0.0.9"] = srv.Addr
	w.line("two.test. MX 10 down.two.test.\ntwo.test. MX 20 up.two.test.\ndown.two.test. A 127.0.0.8\nup.two.test. A 127.0.0.9")
	v := w.verifier(Options{})
	recs := run(t, v, "a@two.test")
	r := want(t, recs, "a@two.test", Risky, "verify.catch-all")
	if r.SMTP.Host != "up.two.test" || w.dials["127.0.0.8"] != 1 {
		t.Errorf("asked %s, dials %v", r.SMTP.Host, w.dials)
	}
}

func TestPerDomainAndRate(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{Rcpt: rejectUnknown()})
	w := newWorld(t)
	w.host("many.test", srv.Addr)
	v := w.verifier(Options{PerDomain: 3, Rate: rate.Limit(200)})
	var addrs []string
	for i := range 30 {
		addrs = append(addrs, fmt.Sprintf("u%d@many.test", i))
	}
	start := time.Now()
	recs := run(t, v, addrs...)
	el := time.Since(start)
	for _, a := range addrs {
		want(t, recs, a, Undeliverable, "verify.mailbox-missing")
	}
	if srv.Conns() != 3 {
		t.Errorf("%d connections, want 3 (--per-domain 3)", srv.Conns())
	}
	// 31 RCPTs (the catch-all test included) at 200/s, burst 1: at
	// least 30 gaps of 5 ms.
	if el < 140*time.Millisecond {
		t.Errorf("30 RCPTs at 200/s took %v", el)
	}
}

func TestPolicyTextsAndCodes(t *testing.T) {
	for _, tc := range []struct {
		code int
		ec   smtp.EnhancedCode
		text string
		want Verdict
		rc   string
	}{
		{550, smtp.EnhancedCode{5, 1, 1}, "User unknown", Undeliverable, "verify.mailbox-missing"},
		{550, smtp.EnhancedCode{5, 1, 10}, "Recipient address has null MX", Undeliverable, "verify.mailbox-missing"},
		{553, smtp.EnhancedCode{5, 1, 3}, "Bad recipient address syntax", Undeliverable, "verify.mailbox-missing"},
		{550, smtp.NoEnhancedCode, "No such user here", Undeliverable, "verify.mailbox-missing"},
		{550, smtp.NoEnhancedCode, "User unknown; your IP is on a blocklist", Unknown, "verify.smtp-policy"},
		{550, smtp.EnhancedCode{5, 7, 1}, "User unknown", Unknown, "verify.smtp-policy"},
		{554, smtp.EnhancedCode{5, 7, 606}, "Access denied, banned sending IP", Unknown, "verify.smtp-policy"},
		{550, smtp.NoEnhancedCode, "Rejected", Unknown, "verify.smtp-rejected"},
		{552, smtp.EnhancedCode{5, 2, 2}, "Quota exceeded", Risky, "verify.mailbox-full"},
	} {
		t.Run(fmt.Sprintf("%d %v %s", tc.code, tc.ec, tc.text), func(t *testing.T) {
			srv := smtptest.Start(t, smtptest.Config{Rcpt: func(int, string) error {
				return &smtp.SMTPError{Code: tc.code, EnhancedCode: tc.ec, Message: tc.text}
			}})
			w := newWorld(t)
			w.host("x.test", srv.Addr)
			want(t, run(t, w.verifier(Options{}), "a@x.test"), "a@x.test", tc.want, tc.rc)
		})
	}
}

func TestRefusedAtMAIL(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{Mail: func(int, string) error {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Sender rejected by policy"}
	}})
	w := newWorld(t)
	w.host("x.test", srv.Addr)
	r := want(t, run(t, w.verifier(Options{}), "a@x.test"), "a@x.test", Unknown, "verify.smtp-refused")
	if r.SMTP.Step != "MAIL" || r.SMTP.Code != 550 {
		t.Errorf("%+v", r.SMTP)
	}
}

func TestCancelStopsWithoutHanging(t *testing.T) {
	raw, err := smtptest.StartRaw(func(c net.Conn) {
		c.Write([]byte("220 slow.test ESMTP\r\n"))
		io.Copy(io.Discard, c) // and never answer EHLO
	})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	w := newWorld(t)
	w.host("slow.test", raw.Addr)
	v := w.verifier(Options{Timeout: 10 * time.Second})
	// Cancelled as by Ctrl-C: no deadline the connection could reach
	// first.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	n := 0
	err = v.Run(ctx, func(yield func(Input) bool) { yield(Input{Address: "a@slow.test"}) }, func(*Record) error { n++; return nil })
	if err == nil || time.Since(start) > 2*time.Second || n != 0 {
		t.Fatalf("Run after cancel: %v after %v, %d records", err, time.Since(start), n)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v", err)
	}
}

func TestInternationalisedLocalPart(t *testing.T) {
	with := smtptest.Start(t, smtptest.Config{})
	without := smtptest.Start(t, smtptest.Config{NoSMTPUTF8: true})
	closing, err := smtptest.StartRaw(func(c net.Conn) { c.Write([]byte("220 x ESMTP\r\n")); c.Close() })
	if err != nil {
		t.Fatal(err)
	}
	defer closing.Close()
	w := newWorld(t)
	w.host("utf8.test", with.Addr)
	w.host("ascii.test", without.Addr)
	w.host("closing.test", closing.Addr)
	recs := run(t, w.verifier(Options{}), "δοκιμή@utf8.test", "δοκιμή@ascii.test", "a@closing.test")
	want(t, recs, "δοκιμή@utf8.test", Risky, "verify.catch-all")
	if !strings.Contains(with.Log(), "SMTPUTF8") {
		t.Errorf("MAIL FROM without SMTPUTF8:\n%s", with.Log())
	}
	want(t, recs, "δοκιμή@ascii.test", Unknown, "verify.smtputf8-unsupported")
	r := want(t, recs, "a@closing.test", Unknown, "verify.smtp-error")
	if r.SMTP.Error != "EHLO: the server closed the connection" {
		t.Errorf("error %q", r.SMTP.Error)
	}
}

// One domain whose host is down, asked over three connections, is not
// "port 25 blocked": a domain counts once.
func TestOneDeadDomainIsNotABlockedPort(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{})
	w := newWorld(t)
	w.line("dead.test. MX 10 mx.dead.test.\nmx.dead.test. A 127.0.3.1")
	w.host("alive.test", srv.Addr)
	v := w.verifier(Options{PerDomain: 3, Concurrency: 1})
	recs := run(t, v, "a@dead.test", "b@dead.test", "c@dead.test", "d@alive.test")
	want(t, recs, "c@dead.test", Unknown, "verify.smtp-unreachable")
	want(t, recs, "d@alive.test", Risky, "verify.catch-all")
	if len(v.Notes()) != 0 {
		t.Errorf("notes %+v", v.Notes())
	}
}
