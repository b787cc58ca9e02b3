package verify

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/spf13/pflag"

	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/report"
)

const zone = `$ORIGIN example.test.
$TTL 300
@ SOA ns hostmaster 1 3600 600 86400 300
@ MX 10 mx
mx A 127.0.0.1
`

// setup returns options asking a loopback DNS server, with every SMTP
// connection going to a server that knows only ann.
func setup(t *testing.T) (*Options, *smtptest.Server, func() (string, string)) {
	t.Helper()
	srv := smtptest.Start(t, smtptest.Config{Rcpt: func(_ int, to string) error {
		if strings.HasPrefix(to, "ann@") {
			return nil
		}
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "User unknown"}
	}})
	dns := dnstest.Start(t, dnstest.Zone(t, "", zone))
	ios, _, out, errOut := cmdutil.Test()
	g := &cmdutil.Globals{Output: "table", Timeout: 2 * time.Second, FailOn: "fail"}
	opts := &Options{
		IO: ios, Globals: g, Resolver: dns.Client(2 * time.Second),
		Retries: 1, RetryWait: time.Millisecond, PerDomain: 1, Concurrency: 8, MaxRcpt: 50, Port: 25,
		Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if !strings.HasSuffix(addr, ":25") {
				t.Errorf("dialed %s, want port 25", addr)
			}
			var d net.Dialer
			return d.DialContext(ctx, network, srv.Addr)
		},
	}
	return opts, srv, func() (string, string) { return out.String(), errOut.String() }
}

func exitOf(err error) report.Exit {
	code, _ := cmdutil.ExitCodeOf(err)
	return code
}

func TestVerifySMTP(t *testing.T) {
	opts, srv, output := setup(t)
	opts.SMTP, opts.From = true, "me@sender.test"
	opts.Globals.Output = "ndjson"
	opts.Args = []string{"ann@example.test", "bob@example.test", "ann@Example.Test"}
	err := run(context.Background(), opts)
	if exitOf(err) != report.ExitGate {
		t.Fatalf("exit %v (%v), want 1", exitOf(err), err)
	}
	out, errOut := output()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("output:\n%s", out)
	}
	var verdicts []string
	for _, l := range lines {
		var rec struct{ Address, Verdict string }
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatal(err)
		}
		verdicts = append(verdicts, rec.Address+"="+rec.Verdict)
	}
	if got := strings.Join(verdicts, " "); got != "ann@example.test=deliverable bob@example.test=undeliverable ann@Example.Test=deliverable" {
		t.Errorf("verdicts %s", got)
	}
	if srv.Conns() != 1 {
		t.Errorf("%d connections, want 1", srv.Conns())
	}
	if !strings.Contains(errOut, "3 addresses: 2 deliverable, 1 undeliverable; 1 SMTP connections") {
		t.Errorf("summary on stderr: %q", errOut)
	}
}

func TestVerifyTableTTYAndPipe(t *testing.T) {
	for _, tty := range []bool{true, false} {
		opts, _, output := setup(t)
		opts.IO.SetStdoutTTY(tty, 100)
		opts.Args = []string{"ann@example.test", "bad@@example.test"}
		err := run(context.Background(), opts)
		if exitOf(err) != report.ExitGate {
			t.Fatalf("exit %v", exitOf(err))
		}
		out, _ := output()
		if tty {
			for _, want := range []string{"UNKNOWN        ann@example.test\n", "UNDELIVERABLE  bad@@example.test\n", "  fail  verify.syntax: not a valid address: character 5", "2 addresses: 1 undeliverable, 1 unknown\n"} {
				if !strings.Contains(out, want) {
					t.Errorf("tty output lacks %q:\n%s", want, out)
				}
			}
		} else if !strings.Contains(out, "bad@@example.test\tundeliverable\tverify.syntax\tnot a valid address: character 5") || strings.Contains(out, "\x1b") {
			t.Errorf("piped output:\n%s", out)
		}
	}
}

func TestVerifyCSVSkipDoneAndExit3(t *testing.T) {
	opts, _, output := setup(t)
	dir := t.TempDir()
	csv := filepath.Join(dir, "users.csv")
	os.WriteFile(csv, []byte("name,email\nAnn,ann@example.test\nBob,\nCy,cy@example.test\n"), 0o644)
	done := filepath.Join(dir, "done.ndjson")
	os.WriteFile(done, []byte(`{"address":"cy@example.test","verdict":"unknown"}`+"\n"+`{"address":"tru`), 0o644)
	opts.Files, opts.Column, opts.SkipDone = []string{csv}, "Email", done
	opts.Globals.Output = "ndjson"
	err := run(context.Background(), opts)
	out, errOut := output()
	// Bob's row has no address: bad input, reported on stderr; ann is
	// unknown without --smtp; cy was done before.
	if exitOf(err) != report.ExitUsage {
		t.Errorf("exit %v, want 2", exitOf(err))
	}
	if strings.Count(out, "\n") != 1 || !strings.Contains(out, `"source":"`+csv+`:2"`) {
		t.Errorf("output:\n%s", out)
	}
	if !strings.Contains(errOut, csv+":3: no address in column") || !strings.Contains(errOut, "1 skipped as done before") {
		t.Errorf("stderr:\n%s", errOut)
	}

	opts, _, _ = setup(t)
	opts.Args = []string{"ann@example.test"}
	if err := run(context.Background(), opts); exitOf(err) != report.ExitIncomplete {
		t.Errorf("unknown only: exit %v, want 3", exitOf(err))
	}
}

