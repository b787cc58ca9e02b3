package send_test

import (
	"crypto/tls"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/send"
	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
	"github.com/relayctl/relayctl/checks/tlsx/tlstest"
)

// sniServer is a TLS config from ca that remembers the SNI names asked.
func sniServer(t testing.TB, ca *tlstest.CA) (*tls.Config, func() []string) {
	var mu sync.Mutex
	var names []string
	conf := ca.ServerConfig(t).Clone()
	conf.GetConfigForClient = func(h *tls.ClientHelloInfo) (*tls.Config, error) {
		mu.Lock()
		names = append(names, h.ServerName)
		mu.Unlock()
		return nil, nil
	}
	return conf, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), names...) }
}

func TestStartTLSVerified(t *testing.T) {
	ca := tlstest.NewCA(t, "relayctl sendtest CA")
	conf, sni := sniServer(t, ca)
	srv := smtptest.Start(t, smtptest.Config{TLS: conf})
	for _, mode := range []send.TLSMode{send.TLSAuto, send.TLSStartTLS} {
		cfg := &send.Config{Server: "localhost:" + strconv.Itoa(srv.Port), TLS: mode, RootCAs: ca.Pool(), Timeout: 5 * time.Second}
		rec := send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
		if rec.Result != send.ResultSent || rec.TLS.Mode != "starttls" || !rec.TLS.Verified || rec.TLS.Version != "TLS1.3" || rec.TLS.Cipher == "" || rec.TLS.ServerName != "localhost" {
			t.Errorf("%s: %+v", mode, rec)
		}
		if rec.Timings.StartTLS == 0 {
			t.Errorf("%s: no STARTTLS timing", mode)
		}
	}
	if got := sni(); len(got) != 2 || got[0] != "localhost" {
		t.Errorf("SNI %q", got)
	}
	msgs := srv.Messages()
	if len(msgs) != 2 || !msgs[0].TLS {
		t.Errorf("the server did not get the messages inside TLS: %+v", msgs)
	}
}

func TestTLSUntrusted(t *testing.T) {
	ca := tlstest.NewCA(t, "relayctl sendtest CA")
	other := tlstest.NewCA(t, "relayctl sendtest CA")
	srv := smtptest.Start(t, smtptest.Config{TLS: ca.ServerConfig(t)})
	cfg := &send.Config{Server: "localhost:" + strconv.Itoa(srv.Port), RootCAs: other.Pool(), Timeout: 5 * time.Second, Retries: 3, RetryDelay: time.Millisecond}
	rec := send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultFailed || rec.Failure != send.FailureTLS || !strings.Contains(rec.Error, "not trusted") || !strings.Contains(rec.Error, "--ca") {
		t.Errorf("record %+v", rec)
	}
	// A certificate does not change by asking again.
	if rec.Attempts != 1 {
		t.Errorf("attempts %d", rec.Attempts)
	}
	// The wrong name: the certificate is for localhost, not 127.0.0.1.
	cfg = &send.Config{Server: srv.Addr, RootCAs: ca.Pool(), Timeout: 5 * time.Second}
	ca2 := tlstest.NewCA(t, "relayctl sendtest CA")
	srv2 := smtptest.Start(t, smtptest.Config{TLS: ca2.ServerConfig(t, "localhost")})
	cfg.Server, cfg.RootCAs = srv2.Addr, ca2.Pool()
	rec = send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultFailed || rec.Failure != send.FailureTLS {
		t.Errorf("name mismatch: %+v", rec)
	}
	// --tls-skip-verify goes on, and the record says so.
	cfg = &send.Config{Server: srv2.Addr, SkipVerify: true, Timeout: 5 * time.Second}
	rec = send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultSent || rec.TLS.Verified || rec.TLS.Mode != "starttls" {
		t.Errorf("skip verify: %+v", rec)
	}
	if srv.Count() != 0 || srv2.Count() != 1 {
		t.Errorf("counts %d %d", srv.Count(), srv2.Count())
	}
}

