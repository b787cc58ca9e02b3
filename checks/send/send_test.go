package send_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/relayctl/relayctl/checks/send"
	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
	"github.com/relayctl/relayctl/checks/tlsx/tlstest"
)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func msg(t *testing.T, to ...string) *send.Message {
	t.Helper()
	var rcpts []send.Address
	for _, s := range to {
		a, err := send.ParseAddress("to", s)
		if err != nil {
			t.Fatal(err)
		}
		rcpts = append(rcpts, a)
	}
	from, _ := send.ParseAddress("from", "Sender <sender@example.net>")
	m, err := send.Build(send.Spec{From: from, To: rcpts, Subject: "test", Text: "hello\n", HasText: true})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// plainCfg talks to srv without TLS.
func plainCfg(srv *smtptest.Server) *send.Config {
	return &send.Config{Server: srv.Addr, TLS: send.TLSNone, Timeout: 5 * time.Second,
		DataTimeout: 5 * time.Second, RetryDelay: time.Millisecond, EHLO: "client.example"}
}

func smtpErr(code int, enh smtp.EnhancedCode, text string) error {
	return &smtp.SMTPError{Code: code, EnhancedCode: enh, Message: text}
}

func TestSendRecord(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{})
	cfg := plainCfg(srv)
	m := msg(t, "bob@example.org", "carl@example.org")
	rec := send.Send(ctx(t), cfg, m)
	if rec.Result != send.ResultSent || rec.Failure != "" || rec.Error != "" {
		t.Fatalf("record %+v", rec)
	}
	if rec.Server != srv.Addr || rec.TLS.Mode != "none" || rec.From != "sender@example.net" ||
		strings.Join(rec.Accepted, ",") != "bob@example.org,carl@example.org" || len(rec.Rejected) != 0 ||
		rec.Attempts != 1 || rec.MessageID != m.MessageID || rec.Size != len(m.Data) {
		t.Errorf("record %+v", rec)
	}
	if !strings.HasPrefix(rec.Reply, "250 2.0.0 ") {
		t.Errorf("reply %q", rec.Reply)
	}
	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("server got %d messages", len(got))
	}
	// The server has exactly the bytes built (go-smtp undoes the dot
	// stuffing and keeps CRLF).
	if !bytes.Equal(got[0].Data, m.Data) || got[0].From != "sender@example.net" || strings.Join(got[0].To, ",") != "bob@example.org,carl@example.org" {
		t.Errorf("server got %+v\n%q\nwant\n%q", got[0], got[0].Data, m.Data)
	}
	b, _ := json.Marshal(rec)
	var obj map[string]any
	if err := json.Unmarshal(b, &obj); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"server", "tls", "from", "to", "accepted", "rejected", "result", "reply", "message_id", "size", "attempts", "timings_ms", "started", "duration_ms"} {
		if _, ok := obj[key]; !ok {
			t.Errorf("JSON lacks %s: %s", key, b)
		}
	}
	for _, key := range []string{"failure", "error", "row", "auth"} {
		if _, ok := obj[key]; ok {
			t.Errorf("JSON has %s for a plain sent message: %s", key, b)
		}
	}
	if obj["tls"].(map[string]any)["mode"] != "none" || len(obj["rejected"].([]any)) != 0 {
		t.Errorf("JSON %s", b)
	}
}

func TestRejectSender(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{Mail: func(n int, from string) error {
		return smtpErr(553, smtp.EnhancedCode{5, 7, 1}, "Sender address rejected: not owned by user")
	}})
	rec := send.Send(ctx(t), plainCfg(srv), msg(t, "bob@example.org"))
	if rec.Result != send.ResultRejected || rec.Failure != send.FailureSender || !strings.HasPrefix(rec.Reply, "553 5.7.1 Sender address rejected") {
		t.Errorf("record %+v", rec)
	}
	if srv.Count() != 0 {
		t.Error("a message was delivered")
	}
}

