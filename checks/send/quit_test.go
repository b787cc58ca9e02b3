package send_test

import (
	"bufio"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/relayctl/relayctl/checks/send"
	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
)

// --quit-after stops the dialogue at its stage with QUIT: the record says
// where and "tested", nothing past the stage goes out, no message is sent.
func TestQuitAfter(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{Rcpt: func(n int, to string) error {
		if strings.HasPrefix(to, "nobody@") {
			return smtpErr(550, smtp.EnhancedCode{5, 1, 1}, "no such user")
		}
		return nil
	}})
	for _, c := range []struct {
		stage    string
		last     string // the last command that must go out
		never    string // the first that must not
		accepted int
	}{
		{"connect", "", "EHLO", 0},
		{"ehlo", "EHLO", "MAIL", 0},
		{"mail", "MAIL FROM:<sender@example.net>", "RCPT", 0},
		{"rcpt", "RCPT TO:<carl@example.org>", "DATA", 2},
	} {
		var tr strings.Builder
		cfg := plainCfg(srv)
		cfg.QuitAfter = c.stage
		cfg.Transcript = send.NewTranscript(&tr)
		rec := send.Send(ctx(t), cfg, msg(t, "bob@example.org", "carl@example.org"))
		if rec.Result != send.ResultTested || rec.StoppedAfter != c.stage || len(rec.Accepted) != c.accepted || rec.Done() {
			t.Errorf("%s: %+v", c.stage, rec)
		}
		log := tr.String()
		if c.last != "" && !strings.Contains(log, "-> "+c.last) || strings.Contains(log, "-> "+c.never) || !strings.Contains(log, "-> QUIT") {
			t.Errorf("%s: transcript\n%s", c.stage, log)
		}
	}
	// A refusal before the stop is the result: a recipient refused at RCPT.
	cfg := plainCfg(srv)
	cfg.QuitAfter = "rcpt"
	rec := send.Send(ctx(t), cfg, msg(t, "bob@example.org", "nobody@example.org"))
	if rec.Result != send.ResultRejected || rec.Failure != send.FailureRecipient || len(rec.Accepted) != 1 || len(rec.Rejected) != 1 {
		t.Errorf("refused at rcpt: %+v", rec)
	}
	// --quit-after tls with no TLS to start is a failure, not a test passed.
	cfg = plainCfg(srv)
	cfg.QuitAfter = "tls"
	if rec := send.Send(ctx(t), cfg, msg(t, "bob@example.org")); rec.Result != send.ResultFailed || rec.Failure != send.FailureTLS {
		t.Errorf("tls without TLS: %+v", rec)
	}
	if srv.Count() != 0 {
		t.Errorf("%d messages sent", srv.Count())
	}
}

// DSN parameters go on MAIL and RCPT when the server offers DSN; when it
// does not, they are left out and the record notes it.
func TestDSNParameters(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{})
	var tr strings.Builder
	cfg := plainCfg(srv)
	cfg.DSNNotify, cfg.DSNRet, cfg.EnvID = "SUCCESS,FAILURE", "HDRS", "batch 7+x"
	cfg.Transcript = send.NewTranscript(&tr)
	rec := send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultSent || len(rec.Notes) != 0 {
		t.Errorf("record %+v", rec)
	}
	if !strings.Contains(tr.String(), " RET=HDRS ENVID=batch+207+2Bx\n") || !strings.Contains(tr.String(), "RCPT TO:<bob@example.org> NOTIFY=SUCCESS,FAILURE\n") {
		t.Errorf("transcript:\n%s", tr.String())
	}
	var mu sync.Mutex
	var lines []string
	addr, _ := scripted(t, func(r *bufio.Reader, say func(string)) {
		say("220 scripted ESMTP")
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				return
			}
			mu.Lock()
			lines = append(lines, strings.TrimSpace(l))
			mu.Unlock()
			switch {
			case strings.HasPrefix(l, "EHLO"):
				say("250-scripted\r\n250 PIPELINING")
			case strings.HasPrefix(l, "DATA"):
				say("354 go on")
				expect(r, ".\r\n")
				say("250 2.0.0 Ok: queued as ABC")
			case strings.HasPrefix(l, "QUIT"):
				say("221 bye")
				return
			default:
				say("250 ok")
			}
		}
	})
	cfg = cfgFor(addr)
	cfg.DSNNotify, cfg.DSNRet, cfg.EnvID = "NEVER", "FULL", "id1"
	rec = send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultSent || len(rec.Notes) != 1 || !strings.Contains(rec.Notes[0], "does not offer DSN") {
		t.Errorf("no DSN: %+v", rec)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, l := range lines {
		if strings.Contains(l, "NOTIFY=") || strings.Contains(l, "RET=") || strings.Contains(l, "ENVID=") {
			t.Errorf("DSN parameter sent to a server without DSN: %s", l)
		}
	}
}