func TestImplicitTLS(t *testing.T) {
	ca := tlstest.NewCA(t, "relayctl sendtest CA")
	srv := smtptest.Start(t, smtptest.Config{TLS: ca.ServerConfig(t), Implicit: true, Users: map[string]string{"u": "p"}})
	cfg := &send.Config{Server: "localhost:" + strconv.Itoa(srv.Port), TLS: send.TLSImplicit, RootCAs: ca.Pool(), Timeout: 5 * time.Second, User: "u", Password: "p"}
	rec := send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultSent || rec.TLS.Mode != "implicit" || !rec.TLS.Verified || rec.Auth != "CRAM-MD5" {
		t.Errorf("record %+v", rec)
	}
	if m := srv.Messages(); len(m) != 1 || m[0].User != "u" {
		t.Errorf("server %+v", m)
	}
	// STARTTLS mode against an implicit-TLS port: the banner never comes
	// in clear, a timeout at the connect stage.
	cfg = &send.Config{Server: "localhost:" + strconv.Itoa(srv.Port), TLS: send.TLSStartTLS, RootCAs: ca.Pool(), Timeout: time.Second}
	rec = send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultFailed || rec.Failure != send.FailureTimeout || !strings.Contains(rec.Error, "--tls implicit") {
		t.Errorf("starttls to implicit port: %+v", rec)
	}
}

func TestStartTLSRequiredButMissing(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{})
	cfg := &send.Config{Server: srv.Addr, TLS: send.TLSStartTLS, Timeout: 5 * time.Second}
	rec := send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultFailed || rec.Failure != send.FailureTLS || !strings.Contains(rec.Error, "does not offer STARTTLS") || srv.Count() != 0 {
		t.Errorf("record %+v", rec)
	}
	// auto without credentials goes on in clear, and says so.
	cfg.TLS = send.TLSAuto
	rec = send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultSent || rec.TLS.Mode != "none" {
		t.Errorf("auto: %+v", rec)
	}
}

func TestAuthAutoPicksStrongest(t *testing.T) {
	ca := tlstest.NewCA(t, "relayctl sendtest CA")
	cases := []struct {
		mechs []string
		token bool
		want  string
	}{
		{[]string{"PLAIN", "LOGIN", "CRAM-MD5"}, false, "CRAM-MD5"},
		{[]string{"LOGIN", "PLAIN"}, false, "PLAIN"},
		{[]string{"LOGIN"}, false, "LOGIN"},
		{[]string{"PLAIN", "XOAUTH2"}, true, "XOAUTH2"},
	}
	for _, c := range cases {
		srv := smtptest.Start(t, smtptest.Config{TLS: ca.ServerConfig(t), Mechs: c.mechs, Users: map[string]string{"u": "p"}, Tokens: map[string]string{"u": "tok"}})
		cfg := &send.Config{Server: "localhost:" + strconv.Itoa(srv.Port), RootCAs: ca.Pool(), Timeout: 5 * time.Second, User: "u", Password: "p"}
		if c.token {
			cfg.Password, cfg.Token = "", "tok"
		}
		rec := send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
		if rec.Result != send.ResultSent || rec.Auth != c.want || srv.Messages()[0].Mech != c.want {
			t.Errorf("%v: %+v", c.mechs, rec)
		}
	}
}

func TestAuthRefusedOrMissing(t *testing.T) {
	ca := tlstest.NewCA(t, "relayctl sendtest CA")
	// Wrong password: 535, a permanent refusal, not retried.
	srv := smtptest.Start(t, smtptest.Config{TLS: ca.ServerConfig(t), Users: map[string]string{"u": "p"}})
	cfg := &send.Config{Server: "localhost:" + strconv.Itoa(srv.Port), RootCAs: ca.Pool(), Timeout: 5 * time.Second, User: "u", Password: "wrong", Retries: 3, RetryDelay: time.Millisecond}
	rec := send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultRejected || rec.Failure != send.FailureAuth || rec.Attempts != 1 || !strings.HasPrefix(rec.Reply, "535") || srv.Count() != 0 {
		t.Errorf("wrong password: %+v", rec)
	}
	// The mechanism asked for is not offered.
	cfg = &send.Config{Server: "localhost:" + strconv.Itoa(srv.Port), RootCAs: ca.Pool(), Timeout: 5 * time.Second, User: "u", Password: "p", Auth: "XOAUTH2"}
	rec = send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultRejected || rec.Failure != send.FailureAuth || !strings.Contains(rec.Error, "does not offer AUTH XOAUTH2") {
		t.Errorf("mechanism not offered: %+v", rec)
	}
	// No AUTH at all.
	srv2 := smtptest.Start(t, smtptest.Config{TLS: ca.ServerConfig(t)})
	cfg.Server, cfg.Auth = "localhost:"+strconv.Itoa(srv2.Port), ""
	rec = send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultRejected || rec.Failure != send.FailureAuth || !strings.Contains(rec.Error, "does not offer AUTH") || srv2.Count() != 0 {
		t.Errorf("no AUTH: %+v", rec)
	}
	// The server wants AUTH and the client has none: 530 at MAIL.
	srv3 := smtptest.Start(t, smtptest.Config{TLS: ca.ServerConfig(t), Users: map[string]string{"u": "p"}, RequireAuth: true})
	cfg = &send.Config{Server: "localhost:" + strconv.Itoa(srv3.Port), RootCAs: ca.Pool(), Timeout: 5 * time.Second}
	rec = send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultRejected || rec.Failure != send.FailureSender || !strings.HasPrefix(rec.Reply, "502") && !strings.HasPrefix(rec.Reply, "530") {
		t.Errorf("auth required: %+v", rec)
	}
}