func TestRejectSomeRecipients(t *testing.T) {
	for _, pipelining := range []bool{true, false} {
		srv := smtptest.Start(t, smtptest.Config{NoPipelining: !pipelining, Rcpt: func(n int, to string) error {
			if strings.HasPrefix(to, "nobody") {
				return smtpErr(550, smtp.EnhancedCode{5, 1, 1}, "<"+to+">: Recipient address rejected: User unknown")
			}
			return nil
		}})
		rec := send.Send(ctx(t), plainCfg(srv), msg(t, "bob@example.org", "nobody@example.org", "carl@example.org"))
		if rec.Result != send.ResultPartial || rec.Failure != send.FailureRecipient || !rec.Done() {
			t.Errorf("pipelining=%v: result %s/%s", pipelining, rec.Result, rec.Failure)
		}
		if strings.Join(rec.Accepted, ",") != "bob@example.org,carl@example.org" || len(rec.Rejected) != 1 {
			t.Fatalf("pipelining=%v: accepted %v rejected %+v", pipelining, rec.Accepted, rec.Rejected)
		}
		r := rec.Rejected[0]
		if r.Recipient != "nobody@example.org" || r.Code != 550 || r.Status != "5.1.1" || !strings.Contains(r.Text, "User unknown") {
			t.Errorf("rejection %+v", r)
		}
		// The others got the message, once, with its queue reply.
		if got := srv.Messages(); len(got) != 1 || strings.Join(got[0].To, ",") != "bob@example.org,carl@example.org" {
			t.Errorf("server got %+v", got)
		}
		if !strings.HasPrefix(rec.Reply, "250") {
			t.Errorf("reply %q", rec.Reply)
		}
	}
}

func TestRejectAllRecipients(t *testing.T) {
	for _, pipelining := range []bool{true, false} {
		srv := smtptest.Start(t, smtptest.Config{NoPipelining: !pipelining, Rcpt: func(n int, to string) error {
			return smtpErr(550, smtp.EnhancedCode{5, 1, 1}, "User unknown")
		}})
		rec := send.Send(ctx(t), plainCfg(srv), msg(t, "a@example.org", "b@example.org"))
		if rec.Result != send.ResultRejected || rec.Failure != send.FailureRecipient || len(rec.Rejected) != 2 || len(rec.Accepted) != 0 {
			t.Errorf("pipelining=%v: %+v", pipelining, rec)
		}
		if srv.Count() != 0 {
			t.Error("data was sent with no recipient")
		}
	}
}

func TestRejectData(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{Data: func(n int, data []byte) error {
		return smtpErr(554, smtp.EnhancedCode{5, 7, 1}, "Message rejected as spam")
	}})
	rec := send.Send(ctx(t), plainCfg(srv), msg(t, "bob@example.org"))
	if rec.Result != send.ResultRejected || rec.Failure != send.FailureData || rec.Reply != "554 5.7.1 Message rejected as spam" || len(rec.Accepted) != 0 {
		t.Errorf("record %+v", rec)
	}
}

// 4xx then success: a retry after backoff, counted in attempts.
func TestTemporaryThenSuccess(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{Mail: func(n int, from string) error {
		if n <= 2 {
			return smtpErr(451, smtp.EnhancedCode{4, 3, 0}, "Temporary local problem")
		}
		return nil
	}})
	cfg := plainCfg(srv)
	var waits []time.Duration
	cfg.Sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	cfg.RetryDelay = 100 * time.Millisecond
	cfg.Retries = 3
	rec := send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultSent || rec.Attempts != 3 || srv.Count() != 1 {
		t.Fatalf("record %+v, server count %d", rec, srv.Count())
	}
	// Exponential with jitter: the n-th wait is in [base·2^(n-1)/2, base·2^(n-1)].
	if len(waits) != 2 || waits[0] < 50*time.Millisecond || waits[0] > 100*time.Millisecond ||
		waits[1] < 100*time.Millisecond || waits[1] > 200*time.Millisecond {
		t.Errorf("waits %v", waits)
	}
	// Without retries the same server fails with exit-3 semantics.
	srv2 := smtptest.Start(t, smtptest.Config{Mail: func(n int, from string) error {
		return smtpErr(451, smtp.EnhancedCode{4, 3, 0}, "Temporary local problem")
	}})
	cfg2 := plainCfg(srv2)
	cfg2.Retries = 2
	rec = send.Send(ctx(t), cfg2, msg(t, "bob@example.org"))
	if rec.Result != send.ResultFailed || rec.Failure != send.FailureSender || rec.Attempts != 3 || !strings.HasPrefix(rec.Reply, "451") {
		t.Errorf("record %+v", rec)
	}
}

