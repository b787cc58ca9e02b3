package send

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
	"github.com/relayctl/relayctl/checks/tlsx/tlstest"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/report"
)

type result struct {
	code   report.Exit
	stdout string
	stderr string
}

// execute runs "relayctl send ARGS" the way the root does, with env as
// the environment and stdin as standard input.
func execute(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	return executeFull(t, env, stdin, nil, args...)
}

// executeWith runs the command after tweak has changed its Options.
func executeWith(t *testing.T, tweak func(*Options), args ...string) result {
	t.Helper()
	return executeFull(t, nil, "", tweak, args...)
}

func executeFull(t *testing.T, env map[string]string, stdin string, tweak func(*Options), args ...string) result {
	t.Helper()
	ios, in, out, errOut := cmdutil.Test()
	in.WriteString(stdin)
	ios.Getenv = func(k string) string { return env[k] }
	g := &cmdutil.Globals{}
	root := &cobra.Command{Use: "relayctl", SilenceErrors: true, SilenceUsage: true}
	g.Register(root.PersistentFlags())
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return &cmdutil.UsageError{Err: err} })
	var runF func(context.Context, *Options) error
	if tweak != nil {
		runF = func(ctx context.Context, o *Options) error { tweak(o); return run(ctx, o) }
	}
	cmd := NewCmdSend(ios, g, runF)
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return &cmdutil.UsageError{Err: err} })
	root.AddCommand(cmd)
	root.SetArgs(append([]string{"send"}, args...))
	root.SetOut(out)
	root.SetErr(errOut)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := root.ExecuteContext(ctx)
	code, print := cmdutil.ExitCodeOf(err)
	if print {
		errOut.WriteString("relayctl: " + err.Error() + "\n")
	}
	return result{code, out.String(), errOut.String()}
}

func base(srv *smtptest.Server, extra ...string) []string {
	return append([]string{"--server", srv.Addr, "--tls", "none", "--ehlo", "client.example",
		"--from", "Ann <ann@example.net>", "--to", "bob@example.org", "--subject", "hi", "--body", "hello"}, extra...)
}

func record(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, s)
	}
	return m
}

func TestExitCodes(t *testing.T) {
	ok := smtptest.Start(t, smtptest.Config{})
	rejectRcpt := smtptest.Start(t, smtptest.Config{Rcpt: func(n int, to string) error {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}})
	temp := smtptest.Start(t, smtptest.Config{Mail: func(n int, from string) error {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}
	}})
	silent := smtptest.Start(t, smtptest.Config{NoDotReply: true})
	partial := smtptest.Start(t, smtptest.Config{Rcpt: func(n int, to string) error {
		if strings.HasPrefix(to, "nobody@") {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
		}
		return nil
	}})
	gone := smtptest.Start(t, smtptest.Config{})
	gone.Close()

	cases := []struct {
		name    string
		args    []string
		code    report.Exit
		result  string
		failure string
	}{
		{"sent", base(ok), 0, "sent", ""},
		{"partial", base(partial, "--to", "nobody@example.org"), 1, "partial", "recipient"},
		{"tested", base(ok, "--quit-after", "rcpt"), 0, "tested", ""},
		{"rejected recipient", base(rejectRcpt), 1, "rejected", "recipient"},
		{"temporary after retries", base(temp, "--retries", "1", "--retry-delay", "1ms"), 3, "failed", "sender"},
		{"no reply to the dot", base(silent, "--data-timeout", "200ms", "--retries", "3"), 3, "unknown", "timeout"},
		{"connection refused", base(gone, "--timeout", "1s"), 3, "failed", "connect"},
	}
	for _, c := range cases {
		r := execute(t, nil, "", append(c.args, "-o", "json")...)
		if r.code != c.code {
			t.Errorf("%s: exit %d, want %d\n%s%s", c.name, r.code, c.code, r.stdout, r.stderr)
			continue
		}
		rec := record(t, r.stdout)
		if rec["result"] != c.result || (c.failure != "" && rec["failure"] != c.failure) {
			t.Errorf("%s: result %v failure %v", c.name, rec["result"], rec["failure"])
		}
	}
	if silent.Count() != 1 {
		t.Errorf("the silent server got %d messages; want exactly 1", silent.Count())
	}
	// The table names the result and the reply.
	r := execute(t, nil, "", base(rejectRcpt)...)
	if r.code != 1 || !strings.Contains(r.stdout, "result      rejected (recipient)") || !strings.Contains(r.stdout, "bob@example.org  550 5.1.1 no such user") {
		t.Errorf("table:\n%s", r.stdout)
	}
}

