package root

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/cmd/version"
	"github.com/relayctl/relayctl/report"
)

// zones are small RFC 1035 zones the tests answer from with --zone and
// --offline: no network at all.
var zones = map[string]string{
	"good.example.zone": `$ORIGIN good.example.
$TTL 3600
@      IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@      IN NS  ns1
ns1    IN A   46.4.10.1
@      IN MX  10 mx1
mx1    IN A   46.4.10.20
@      IN TXT "v=spf1 mx -all"
_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@good.example"
`,
	"rev.zone": `$ORIGIN 10.4.46.in-addr.arpa.
$TTL 3600
@  IN SOA ns1.good.example. hostmaster.good.example. 1 7200 3600 1209600 300
20 IN PTR mx1.good.example.
`,
	// bad.example: an MX host without an address and no DMARC record.
	"bad.example.zone": `$ORIGIN bad.example.
$TTL 3600
@      IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@      IN MX  10 gone
`,
	// bücher.example as its A-label.
	"idn.zone": `$ORIGIN xn--bcher-kva.example.
$TTL 3600
@      IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@      IN MX  10 mx1.good.example.
`,
}

func zoneDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range zones {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type result struct {
	code        report.Exit
	out, errOut string
}

func run(t *testing.T, tty bool, env map[string]string, args ...string) result {
	t.Helper()
	ios, _, out, errOut := cmdutil.Test()
	// A person at a terminal has it on stdout and stderr both.
	ios.SetStdoutTTY(tty, 100)
	ios.SetStderrTTY(tty, 100)
	ios.Getenv = func(k string) string { return env[k] }
	code := Main(context.Background(), args, ios, version.Info{Version: "v1.2.3", Commit: "abc123", Date: "2026-01-02T03:04:05Z"})
	return result{code, out.String(), errOut.String()}
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// The same run on a terminal and into a pipe: colour and borders only on
// the terminal, and only when neither NO_COLOR nor --no-color says no.
func TestTerminalAndPipe(t *testing.T) {
	dir := zoneDir(t)
	args := []string{"check", "mx", "bad.example", "--zone", dir, "--offline"}
	pipe := run(t, false, nil, args...)
	tty := run(t, true, nil, args...)
	if pipe.code != tty.code || pipe.code != report.ExitGate {
		t.Fatalf("exit codes pipe %d, tty %d; want both 1\n%s%s", pipe.code, tty.code, pipe.errOut, tty.errOut)
	}
	if strings.Contains(pipe.out, "\x1b") || strings.ContainsAny(pipe.out, "│╭─") {
		t.Errorf("piped output has colour or borders:\n%s", pipe.out)
	}
	if !strings.Contains(tty.out, "\x1b[") || !strings.Contains(tty.out, "╭") {
		t.Errorf("terminal output has no colour or borders:\n%s", tty.out)
	}
	plainTTY := ansi.ReplaceAllString(tty.out, "")
	for _, want := range []string{"bad.example", "mx.target-unresolvable", "hint:", "mx", "ptr"} {
		if !strings.Contains(pipe.out, want) || !strings.Contains(plainTTY, want) {
			t.Errorf("%q missing from one of the outputs:\npipe:\n%s\ntty:\n%s", want, pipe.out, plainTTY)
		}
	}
	// NO_COLOR and --no-color take the colour away, not the layout: the
	// same bordered table, minus the escape codes.
	for name, r := range map[string]result{
		"NO_COLOR":   run(t, true, map[string]string{"NO_COLOR": "1"}, args...),
		"--no-color": run(t, true, nil, append(args, "--no-color")...),
	} {
		if strings.Contains(r.out, "\x1b") || noDuration(r.out) != noDuration(plainTTY) {
			t.Errorf("%s on a terminal: want the terminal layout without colour, got\n%s\nwant\n%s", name, r.out, plainTTY)
		}
	}
	// A dumb terminal gets the plain layout.
	if r := run(t, true, map[string]string{"TERM": "dumb"}, args...); noDuration(r.out) != noDuration(pipe.out) {
		t.Errorf("TERM=dumb on a terminal: want the plain layout, got\n%s", r.out)
	}
	// NO_COLOR set but empty does not count (no-color.org).
	if r := run(t, true, map[string]string{"NO_COLOR": ""}, args...); !strings.Contains(r.out, "\x1b[") {
		t.Error("empty NO_COLOR turned colour off")
	}
}

func TestExitCodes(t *testing.T) {
	dir := zoneDir(t)
	z := []string{"--zone", dir, "--offline"}
	cases := []struct {
		name   string
		args   []string
		want   report.Exit
		stderr string // a piece of the message, for exit 2
	}{
		{"clean", []string{"check", "mx", "good.example"}, report.ExitOK, ""},
		{"clean at warn gate", []string{"check", "mx", "good.example", "--fail-on", "warn"}, report.ExitOK, ""},
		{"fail finding", []string{"check", "mx", "bad.example"}, report.ExitGate, ""},
		{"fail finding, never", []string{"check", "mx", "bad.example", "--fail-on", "never"}, report.ExitOK, ""},
		{"fail finding ignored", []string{"check", "mx", "bad.example", "--ignore", "mx.*"}, report.ExitOK, ""},
		{"outside the zones with --offline", []string{"check", "mx", "elsewhere.test"}, report.ExitIncomplete, ""},
		{"gate outranks incomplete", []string{"check", "domain", "elsewhere.test", "bad.example"}, report.ExitGate, ""},
		{"unknown flag", []string{"check", "mx", "good.example", "--frobnicate"}, report.ExitUsage, "unknown flag: --frobnicate"},
		{"unknown command", []string{"chekc"}, report.ExitUsage, `unknown command "chekc"`},
		{"missing argument", []string{"check", "spf"}, report.ExitUsage, "accepts 1 arg"},
		{"invalid domain", []string{"check", "mx", "exa mple.com"}, report.ExitUsage, "invalid domain"},
		{"one-label domain", []string{"check", "dmarc", "localhost"}, report.ExitUsage, "invalid domain"},
		{"invalid ip", []string{"check", "spf", "good.example", "--ip", "300.1.1.1"}, report.ExitUsage, "invalid --ip"},
		{"sender without ip", []string{"check", "spf", "good.example", "--sender", "a@good.example"}, report.ExitUsage, "need --ip"},
		{"bad output", []string{"check", "mx", "good.example", "-o", "yaml"}, report.ExitUsage, "invalid --output"},
		{"bad fail-on", []string{"check", "mx", "good.example", "--fail-on", "error"}, report.ExitUsage, "invalid --fail-on"},
		{"bad ignore glob", []string{"check", "mx", "good.example", "--ignore", "mx.["}, report.ExitUsage, "--ignore"},
		{"bad timeout", []string{"check", "mx", "good.example", "--timeout", "0s"}, report.ExitUsage, "invalid --timeout"},
		{"bad selector", []string{"check", "dkim", "good.example", "--selector", "a b"}, report.ExitUsage, "invalid --selector"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, false, nil, append(c.args, z...)...)
			if r.code != c.want {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, c.want, r.out, r.errOut)
			}
			if c.want == report.ExitUsage {
				if !strings.Contains(r.errOut, c.stderr) || !strings.Contains(r.errOut, "--help") {
					t.Errorf("stderr %q lacks %q and a --help pointer", r.errOut, c.stderr)
				}
				if r.out != "" {
					t.Errorf("bad usage printed to stdout: %q", r.out)
				}
			} else if r.errOut != "" {
				t.Errorf("stderr not empty: %q", r.errOut)
			}
		})
	}
}