// A recipient deferred with 4xx is retried alone: the one accepted is not
// sent to twice.
func TestDeferredRecipientRetriedAlone(t *testing.T) {
	var deferred atomic.Int32
	srv := smtptest.Start(t, smtptest.Config{Rcpt: func(n int, to string) error {
		if to == "slow@example.org" && deferred.Add(1) == 1 {
			return smtpErr(450, smtp.EnhancedCode{4, 2, 0}, "Mailbox busy")
		}
		return nil
	}})
	cfg := plainCfg(srv)
	cfg.Retries = 1
	rec := send.Send(ctx(t), cfg, msg(t, "fast@example.org", "slow@example.org"))
	got := srv.Messages()
	if rec.Result != send.ResultSent || rec.Attempts != 2 || len(got) != 2 ||
		strings.Join(got[0].To, ",") != "fast@example.org" || strings.Join(got[1].To, ",") != "slow@example.org" {
		t.Errorf("record %+v; server %+v", rec, got)
	}
	if strings.Join(rec.Accepted, ",") != "fast@example.org,slow@example.org" {
		t.Errorf("accepted %v", rec.Accepted)
	}
}

// 421 in mid-session: the connection is over; a retry on a new one works.
func TestMidSession421(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{Rcpt: func(n int, to string) error {
		if n == 1 {
			return smtpErr(421, smtp.EnhancedCode{4, 4, 2}, "Service shutting down, closing channel")
		}
		return nil
	}})
	cfg := plainCfg(srv)
	rec := send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultFailed || !strings.HasPrefix(rec.Reply, "421") || rec.Attempts != 1 {
		t.Errorf("no retries: %+v", rec)
	}
	cfg.Retries = 1
	rec = send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultSent || rec.Attempts != 1 {
		// n==1 was the first run's; this run's first RCPT is n==2.
		t.Errorf("with a retry: %+v", rec)
	}
	if srv.Conns() != 2 || srv.Count() != 1 {
		t.Errorf("conns %d, messages %d", srv.Conns(), srv.Count())
	}
}

// No reply to the final dot: the result is unknown and, whatever the
// retries, the message is not sent again.
func TestNoReplyAfterDot(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{NoDotReply: true})
	cfg := plainCfg(srv)
	cfg.DataTimeout = 300 * time.Millisecond
	cfg.Retries = 5
	rec := send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultUnknown || rec.Failure != send.FailureTimeout || rec.Attempts != 1 {
		t.Errorf("record %+v", rec)
	}
	if !strings.Contains(rec.Error, "not sent again") {
		t.Errorf("error %q", rec.Error)
	}
	time.Sleep(100 * time.Millisecond)
	if srv.Count() != 1 || srv.Conns() != 1 {
		t.Errorf("server read %d messages on %d connections; want exactly one", srv.Count(), srv.Conns())
	}
}

func TestConnectionRefused(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{})
	addr := srv.Addr
	srv.Close()
	time.Sleep(50 * time.Millisecond)
	cfg := &send.Config{Server: addr, TLS: send.TLSNone, Timeout: time.Second, Retries: 2, RetryDelay: time.Millisecond}
	rec := send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	if rec.Result != send.ResultFailed || rec.Failure != send.FailureConnect || rec.Attempts != 3 || !strings.Contains(rec.Error, "connect to "+addr) {
		t.Errorf("record %+v", rec)
	}
}