// A CR or LF in any single-line value from the command line is bad input:
// exit 2, nothing printed on stdout, nothing sent.
func TestHeaderInjection(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{})
	inject := "x\r\nBcc: victim@example.com"
	for _, args := range [][]string{
		{"--subject", "hi" + inject},
		{"--to", "bob@example.org" + inject},
		{"--cc", "c@example.org\nX-Evil: 1"},
		{"--from", "ann@example.net" + inject},
		{"--header", "X-Test: a" + inject},
		{"--header", "X-Test: a\rb"},
		{"--ehlo", "client.example\r\nMAIL FROM:<x@y>"},
		{"--user", "me\r\nRSET"},
	} {
		r := execute(t, map[string]string{EnvPassword: "pw"}, "", base(srv, args...)...)
		if r.code != report.ExitUsage || r.stdout != "" {
			t.Errorf("%q: exit %d, stdout %q", args, r.code, r.stdout)
		}
	}
	if srv.Count() != 0 || srv.Conns() != 0 {
		t.Errorf("the server was contacted: %d connections", srv.Conns())
	}
}

func TestUsageErrors(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{})
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, nil, 0o600)
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--password", "x"}, nil, "unknown flag: --password"},
		{[]string{"--user", "me"}, nil, "needs a password"},
		{[]string{"--user", "me", "--password-file", filepath.Join(dir, "nope")}, nil, "cannot read --password-file"},
		{[]string{"--user", "me", "--password-file", empty}, nil, "is empty"},
		{[]string{"--password-file", empty}, nil, "need --user"},
		{[]string{"--user", "me"}, map[string]string{EnvPassword: "pw"}, "--insecure-auth"}, // base uses --tls none
		{[]string{"--tls", "sometimes"}, nil, "want auto, starttls, implicit or none"},
		{[]string{"--auth", "NTLM"}, nil, "want auto, PLAIN"},
		{[]string{"--user", "me", "--auth", "XOAUTH2"}, map[string]string{EnvPassword: "pw"}, "needs a token"},
		{[]string{"--server", "host:99999"}, nil, "port"},
		{[]string{"--to", "not an address"}, nil, "--to"},
		{[]string{"--header", "Bcc: x@example.org"}, nil, "use --bcc"},
		{[]string{"--ca", filepath.Join(dir, "nope")}, nil, "cannot read --ca"},
		{[]string{"--ca", empty}, nil, "no PEM certificate"},
		{[]string{"--attach", filepath.Join(dir, "nope.pdf")}, nil, "cannot read --attach"},
		{[]string{"--data", "@" + empty}, nil, "--data sends a ready message"},
		{[]string{"--retries", "-1"}, nil, "--retries"},
		{[]string{"--rate", "5/s"}, nil, "go with --batch"},
		{[]string{"--dkim-key", empty}, nil, "--dkim-selector"},
		{[]string{"--dkim-key", empty, "--dkim-selector", "s1"}, nil, "no PEM block"},
		{[]string{"--quit-after", "data"}, nil, "want connect, ehlo, tls, auth, mail, rcpt"},
		{[]string{"--quit-after", "auth"}, nil, "--quit-after auth needs --user"},
		{[]string{"--quit-after", "rcpt", "--dry-run"}, nil, "do not go together"},
		{[]string{"--dsn-notify", "never,success"}, nil, "never goes alone"},
		{[]string{"--dsn-ret", "body"}, nil, "want full or hdrs"},
		{[]string{"--envid", "a b"}, nil, "not printable ASCII"},
		{[]string{"--tls-verify", "--tls-skip-verify"}, nil, "contradict"},
		{[]string{"--to", "bob@"}, nil, "the domain part (after the @) is empty"},
	} {
		r := execute(t, c.env, "", base(srv, c.args...)...)
		if r.code != report.ExitUsage || r.stdout != "" || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%q: exit %d, stderr %q, want %q", c.args, r.code, r.stderr, c.want)
		}
	}
	if srv.Conns() != 0 {
		t.Error("the server was contacted")
	}
}