func TestVerifyUsage(t *testing.T) {
	for _, tc := range []struct {
		set  func(*Options)
		want string
	}{
		{func(o *Options) { o.SMTP = true }, "--smtp needs --from"},
		{func(o *Options) { o.SMTP, o.From = true, "me@@x" }, "invalid --from"},
		{func(o *Options) { o.From = "me@x.test" }, "--from is for --smtp"},
		{func(o *Options) { o.Concurrency = 0 }, "invalid --concurrency"},
		{func(o *Options) { o.Args = nil }, "nothing to verify"},
		{func(o *Options) { o.Files = []string{"/nonexistent"} }, "cannot read --file /nonexistent"},
	} {
		opts, _, _ := setup(t)
		opts.Args = []string{"a@example.test"}
		tc.set(opts)
		err := run(context.Background(), opts)
		var ue *cmdutil.UsageError
		if !errors.As(err, &ue) || !strings.Contains(cmdutil.ErrorText(err), tc.want) {
			t.Errorf("%s: got %v", tc.want, err)
		}
	}
}

// TestTestdata runs the offline example of docs/verify.md.
func TestTestdata(t *testing.T) {
	ios, _, out, errOut := cmdutil.Test()
	g := &cmdutil.Globals{Output: "ndjson", Timeout: 2 * time.Second, FailOn: "fail", Zones: []string{"../../testdata/verify"}, Offline: true}
	opts := &Options{IO: ios, Globals: g, Files: []string{"../../testdata/verify/signups.txt"},
		Retries: 1, PerDomain: 1, Concurrency: 8, MaxRcpt: 50, Port: 25}
	if err := run(context.Background(), opts); exitOf(err) != report.ExitGate {
		t.Fatalf("exit %v: %v\n%s", exitOf(err), err, errOut)
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var rec struct {
			Normalized, Verdict string
			Reasons             []struct{ Code string }
		}
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatal(err)
		}
		got = append(got, rec.Verdict+" "+rec.Reasons[0].Code)
	}
	want := []string{
		"unknown verify.mailbox-unchecked", "unknown verify.mailbox-unchecked", "risky verify.role",
		"risky verify.implicit-mx", "undeliverable verify.null-mx", "undeliverable verify.mx-unresolvable",
		"undeliverable verify.syntax", "undeliverable verify.syntax", "undeliverable verify.nxdomain",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(errOut.String(), "relayctl: 9 addresses: 5 undeliverable, 2 risky, 2 unknown\nrelayctl: reasons: verify.mailbox-unchecked 4, verify.role 2, verify.syntax 2,") {
		t.Errorf("summary:\n%s", errOut)
	}
}

func TestIgnoreSettlesTheVerdictAgain(t *testing.T) {
	for _, tc := range []struct {
		ignore []string
		addr   string
		exit   report.Exit
		want   string
	}{
		{nil, "info@example.test", report.ExitGate, `"verdict":"risky"`},
		{[]string{"verify.role"}, "info@example.test", report.ExitIncomplete, `"verdict":"unknown"`},
		{[]string{"verify.*"}, "bad@@example.test", report.ExitOK, `"verdict":"deliverable","reasons":[]`},
	} {
		opts, _, output := setup(t)
		opts.Globals.Output, opts.Globals.FailOn, opts.Globals.Ignore = "ndjson", "warn", tc.ignore
		opts.Args = []string{tc.addr}
		err := run(context.Background(), opts)
		out, _ := output()
		if exitOf(err) != tc.exit || !strings.Contains(out, tc.want) {
			t.Errorf("--ignore %v %s: exit %v, output %s", tc.ignore, tc.addr, exitOf(err), out)
		}
	}
}

// The policy file's defaults reach verify through Validate: its fail-on
// makes a risky address fail the gate, unless --fail-on is given.
func TestPolicyDefaultFailOn(t *testing.T) {
	pol := filepath.Join(t.TempDir(), "p.yaml")
	if err := os.WriteFile(pol, []byte("defaults:\n  fail-on: warn\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		exit report.Exit
	}{
		{[]string{"-o", "ndjson"}, report.ExitOK},
		{[]string{"-o", "ndjson", "--policy", pol}, report.ExitGate},
		{[]string{"-o", "ndjson", "--policy", pol, "--fail-on", "fail"}, report.ExitOK},
	} {
		opts, _, output := setup(t)
		fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
		opts.Globals.Register(fs)
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		opts.Globals.Timeout = 2 * time.Second
		opts.Args = []string{"info@example.test"}
		err := run(context.Background(), opts)
		if out, _ := output(); exitOf(err) != tc.exit || !strings.Contains(out, `"verdict":"risky"`) {
			t.Errorf("%v: exit %v (%v), want %v; output %s", tc.args, exitOf(err), err, tc.exit, out)
		}
	}
}