// Secrets appear nowhere: not in the record, its JSON, its errors or the
// transcript — neither as typed nor base64-encoded.
func TestRedaction(t *testing.T) {
	const user, pass, token = "alice@example.net", "s3cr3t-P@ss", "ya29.token-value-xyz"
	forbidden := func(s string) []string {
		var out []string
		for _, v := range []string{pass, token} {
			for _, f := range []string{v,
				base64.StdEncoding.EncodeToString([]byte(v)), base64.RawStdEncoding.EncodeToString([]byte(v)),
				base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + v)),
				base64.StdEncoding.EncodeToString([]byte("user=" + user + "\x01auth=Bearer " + v + "\x01\x01"))} {
				if strings.Contains(s, f) {
					out = append(out, f)
				}
			}
		}
		return out
	}
	ca := tlstest.NewCA(t, "relayctl sendtest CA")
	for _, mech := range []string{"PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"} {
		for _, good := range []bool{true, false} {
			srv := smtptest.Start(t, smtptest.Config{TLS: ca.ServerConfig(t),
				Users: map[string]string{user: pass}, Tokens: map[string]string{user: token}})
			var tr bytes.Buffer
			cfg := &send.Config{Server: srv.Addr, RootCAs: ca.Pool(), Auth: mech, User: user,
				Timeout: 5 * time.Second, Transcript: send.NewTranscript(&tr), EHLO: "client.example"}
			cfg.Server = "localhost:" + strconv.Itoa(srv.Port)
			if mech == "XOAUTH2" {
				cfg.Token = token
				if !good {
					cfg.Token = token + "-wrong"
				}
			} else {
				cfg.Password = pass
				if !good {
					cfg.Password = pass + "-wrong"
				}
			}
			rec := send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
			want := send.ResultSent
			if !good {
				want = send.ResultRejected
			}
			if rec.Result != want || rec.TLS.Mode != "starttls" || !rec.TLS.Verified {
				t.Errorf("%s good=%v: %+v\n%s", mech, good, rec, tr.String())
			}
			if good && (rec.Auth != mech || srv.Messages()[0].User != user) {
				t.Errorf("%s: auth %q", mech, rec.Auth)
			}
			if !good && rec.Failure != send.FailureAuth {
				t.Errorf("%s: failure %q", mech, rec.Failure)
			}
			js, _ := json.Marshal(rec)
			all := tr.String() + string(js) + rec.Error
			if bad := forbidden(all); len(bad) > 0 {
				t.Errorf("%s good=%v: secret forms in output: %q\n%s", mech, good, bad, all)
			}
			if !strings.Contains(tr.String(), "AUTH "+mech) || !strings.Contains(tr.String(), send.Redacted) {
				t.Errorf("%s: transcript shows no redacted AUTH:\n%s", mech, tr.String())
			}
			// The wrong secrets must not show either.
			if strings.Contains(all, pass+"-wrong") || strings.Contains(all, token+"-wrong") {
				t.Errorf("%s: the wrong secret leaked", mech)
			}
		}
	}
}

// A server that echoes the AUTH payload in its error text does not get
// it into the record.
func TestRedactionEcho(t *testing.T) {
	const pass = "hunter2-long-password"
	ca := tlstest.NewCA(t, "relayctl sendtest CA")
	srv := smtptest.Start(t, smtptest.Config{TLS: ca.ServerConfig(t), Users: map[string]string{"u": "other"}, Mechs: []string{"PLAIN"}})
	_ = srv
	cfg := &send.Config{Server: "localhost:" + strconv.Itoa(srv.Port), RootCAs: ca.Pool(), User: "u", Password: pass, Timeout: 5 * time.Second}
	rec := send.Send(ctx(t), cfg, msg(t, "bob@example.org"))
	js, _ := json.Marshal(rec)
	if strings.Contains(string(js), pass) || strings.Contains(string(js), base64.StdEncoding.EncodeToString([]byte("\x00u\x00"+pass))) {
		t.Errorf("leak: %s", js)
	}
	if rec.Result != send.ResultRejected || rec.Failure != send.FailureAuth || !strings.HasPrefix(rec.Reply, "535") {
		t.Errorf("record %+v", rec)
	}
}