// The password and the token, typed or base64-encoded, appear nowhere:
// not on stdout (table or JSON), not in the -v transcript, not in an
// error — whether AUTH succeeds or fails, and when the password comes
// from a file.
func TestSecretsNeverPrinted(t *testing.T) {
	const user, pass, token = "alice@example.net", "Tr0ub4dor&3-horse", "ya29.a0Af-token-123456"
	ca := tlstest.NewCA(t, "relayctl sendtest CA")
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(caFile, ca.PEM(), 0o600)
	pwFile := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pwFile, []byte(pass+"\n"), 0o600)
	forms := []string{pass, token}
	for _, v := range []string{pass, token, "\x00" + user + "\x00" + pass, "user=" + user + "\x01auth=Bearer " + token + "\x01\x01"} {
		forms = append(forms, base64.StdEncoding.EncodeToString([]byte(v)), base64.RawStdEncoding.EncodeToString([]byte(v)))
		forms = append(forms, encodings(v)...) // hex, URL-encoded too
	}
	for _, serverPass := range []string{pass, "something-else"} {
		srv := smtptest.Start(t, smtptest.Config{TLS: ca.ServerConfig(t),
			Users: map[string]string{user: serverPass}, Tokens: map[string]string{user: token + map[bool]string{true: "", false: "x"}[serverPass == pass]}})
		for _, auth := range []string{"PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2", "auto"} {
			for _, out := range []string{"json", "table", "ndjson"} {
				args := []string{"--server", "localhost:" + strconv.Itoa(srv.Port), "--ca", caFile, "--user", user, "--auth", auth,
					"--from", user, "--to", "bob@example.org", "--subject", "s", "--body", "b", "-v", "-o", out}
				env := map[string]string{EnvPassword: pass, EnvToken: token}
				if auth == "LOGIN" {
					args = append(args, "--password-file", pwFile)
					env = map[string]string{EnvToken: token}
				}
				r := execute(t, env, "", args...)
				want := report.ExitOK
				if serverPass != pass {
					want = report.ExitGate
				}
				if r.code != want {
					t.Errorf("%s %s: exit %d, want %d\n%s%s", auth, out, r.code, want, r.stdout, r.stderr)
				}
				all := r.stdout + r.stderr
				for _, f := range forms {
					if strings.Contains(all, f) {
						t.Errorf("%s %s: %q in the output:\n%s", auth, out, f, all)
					}
				}
				if !strings.Contains(r.stderr, "<redacted>") {
					t.Errorf("%s %s: no redacted AUTH in the transcript", auth, out)
				}
			}
		}
	}
}

// encodings are the forms in which a server might echo a secret back.
func encodings(v string) []string {
	return []string{v, hex.EncodeToString([]byte(v)), strings.ToUpper(hex.EncodeToString([]byte(v))),
		url.QueryEscape(v), url.PathEscape(v), base64.StdEncoding.EncodeToString([]byte(v)), base64.RawURLEncoding.EncodeToString([]byte(v))}
}

