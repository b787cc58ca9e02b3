package blacklist

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/report"
)

const listsYAML = `lists:
  - zone: good.bl.test
    kind: [ip4, ip6]
    codes: {127.0.0.2: spam source, 127.0.0.4: exploited host}
  - zone: drop.bl.test
`

// testRun runs "blacklist ip" with args against the loopback server and
// returns stdout, stderr and the exit code.
func testRun(t *testing.T, r dnsx.Resolver, stdin string, domains bool, args ...string) (string, string, report.Exit) {
	t.Helper()
	return testRunOn(t, nil, r, stdin, domains, args...)
}

// testRunOn is testRun with the streams adjusted first (a terminal on
// stderr).
func testRunOn(t *testing.T, adjust func(*cmdutil.IOStreams), r dnsx.Resolver, stdin string, domains bool, args ...string) (string, string, report.Exit) {
	t.Helper()
	dir := t.TempDir()
	lf := filepath.Join(dir, "lists.yaml")
	if err := os.WriteFile(lf, []byte(listsYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	ios, in, out, errOut := cmdutil.Test()
	if adjust != nil {
		adjust(ios)
	}
	in.WriteString(stdin)
	g := &cmdutil.Globals{Output: "table", Timeout: time.Second, FailOn: "fail"}
	var o *Options
	capture := func(_ context.Context, opts *Options) error { o = opts; return nil }
	cmd := NewCmdIP(ios, g, capture)
	if domains {
		cmd = NewCmdDomain(ios, g, capture)
	}
	g.Register(cmd.Flags())
	cmd.SetArgs(append(args, "--lists-file", lf))
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	if err := cmd.Execute(); err != nil {
		code, _ := cmdutil.ExitCodeOf(err)
		return out.String(), err.Error(), code
	}
	o.Resolver = r
	err := run(context.Background(), o)
	code, print := cmdutil.ExitCodeOf(err)
	if print {
		errOut.WriteString(err.Error())
	}
	return out.String(), errOut.String(), code
}

func loopback(t *testing.T) *dnstest.Server {
	t.Helper()
	zs, err := dnsx.LoadZones("../../testdata/dnsbl")
	if err != nil {
		t.Fatal(err)
	}
	return dnstest.Start(t, zs...)
}

func TestIPTableAndExit(t *testing.T) {
	srv := loopback(t)
	out, errOut, code := testRun(t, srv.Client(time.Second), "", false, "198.51.100.7", "198.51.100.8", "--list", "good.bl.test")
	if code != report.ExitGate || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{
		"198.51.100.7  fail  ",
		"good.bl.test  fail    listed: 127.0.0.2 (spam source); 127.0.0.4 (exploited host)",
		"fail  dnsbl.listed  198.51.100.7 is listed on good.bl.test: ",
		"\n198.51.100.8  ok  ",
		"1 list  ok      not listed: good.bl.test",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

// JSON for several targets is one array, streamed; ndjson one line each
// in input order.
func TestJSONArrayAndNDJSON(t *testing.T) {
	srv := loopback(t)
	out, _, code := testRun(t, srv.Client(time.Second), "", false, "198.51.100.6/31", "-o", "json", "--list", "good.bl.test")
	var reps []map[string]any
	if err := json.Unmarshal([]byte(out), &reps); err != nil || code != report.ExitGate {
		t.Fatalf("exit %d: %v\n%s", code, err, out)
	}
	if len(reps) != 2 || reps[0]["target"] != "198.51.100.6" || reps[1]["status"] != "fail" {
		t.Errorf("%v", reps)
	}
	out, _, _ = testRun(t, srv.Client(time.Second), "198.51.100.8\n# c\n198.51.100.7\n", false, "-", "-o", "ndjson", "--list", "good.bl.test")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"target":"198.51.100.8"`) || !strings.Contains(lines[1], `"target":"198.51.100.7"`) {
		t.Errorf("ndjson:\n%s", out)
	}
	// no targets: an empty array, still valid JSON
	var empty bytes.Buffer
	j := report.NewJSONArray(&empty)
	j.Close()
	if empty.String() != "[]\n" {
		t.Errorf("empty array %q", empty.String())
	}
}

// A list that never answers: its check is an error, the run exits 3 and
// the output still comes.
func TestSilentListExit3(t *testing.T) {
	srv := loopback(t)
	srv.Set("8.100.51.198.drop.bl.test", dnstest.Drop)
	srv.Set("2.0.0.127.drop.bl.test", dnstest.Drop)
	out, _, code := testRun(t, srv.Client(200*time.Millisecond), "", false, "198.51.100.8", "--list", "good.bl.test", "--list", "drop.bl.test")
	if code != report.ExitIncomplete || !strings.Contains(out, "drop.bl.test  error   A 8.100.51.198.drop.bl.test: timeout") {
		t.Errorf("exit %d\n%s", code, out)
	}
}

func TestBadInput(t *testing.T) {
	srv := loopback(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"300.1.1.1"}, "not an IPv4 or IPv6 address"},
		{[]string{"10.0.0.0/15"}, "more than --max-addresses"},
		{[]string{"--file", "/nonexistent/x"}, "cannot read --file"},
		{[]string{"--file", "/"}, "is a directory"},
		{[]string{}, "nothing to check"},
		{[]string{"-", "-"}, "given twice"},
		{[]string{"192.0.2.1", "--rate", "-1"}, `invalid argument "-1" for "--rate" flag: want N/s, N/m or N/h`},
		{[]string{"192.0.2.1", "--rate", "10/d"}, `invalid argument "10/d" for "--rate" flag`},
		{[]string{"192.0.2.1", "--list", "bad..zone"}, "not a zone name"},
		{[]string{"192.0.2.1", "--dqs-key", "a.b"}, "letters and digits"},
		{[]string{"192.0.2.1", "--list", "good.bl.test", "--exclude", "good.bl.test"}, "no list to check"},
	} {
		out, errOut, code := testRun(t, srv.Client(time.Second), "", false, c.args...)
		if code != report.ExitUsage || !strings.Contains(errOut, c.want) || out != "" {
			t.Errorf("%v: exit %d, stderr %q, stdout %q", c.args, code, errOut, out)
		}
	}
	// A bad line on stdin, or in a --file, is that target's report (and
	// a note on stderr), and the run goes on: exit 2 unless a listing
	// reached the gate.
	file := filepath.Join(t.TempDir(), "targets.txt")
	if err := os.WriteFile(file, []byte("198.51.100.8\nnope\n198.51.100.9\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"-"}, {"--file", file}} {
		name := "stdin"
		if args[0] != "-" {
			name = file
		}
		out, errOut, code := testRun(t, srv.Client(time.Second), "198.51.100.8\nnope\n198.51.100.9\n", false, append(args, "--list", "good.bl.test", "-o", "ndjson")...)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if code != report.ExitUsage || errOut != "relayctl: "+name+`:2: invalid target "nope": not an IPv4 or IPv6 address`+"\n"+
			"relayctl: summary: 3 targets: 0 listed, 2 not listed, 1 not fully checked (1 bad line of input)\n" || len(lines) != 3 {
			t.Fatalf("%v: exit %d, stderr %q, stdout %q", args, code, errOut, out)
		}
		var bad struct {
			Target, Status string
			Checks         []struct{ Name, Error string }
		}
		if err := json.Unmarshal([]byte(lines[1]), &bad); err != nil || bad.Target != "nope" || bad.Status != "error" || len(bad.Checks) != 2 || bad.Checks[0].Name != "input" ||
			bad.Checks[0].Error != name+`:2: invalid target "nope": not an IPv4 or IPv6 address` {
			t.Errorf("%v: bad line's report %+v %v", args, bad, err)
		}
		if !strings.Contains(lines[2], `"target":"198.51.100.9","status":"ok"`) {
			t.Errorf("%v: the line after the bad one: %s", args, lines[2])
		}
	}
	// a listing outranks the bad line
	_, _, code := testRun(t, srv.Client(time.Second), "nope\n198.51.100.7\n", false, "-", "--list", "good.bl.test", "-o", "ndjson")
	if code != report.ExitGate {
		t.Errorf("listed and a bad line: exit %d", code)
	}
	_, errOut, code := testRun(t, srv.Client(time.Second), "", true, "192.0.2.1")
	if code != report.ExitUsage || !strings.Contains(errOut, "an IP address") {
		t.Errorf("domain 192.0.2.1: %d %q", code, errOut)
	}
}

// Keys come from the environment when the flags are not given.
func TestKeysFromEnv(t *testing.T) {
	ios, _, _, _ := cmdutil.Test()
	ios.Getenv = func(k string) string { return map[string]string{"RELAYCTL_DQS_KEY": "envkey"}[k] }
	o := &Options{IO: ios, Concurrency: 1, MaxAddresses: 1}
	if err := o.validate(); err != nil || o.Keys.DQS != "envkey" {
		t.Errorf("%v %+v", err, o.Keys)
	}
	sel, err := o.selectLists()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range sel.Lists {
		if l.Zone == "zen.spamhaus.org" {
			t.Error("DQS key given but the public zen zone is still asked")
		}
	}
}

// A run that takes a while shows the progress line on a terminal's
// stderr, and ends it with the final count; a quick one, or one whose
// stderr is a pipe, shows nothing.
func TestProgressOnTerminal(t *testing.T) {
	srv := loopback(t)
	tty := func(ios *cmdutil.IOStreams) { ios.SetStderrTTY(true, 100) }
	out, errOut, code := testRunOn(t, tty, srv.Client(5*time.Second), "", false, "198.51.100.8", "--list", "good.bl.test")
	if code != report.ExitOK || errOut != "" || !strings.Contains(out, "198.51.100.8  ok") {
		t.Fatalf("quick run: exit %d, stderr %q, stdout %q", code, errOut, out)
	}
	// Listed: the A and TXT queries (asked together for a single
	// target), 1.3s: past the second's grace.
	srv.SetDelay(1300 * time.Millisecond)
	_, errOut, code = testRunOn(t, tty, srv.Client(5*time.Second), "", false, "198.51.100.7", "--list", "good.bl.test")
	if code != report.ExitGate || !strings.HasPrefix(errOut, "\r[") || !strings.HasSuffix(errOut, "1/1 targets  1/s\x1b[K\n") {
		t.Errorf("slow run: exit %d, stderr %q", code, errOut)
	}
	_, errOut, _ = testRun(t, srv.Client(5*time.Second), "", false, "198.51.100.7", "--list", "good.bl.test")
	if errOut != "" {
		t.Errorf("stderr a pipe: %q", errOut)
	}
}

func TestWorseExit(t *testing.T) {
	if worseExit(report.ExitIncomplete, report.ExitGate) != report.ExitGate || worseExit(report.ExitGate, report.ExitIncomplete) != report.ExitGate ||
		worseExit(report.ExitOK, report.ExitIncomplete) != report.ExitIncomplete {
		t.Error("gate must outrank incomplete, incomplete outrank ok")
	}
}
