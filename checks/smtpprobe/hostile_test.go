package smtpprobe

import (
	"bufio"
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
)

// script is a raw server: lines starting with "<" wait for a command
// starting with that text (any line when it is just "<"), other lines are
// written as they are with CRLF; "!sleep" holds the connection until it
// closes; "!close" closes it.
func script(steps ...string) func(net.Conn) {
	return func(c net.Conn) {
		defer c.Close()
		br := bufio.NewReader(c)
		for _, s := range steps {
			switch {
			case s == "!sleep":
				buf := make([]byte, 512)
				for {
					if _, err := c.Read(buf); err != nil {
						return
					}
				}
			case s == "!close":
				return
			case strings.HasPrefix(s, "<"):
				line, err := br.ReadString('\n')
				if err != nil || !strings.HasPrefix(strings.ToUpper(line), s[1:]) {
					return
				}
			case strings.HasPrefix(s, "!raw "):
				c.Write([]byte(s[5:]))
			default:
				if _, err := c.Write([]byte(s + "\r\n")); err != nil {
					return
				}
			}
		}
		// Answer whatever else comes (QUIT) and wait for the close.
		for {
			if _, err := br.ReadString('\n'); err != nil {
				return
			}
			c.Write([]byte("221 bye\r\n"))
		}
	}
}

// Each misbehaving server ends the probe within the timeout with its
// finding.
func TestHostileServers(t *testing.T) {
	const timeout = 300 * time.Millisecond
	flood := func(line string) func(net.Conn) {
		return func(c net.Conn) {
			defer c.Close()
			for {
				if _, err := c.Write([]byte(line)); err != nil {
					return
				}
			}
		}
	}
	cases := []struct {
		name    string
		handle  func(net.Conn)
		want    string
		stage   string
		failure string
		status  checks.Status
	}{
		{"no banner", script("!sleep"), CodeTimeout, StageBanner, FailureTimeout, checks.StatusError},
		{"garbage", script("HELLO THERE", "!sleep"), CodeProtocolError, StageBanner, FailureProtocol, checks.StatusFail},
		{"binary garbage", script("!raw \x00\x01\x02\xff\xfe\r\n", "!sleep"), CodeProtocolError, StageBanner, FailureProtocol, checks.StatusFail},
		{"close after EHLO", script("220 x ESMTP", "<EHLO", "!close"), CodeProtocolError, StageEHLO, FailureProtocol, checks.StatusFail},
		{"421 at connect", script("421 4.3.2 too busy, try later"), CodeBannerError, StageBanner, FailureBanner, checks.StatusError},
		{"554 at connect", script("554 5.7.1 no service for you"), CodeBannerError, StageBanner, FailureBanner, checks.StatusFail},
		{"stall mid-reply", script("220 x ESMTP", "<EHLO", "250-x", "250-PIPELINING", "!sleep"), CodeTimeout, StageEHLO, FailureTimeout, checks.StatusError},
		{"endless line", flood("220 " + strings.Repeat("a", 1000)), CodeProtocolError, StageBanner, FailureProtocol, checks.StatusFail},
		{"endless reply", func(c net.Conn) { c.Write([]byte("220-x\r\n")); flood("220-more\r\n")(c) }, CodeProtocolError, StageBanner, FailureProtocol, checks.StatusFail},
		{"mixed codes", script("220-x", "250 y", "!sleep"), CodeProtocolError, StageBanner, FailureProtocol, checks.StatusFail},
		{"slow drip", func(c net.Conn) {
			defer c.Close()
			for _, b := range []byte("220 a slow server that never ends its line") {
				if _, err := c.Write([]byte{b}); err != nil {
					return
				}
				time.Sleep(20 * time.Millisecond)
			}
			io := make([]byte, 1)
			c.Read(io)
		}, CodeTimeout, StageBanner, FailureTimeout, checks.StatusError},
		{"EHLO refused", script("220 x ESMTP", "<EHLO", "502 5.5.1 no EHLO here"), CodeEHLORefused, StageEHLO, FailureEHLO, checks.StatusFail},
		{"STARTTLS refused", script("220 x ESMTP", "<EHLO", "250-x", "250 STARTTLS", "<MAIL", "250 ok", "<RSET", "250 ok", "<STARTTLS", "454 4.7.0 TLS not available"), CodeTLSFailed, StageStartTLS, FailureTLS, checks.StatusFail},
		{"failing handshake", script("220 x ESMTP", "<EHLO", "250-x", "250 STARTTLS", "<MAIL", "530 5.7.0 Must issue a STARTTLS command first", "<STARTTLS", "220 go ahead", "<", "!raw this is not TLS\r\n"), CodeTLSFailed, StageHandshake, FailureTLS, checks.StatusFail},
		{"stalled handshake", script("220 x ESMTP", "<EHLO", "250-x", "250 STARTTLS", "<MAIL", "530 5.7.0 Must issue a STARTTLS command first", "<STARTTLS", "220 go ahead", "!sleep"), CodeTLSFailed, StageHandshake, FailureTLS, checks.StatusFail},
		{"STARTTLS injection", script("220 x ESMTP", "<EHLO", "250-x", "250 STARTTLS", "<MAIL", "530 5.7.0 Must issue a STARTTLS command first", "<STARTTLS", "!raw 220 go ahead\r\n250 injected\r\n", "!sleep"), CodeProtocolError, StageStartTLS, FailureProtocol, checks.StatusFail},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := raw(t, c.handle)
			o := opts(t, nil)
			o.Timeout = timeout
			start := time.Now()
			p, res := probeAt(t, r.Addr, "x.test.example", 587, o)
			took := time.Since(start)
			if findingOf(res, c.want) == nil {
				t.Errorf("findings %v, want %s (%s: %s)", codes(res), c.want, p.FailedStage, p.Error)
			}
			wellFormed(t, res)
			if p.FailedStage != c.stage || p.Failure != c.failure || res.Status != c.status {
				t.Errorf("stopped at %q (%s), status %s; want %q (%s), %s: %s", p.FailedStage, p.Failure, res.Status, c.stage, c.failure, c.status, p.Error)
			}
			// One step's timeout, plus QUIT's own short wait at most.
			if took > 3*timeout+time.Second {
				t.Errorf("took %s with a %s timeout", took, timeout)
			}
			if len(p.Transcript) == 0 || len(p.Transcript) > maxTranscript+1 {
				t.Errorf("transcript of %d lines", len(p.Transcript))
			}
		})
	}
}