// A hostile server echoes every encoding of the secrets (and of the AUTH
// blobs) in its 535: none of them reaches the record, the table, the
// transcript or an error. And --user user:password is refused without
// echoing the password.
func TestSecretsEchoedByServer(t *testing.T) {
	const user, pass, token = "alice@example.net", "Tr0ub4dor&3 horse/=", "ya29.a0Af+token/123456"
	plainBlob := "\x00" + user + "\x00" + pass
	oauthBlob := "user=" + user + "\x01auth=Bearer " + token + "\x01\x01"
	var forms []string
	for _, v := range []string{pass, token, plainBlob, oauthBlob} {
		forms = append(forms, encodings(v)...)
	}
	echo := "535 5.7.8 rejected: " + strings.Join(forms, " ")
	raw, err := smtptest.StartRaw(func(c net.Conn) {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		r := bufio.NewReader(c)
		say := func(s string) { c.Write([]byte(s + "\r\n")) }
		say("220 echo ESMTP")
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				return
			}
			switch up := strings.ToUpper(l); {
			case strings.HasPrefix(up, "EHLO"):
				say("250-echo\r\n250 AUTH PLAIN LOGIN XOAUTH2")
			case strings.HasPrefix(up, "AUTH LOGIN"):
				say("334 VXNlcm5hbWU6")
				r.ReadString('\n')
				say("334 UGFzc3dvcmQ6")
				r.ReadString('\n')
				say(echo)
			case strings.HasPrefix(up, "AUTH"):
				say(echo)
			case strings.HasPrefix(up, "QUIT"):
				say("221 bye")
				return
			default:
				say("503 5.5.1 no")
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(raw.Close)
	for _, auth := range []string{"PLAIN", "LOGIN", "XOAUTH2"} {
		for _, out := range []string{"json", "table"} {
			r := execute(t, map[string]string{EnvPassword: pass, EnvToken: token}, "", "--server", raw.Addr, "--tls", "none", "--insecure-auth",
				"--user", user, "--auth", auth, "--from", user, "--to", "bob@example.org", "--body", "b", "-v", "-o", out)
			if r.code != report.ExitGate || !strings.Contains(r.stdout, "535") {
				t.Errorf("%s %s: exit %d\n%s%s", auth, out, r.code, r.stdout, r.stderr)
			}
			for _, f := range forms {
				if len(f) >= 6 && strings.Contains(r.stdout+r.stderr, f) {
					t.Errorf("%s %s: %q in the output:\n%s%s", auth, out, f, r.stdout, r.stderr)
				}
			}
		}
	}
	r := execute(t, nil, "", base(smtptest.Start(t, smtptest.Config{}), "--user", "alice:"+pass)...)
	if r.code != report.ExitUsage || strings.Contains(r.stderr, pass) || strings.Contains(r.stderr, "Tr0ub") || !strings.Contains(r.stderr, "--user alice:…") {
		t.Errorf("--user user:password: exit %d, %q", r.code, r.stderr)
	}
}

// No STARTTLS offered and credentials to send: refused before AUTH,
// nothing sent in clear, exit 3.
func TestNoStartTLSWithCredentials(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{Users: map[string]string{"u": "p"}, InsecureAuth: true})
	args := []string{"--server", srv.Addr, "--user", "u", "--from", "a@example.net", "--to", "b@example.org", "--body", "x", "-v", "-o", "json"}
	r := execute(t, map[string]string{EnvPassword: "p"}, "", args...)
	rec := record(t, r.stdout)
	if r.code != report.ExitIncomplete || rec["result"] != "failed" || rec["failure"] != "tls" || !strings.Contains(rec["error"].(string), "--insecure-auth") {
		t.Errorf("exit %d: %s", r.code, r.stdout)
	}
	for _, line := range strings.Split(r.stderr, "\n") {
		if strings.HasPrefix(line, "-> AUTH") || strings.HasPrefix(line, "-> MAIL") {
			t.Errorf("sent in clear: %s", line)
		}
	}
	if srv.Count() != 0 {
		t.Error("a message was delivered")
	}
	// With --insecure-auth the user has said yes.
	r = execute(t, map[string]string{EnvPassword: "p"}, "", append(args, "--insecure-auth")...)
	if r.code != report.ExitOK || srv.Count() != 1 {
		t.Errorf("--insecure-auth: exit %d\n%s", r.code, r.stderr)
	}
}

func TestDryRun(t *testing.T) {
	args := []string{"--from", "ann@example.net", "--to", "bob@example.org", "--bcc", "hidden@example.org",
		"--subject", "Hi", "--body", ".leading dot\nline", "--dry-run"}
	r := execute(t, nil, "", args...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	out := r.stdout
	for _, want := range []string{"MAIL FROM:<ann@example.net>\r\n", "RCPT TO:<bob@example.org>\r\n", "RCPT TO:<hidden@example.org>\r\n", "DATA\r\n", "Subject: Hi\r\n", "\r\n..leading dot\r\nline\r\n.\r\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Bcc:") {
		t.Error("dry run shows a Bcc header")
	}
	r = execute(t, nil, "", append(args, "-o", "json")...)
	rec := record(t, r.stdout)
	if rec["from"] != "ann@example.net" || len(rec["to"].([]any)) != 2 || !strings.Contains(rec["message"].(string), "\r\n.leading dot") {
		t.Errorf("dry run JSON: %s", r.stdout)
	}
}

func TestDataFromStdin(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{})
	raw := "From: ann@example.net\nTo: bob@example.org\nSubject: raw\nMessage-ID: <raw-1@example.net>\n\nbody\n.dot line\n"
	r := execute(t, nil, raw, "--server", srv.Addr, "--tls", "none", "--from", "ann@example.net", "--to", "bob@example.org", "--data", "-", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	got := srv.Messages()
	if len(got) != 1 || string(got[0].Data) != strings.ReplaceAll(raw, "\n", "\r\n") {
		t.Errorf("server got %+v", got)
	}
	if rec := record(t, r.stdout); rec["message_id"] != "<raw-1@example.net>" {
		t.Errorf("message id %v", rec["message_id"])
	}
	r = execute(t, nil, raw, "--server", srv.Addr, "--from", "a@example.net", "--to", "b@example.org", "--data", "-", "--body", "-")
	if r.code != report.ExitUsage {
		t.Errorf("--data - with --body -: exit %d", r.code)
	}
}

func TestBodyFromFileAndStdin(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{})
	dir := t.TempDir()
	html := filepath.Join(dir, "b.html")
	os.WriteFile(html, []byte("<p>hi</p>"), 0o600)
	r := execute(t, nil, "from stdin\n", "--server", srv.Addr, "--tls", "none", "--from", "a@example.net", "--to", "b@example.org",
		"--body", "-", "--html", "@"+html)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	data := string(srv.Messages()[0].Data)
	if !strings.Contains(data, "multipart/alternative") || !strings.Contains(data, "from stdin") || !strings.Contains(data, "<p>hi</p>") {
		t.Errorf("message:\n%s", data)
	}
	if !bytes.Contains([]byte(r.stdout), []byte("result      sent")) {
		t.Errorf("table:\n%s", r.stdout)
	}
}

// The null sender: MAIL FROM:<> on the wire, the From header from
// --header From, and refused without one.
func TestNullSenderOnTheWire(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{})
	args := []string{"--server", srv.Addr, "--tls", "none", "--from", "<>", "--to", "bob@example.org", "--body", "x"}
	r := execute(t, nil, "", args...)
	if r.code != report.ExitUsage || !strings.Contains(r.stderr, "--header \"From:") || srv.Conns() != 0 {
		t.Errorf("no From header: exit %d, %q", r.code, r.stderr)
	}
	r = execute(t, nil, "", append(args, "--header", "From: Mailer <mailer-daemon@example.net>", "-o", "json")...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	got := srv.Messages()
	if len(got) != 1 || got[0].From != "" || !strings.Contains(string(got[0].Data), "From: Mailer <mailer-daemon@example.net>\r\n") {
		t.Errorf("server got %+v", got)
	}
	if !strings.Contains(srv.Log(), "MAIL FROM:<>") {
		t.Errorf("not MAIL FROM:<>:\n%s", srv.Log())
	}
	if rec := record(t, r.stdout); rec["from"] != "" {
		t.Errorf("record from %v", rec["from"])
	}
	r = execute(t, nil, "", "--from", "Bob <bob@example.org", "--to", "x@example.org", "--dry-run")
	if r.code != report.ExitUsage || !strings.Contains(r.stderr, "unbalanced angle brackets") {
		t.Errorf("bad --from: %q", r.stderr)
	}
}