func TestBadZoneFlags(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.zone")
	os.WriteFile(broken, []byte("$ORIGIN x.example.\n@ IN MX not-a-number\n"), 0o644)
	for name, args := range map[string][]string{
		"missing file":       {"check", "mx", "good.example", "--zone", filepath.Join(dir, "nope.zone")},
		"malformed file":     {"check", "mx", "good.example", "--zone", broken},
		"offline, no zone":   {"check", "mx", "good.example", "--offline"},
		"bad resolver value": {"check", "mx", "good.example", "--resolver", "not a host:port:x"},
	} {
		r := run(t, false, nil, args...)
		if r.code != report.ExitUsage || r.errOut == "" {
			t.Errorf("%s: exit %d, stderr %q; want 2 with a message", name, r.code, r.errOut)
		}
	}
}

// A SERVFAIL from a real DNS server on loopback makes the check an error
// and the exit code 3, never "missing".
func TestServFailIsIncomplete(t *testing.T) {
	srv := dnstest.Start(t)
	srv.Set("broken.example.", dnstest.ServFail)
	r := run(t, false, nil, "check", "mx", "broken.example", "--resolver", srv.Addr, "--timeout", "2s", "-o", "json")
	if r.code != report.ExitIncomplete {
		t.Fatalf("exit %d, want 3\n%s%s", r.code, r.out, r.errOut)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(r.out), &rep); err != nil {
		t.Fatal(err)
	}
	mx := rep["checks"].([]any)[0].(map[string]any)
	if mx["status"] != "error" || !strings.Contains(mx["error"].(string), "SERVFAIL") {
		t.Errorf("mx check = %v", mx)
	}
}