// Nothing listening: smtp.unreachable, status error — unless the port was
// only one of the defaults (465, 587), where it is information.
func TestUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()

	p, res := probeAt(t, closed, "x.test.example", 25, opts(t, nil))
	wantCodes(t, res, CodeUnreachable)
	if res.Status != checks.StatusError || p.Failure != FailureUnreachable || p.FailedStage != StageConnect || !strings.Contains(res.Error, "refused") {
		t.Errorf("status %s probe %s/%s error %q", res.Status, p.Failure, p.FailedStage, res.Error)
	}
	// What a person reads names no package; errors.Is still finds the kind.
	f := findingOf(res, CodeUnreachable)
	if !strings.HasPrefix(p.Error, "cannot connect: ") || !strings.HasPrefix(res.Error, "cannot connect: ") || f == nil ||
		strings.Contains(p.Error+res.Error+f.Message+res.Summary, "smtpprobe") || !errors.Is(p.Err(), ErrUnreachable) ||
		!strings.HasPrefix(p.Err().Error(), "smtpprobe: cannot connect: ") {
		t.Errorf("error %q / %q, finding %+v, summary %q", p.Error, res.Error, f, res.Summary)
	}

	p, _ = probeAt(t, closed, "x.test.example", 587, opts(t, nil))
	p.Defaulted = true
	res = Check(p, opts(t, nil))
	wantCodes(t, res, CodePortClosed)
	if res.Status != checks.StatusInfo {
		t.Errorf("status %s", res.Status)
	}
	p, _ = probeAt(t, closed, "x.test.example", 25, opts(t, nil))
	p.Defaulted = true
	if res = Check(p, opts(t, nil)); findingOf(res, CodeUnreachable) == nil {
		t.Errorf("port 25 closed is not information: %v", codes(res))
	}
}