// Credentials and no TLS: nothing is sent, not even AUTH's name.
func TestNoCredentialsInClear(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{Users: map[string]string{"u": "p"}, InsecureAuth: true})
	var tr strings.Builder
	for _, mode := range []send.TLSMode{send.TLSAuto, send.TLSNone} {
		tr.Reset()
		cfg := &send.Config{Server: srv.Addr, TLS: mode, Timeout: 5 * time.Second, User: "u", Password: "p", Transcript: send.NewTranscript(&tr), Retries: 2, RetryDelay: time.Millisecond}
		rec := send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
		if rec.Result != send.ResultFailed || rec.Attempts != 1 || !strings.Contains(rec.Error, "--insecure-auth") {
			t.Errorf("%s: %+v", mode, rec)
		}
		if strings.Contains(tr.String(), "-> AUTH") || strings.Contains(tr.String(), "-> MAIL") {
			t.Errorf("%s: sent in clear:\n%s", mode, tr.String())
		}
	}
	if srv.Count() != 0 {
		t.Error("delivered")
	}
	cfg := &send.Config{Server: srv.Addr, TLS: send.TLSNone, Timeout: 5 * time.Second, User: "u", Password: "p", InsecureAuth: true}
	if rec := send.Send(ctx(t), cfg, msg(t, "bob@example.org")); rec.Result != send.ResultSent || rec.Auth != "CRAM-MD5" {
		t.Errorf("--insecure-auth: %+v", rec)
	}
}

// A port other than 465 that speaks implicit TLS: the silent banner is
// told from a dead server by a TLS handshake that succeeds, and the
// error says to use --tls implicit; TLS records where the banner should
// be say the same. A silent server that is not TLS stays a timeout.
func TestImplicitTLSHint(t *testing.T) {
	ca := tlstest.NewCA(t, "relayctl sendtest CA")
	srv := smtptest.Start(t, smtptest.Config{TLS: ca.ServerConfig(t), Implicit: true})
	cfg := &send.Config{Server: "localhost:" + strconv.Itoa(srv.Port), RootCAs: ca.Pool(), Timeout: time.Second, Retries: 2, RetryDelay: time.Millisecond}
	rec := send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultFailed || rec.Failure != send.FailureTimeout || !strings.Contains(rec.Error, "--tls implicit") || rec.Attempts != 1 {
		t.Errorf("silent TLS port: %+v", rec)
	}
	records, err := smtptest.StartRaw(func(c net.Conn) {
		c.Write([]byte{0x16, 0x03, 0x03, 0x00, 0x2a, 0x02, 0x00})
		time.Sleep(time.Second)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(records.Close)
	cfg = &send.Config{Server: records.Addr, TLS: send.TLSNone, Timeout: 2 * time.Second}
	rec = send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Failure != send.FailureConnect || !strings.Contains(rec.Error, "TLS records instead of a banner") || !strings.Contains(rec.Error, "--tls implicit") {
		t.Errorf("TLS bytes: %+v", rec)
	}
	silent, err := smtptest.StartRaw(func(c net.Conn) { time.Sleep(700 * time.Millisecond) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(silent.Close)
	cfg = &send.Config{Server: silent.Addr, TLS: send.TLSNone, Timeout: 200 * time.Millisecond}
	rec = send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Failure != send.FailureTimeout || strings.Contains(rec.Error, "implicit") || !strings.Contains(rec.Error, "timed out") {
		t.Errorf("silent: %+v", rec)
	}
	if srv.Count() != 0 {
		t.Error("a message was sent")
	}
}