func TestJSONOutputs(t *testing.T) {
	dir := zoneDir(t)
	z := []string{"--zone", dir, "--offline"}

	r := run(t, false, nil, append([]string{"check", "mx", "good.example", "-o", "json"}, z...)...)
	var one map[string]any
	if err := json.Unmarshal([]byte(r.out), &one); err != nil {
		t.Fatalf("one target: not a JSON object: %v\n%s", err, r.out)
	}
	if one["target"] != "good.example" || one["command"] != "check mx" || one["schema_version"] != float64(1) {
		t.Errorf("report = %v", one)
	}
	var names []string
	for _, c := range one["checks"].([]any) {
		names = append(names, c.(map[string]any)["name"].(string))
	}
	if strings.Join(names, ",") != "mx,ptr" {
		t.Errorf("check mx runs %v, want mx,ptr", names)
	}

	r = run(t, false, nil, append([]string{"check", "domain", "good.example", "bad.example", "-o", "json"}, z...)...)
	var many []map[string]any
	if err := json.Unmarshal([]byte(r.out), &many); err != nil {
		t.Fatalf("two targets: not a JSON array: %v\n%s", err, r.out)
	}
	if len(many) != 2 || many[0]["target"] != "good.example" || many[1]["target"] != "bad.example" {
		t.Errorf("targets out of order: %v", many)
	}

	r = run(t, false, nil, append([]string{"check", "domain", "bad.example", "good.example", "-o", "ndjson"}, z...)...)
	lines := strings.Split(strings.TrimRight(r.out, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("ndjson: %d lines, want 2:\n%s", len(lines), r.out)
	}
	for i, want := range []string{"bad.example", "good.example"} {
		var m map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &m); err != nil || m["target"] != want {
			t.Errorf("line %d: %v %v", i, err, m["target"])
		}
	}
	// A single target in ndjson is still one line with an object.
	r = run(t, false, nil, append([]string{"check", "mx", "good.example", "-o", "ndjson"}, z...)...)
	if strings.Count(r.out, "\n") != 1 || !strings.HasPrefix(r.out, "{") {
		t.Errorf("ndjson, one target: %q", r.out)
	}
}

// An IDN is checked as its A-label, and a trailing dot is accepted.
func TestDomainForms(t *testing.T) {
	dir := zoneDir(t)
	for _, in := range []string{"bücher.example", "BÜCHER.example.", "xn--bcher-kva.example"} {
		r := run(t, false, nil, "check", "mx", in, "--zone", dir, "--offline", "-o", "json")
		var m map[string]any
		if err := json.Unmarshal([]byte(r.out), &m); err != nil {
			t.Fatalf("%s: %v\n%s%s", in, err, r.out, r.errOut)
		}
		if m["target"] != "xn--bcher-kva.example" {
			t.Errorf("%s: target %v", in, m["target"])
		}
		mx := m["checks"].([]any)[0].(map[string]any)
		if mx["status"] == "error" {
			t.Errorf("%s: mx check error %v", in, mx["error"])
		}
	}
	r := run(t, false, nil, "check", "mx", "good.example.", "--zone", dir, "--offline")
	if r.code != report.ExitOK || !strings.HasPrefix(r.out, "good.example ") {
		t.Errorf("trailing dot: exit %d\n%s%s", r.code, r.out, r.errOut)
	}
}