// A connection that is never accepted (a full backlog stands in for a
// firewall that drops packets) times out as unreachable.
func TestConnectTimeout(t *testing.T) {
	o := opts(t, nil)
	o.Timeout = 200 * time.Millisecond
	o.Dial = func(ctx context.Context, _, _ string) (net.Conn, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	start := time.Now()
	p := ProbeAddr(context.Background(), nil, "x.test.example", loopback, 25, o)
	res := Check(p, o)
	// Ends on the timeout, not a hang; generous for a loaded machine.
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %s with a %s timeout", d, o.Timeout)
	}
	if findingOf(res, CodeUnreachable) == nil || !strings.Contains(p.Error, "no answer within the timeout") {
		t.Errorf("findings %v error %q", codes(res), p.Error)
	}
}

// Cancelling the run stops a probe stuck on a silent server at once, with
// no finding: the check has no verdict.
func TestCancel(t *testing.T) {
	r := raw(t, script("!sleep"))
	o := opts(t, nil)
	o.Timeout = time.Minute
	o.Dial = router(map[int]string{25: r.Addr})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	p := ProbeAddr(ctx, nil, "x.test.example", loopback, 25, o)
	res := Check(p, o)
	if time.Since(start) > 2*time.Second {
		t.Errorf("took %s", time.Since(start))
	}
	if res.Status != checks.StatusError || len(res.Findings) != 0 || p.Failure != FailureCanceled {
		t.Errorf("status %s findings %v failure %s", res.Status, codes(res), p.Failure)
	}
}

// A port that speaks TLS from the first byte, probed as STARTTLS: the
// finding says so and hints at --implicit-tls — when it was seen (TLS
// records instead of a banner, or a TLS handshake that succeeds where no
// banner came), and never for a server that is merely silent.
func TestImplicitTLSHint(t *testing.T) {
	srv := server(t, smtptest.Config{TLS: ca(t).ServerConfig(t, "x.test.example"), Implicit: true})
	o := opts(t, nil)
	o.Timeout = time.Second // the TLS handshake that tells must fit in it, even on a loaded machine
	p, res := probeAt(t, srv.Addr, "x.test.example", 587, o)
	f := findingOf(res, CodeImplicitTLS)
	if !p.ImplicitTLS || f == nil || !strings.Contains(f.Hint, "--implicit-tls") || p.FailedStage != StageBanner {
		t.Errorf("silent TLS port: findings %v, stage %s: %s", codes(res), p.FailedStage, p.Error)
	}
	wellFormed(t, res)
	o.Timeout = 300 * time.Millisecond
	records := raw(t, script("!raw \x16\x03\x03\x00\x2a\x02\x00", "!sleep"))
	p, res = probeAt(t, records.Addr, "x.test.example", 587, o)
	if !p.ImplicitTLS || findingOf(res, CodeImplicitTLS) == nil || p.Failure != FailureProtocol || !strings.Contains(p.Error, "TLS records") {
		t.Errorf("TLS records: findings %v, %s: %s", codes(res), p.Failure, p.Error)
	}
	silent := raw(t, script("!sleep"))
	p, res = probeAt(t, silent.Addr, "x.test.example", 587, o)
	if p.ImplicitTLS || findingOf(res, CodeImplicitTLS) != nil || findingOf(res, CodeTimeout) == nil {
		t.Errorf("silent: findings %v", codes(res))
	}
	// With --implicit-tls the same port is fine.
	o.ImplicitTLS = true
	if p, _ = probeAt(t, srv.Addr, "x.test.example", 587, o); p.Failure != "" || p.ImplicitTLS {
		t.Errorf("--implicit-tls: %s: %s", p.Failure, p.Error)
	}
}