func TestVersion(t *testing.T) {
	r := run(t, false, nil, "version")
	for _, want := range []string{"v1.2.3", "abc123", "2026-01-02T03:04:05Z"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("version output lacks %s:\n%s", want, r.out)
		}
	}
	r = run(t, false, nil, "version", "-o", "json")
	var m map[string]string
	if err := json.Unmarshal([]byte(r.out), &m); err != nil || m["version"] != "v1.2.3" || m["commit"] != "abc123" {
		t.Errorf("version -o json: %v %v", err, m)
	}
	if r := run(t, false, nil, "--version"); !strings.Contains(r.out, "v1.2.3") || r.code != 0 {
		t.Errorf("--version: %d %q", r.code, r.out)
	}
}

func TestCompletion(t *testing.T) {
	r := run(t, false, nil, "completion", "bash")
	if r.code != 0 || !strings.Contains(r.out, "relayctl") {
		t.Errorf("completion bash: %d %q", r.code, r.errOut)
	}
}

// A server that never answers: --timeout bounds each query, and the run
// ends with exit 3, not a hang.
func TestSilentServerTimesOut(t *testing.T) {
	srv := dnstest.Start(t)
	srv.Set("silent.example.", dnstest.Drop)
	start := time.Now()
	r := run(t, false, nil, "check", "mx", "silent.example", "--resolver", srv.Addr, "--timeout", "200ms")
	if r.code != report.ExitIncomplete {
		t.Errorf("exit %d, want 3\n%s%s", r.code, r.out, r.errOut)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v with a 200ms timeout", d)
	}
}

// Cancelling the root context (what Ctrl-C does) ends a run at once with
// the checks as errors and exit 3, even with a long --timeout.
func TestCancelEndsRun(t *testing.T) {
	srv := dnstest.Start(t)
	srv.Set("silent.example.", dnstest.Drop)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	ios, _, out, errOut := cmdutil.Test()
	start := time.Now()
	code := Main(ctx, []string{"check", "domain", "silent.example", "--resolver", srv.Addr, "--timeout", "30s", "-o", "json"}, ios, version.Info{})
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v after cancel", d)
	}
	if code != report.ExitIncomplete {
		t.Errorf("exit %d, want 3\n%s%s", code, out, errOut)
	}
	var rep map[string]any
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("a cancelled run still prints its report: %v\n%s", err, out)
	}
	if rep["status"] != "error" {
		t.Errorf("status %v", rep["status"])
	}
}

// durationRE matches the duration at the end of a report's header line,
// which differs between two runs of the same command.
var durationRE = regexp.MustCompile(`(?m)  (<1ms|[0-9.]+(ms|s|µs|m[0-9.]+s))$`)

func noDuration(s string) string { return durationRE.ReplaceAllString(s, "  D") }

// A run whose context is cancelled (Ctrl-C, SIGTERM) while it reads
// stdin ends incomplete, whatever error the command made of the
// cancelled read: exit 3 and "interrupted", not bad input.
func TestCancelWhileReadingStdin(t *testing.T) {
	for _, args := range [][]string{
		{"bounce", "parse", "-"},
		{"send", "--from", "ann@example.net", "--to", "bob@example.org", "--subject", "hi", "--body", "-", "--dry-run"},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		ios, _, _, errOut := cmdutil.Test()
		pr, pw := io.Pipe() // a stdin no one writes to
		ios.In = pr
		time.AfterFunc(50*time.Millisecond, cancel)
		done := make(chan report.Exit, 1)
		go func() { done <- Main(ctx, args, ios, version.Info{}) }()
		select {
		case code := <-done:
			if code != report.ExitIncomplete || errOut.String() != "relayctl: interrupted\n" {
				t.Errorf("%v: exit %d, stderr %q; want 3 and interrupted", args, code, errOut)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%v: still reading stdin 5s after cancel", args)
		}
		pw.Close()
	}
}
