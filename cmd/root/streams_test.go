package root

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/report"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// The offline flags of scripts/gen-readme.py, relative to the repository
// root (TestStreams runs there).
var (
	offlineZones = []string{"--zone", "testdata/zones", "--offline"}
	offlineLists = []string{"--lists-file", "testdata/dnsbl/lists.yaml", "--zone", "testdata/dnsbl", "--offline"}
)

// A streams case is one command line, run once for each of its formats,
// each with stdout a terminal and a pipe.
type streamsCase struct {
	name    string
	args    []string
	formats []report.Format // table first; json and ndjson where they differ
	code    report.Exit
}

func streamsCases() []streamsCase {
	z := func(args ...string) []string { return append(args, offlineZones...) }
	bl := func(args ...string) []string { return append(args, offlineLists...) }
	all := []report.Format{report.FormatTable, report.FormatJSON, report.FormatNDJSON}
	tj := []report.Format{report.FormatTable, report.FormatJSON}
	bounces := []string{"bounce", "parse"}
	for _, f := range []string{"postfix-userunknown.eml", "exim-mailboxfull.eml", "qmail-hostunknown.eml", "sendmail-delayed.eml", "not-a-bounce.eml"} {
		bounces = append(bounces, "testdata/bounce/"+f)
	}
	// mtasts and bimi fetch over HTTPS only when a record points there;
	// example.com publishes none, so these runs make no fetch.
	return []streamsCase{
		{"check-domain", z("check", "domain", "example.com", "example.org"), all, report.ExitGate},
		{"check-spf", z("check", "spf", "example.com"), tj, report.ExitOK},
		{"check-spf-ip", z("check", "spf", "example.com", "--ip", "203.0.113.200", "--sender", "alice@example.com"), tj, report.ExitOK},
		{"check-dkim", z("check", "dkim", "example.com", "--selector", "sel2025", "--selector", "crm1"), tj, report.ExitOK},
		{"check-dmarc", z("check", "dmarc", "example.com"), tj, report.ExitOK},
		{"check-mx", z("check", "mx", "example.com"), tj, report.ExitOK},
		{"check-mtasts", z("check", "mtasts", "example.com"), tj, report.ExitOK},
		{"check-tlsrpt", z("check", "tlsrpt", "example.com"), tj, report.ExitOK},
		{"check-bimi", z("check", "bimi", "example.com"), tj, report.ExitOK},
		{"blacklist-ip", bl("blacklist", "ip", "198.51.100.7", "198.51.100.8", "--list", "good.bl.test", "--list", "refuse.bl.test", "--list", "wild.bl.test"), all, report.ExitGate},
		{"blacklist-ip-one", bl("blacklist", "ip", "198.51.100.8", "--list", "good.bl.test"), tj, report.ExitOK},
		{"blacklist-domain", bl("blacklist", "domain", "spammy.example", "grey.example", "clean.example", "--list", "dom.bl.test"), all, report.ExitGate},
		{"blacklist-lists", bl("blacklist", "lists"), tj, report.ExitOK},
		{"bounce-parse", bounces, all, report.ExitOK},
		{"check-message", []string{"check", "message", "testdata/message/length.eml", "--zone", "testdata/message/example.com.zone", "--offline", "--now", "2026-12-01T10:01:00Z"}, tj, report.ExitOK},
		{"send-dry-run", []string{"send", "--dry-run", "--from", "a@example.net", "--to", "b@example.org", "--subject", "Hi", "--body", "hello"}, tj, report.ExitOK},
		{"version", []string{"version"}, tj, report.ExitOK},
	}
}

// Every command whose output is rendered, run through Main with stdout a
// terminal and a pipe, in each format, against golden files in
// testdata/TestStreams/<case>.golden (go test -run TestStreams -update
// rewrites them). A piped run has no escape codes; a table on a terminal
// has the terminal layout, pinned by its own golden file; JSON is the
// same either way.
func TestStreams(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("testdata", t.Name()))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir("../..") // the paths of gen-readme.py, and of the records' sources
	for _, c := range streamsCases() {
		for _, f := range c.formats {
			name := c.name + "." + string(f)
			t.Run(name, func(t *testing.T) {
				args := append(append([]string{}, c.args...), "-o", string(f))
				pipe := run(t, false, nil, args...)
				tty := run(t, true, nil, args...)
				if pipe.code != c.code || tty.code != c.code {
					t.Fatalf("exit codes pipe %d, tty %d; want %d\n%s%s", pipe.code, tty.code, c.code, pipe.errOut, tty.errOut)
				}
				if strings.Contains(pipe.out+pipe.errOut, "\x1b") {
					t.Errorf("piped output has escape codes:\n%s%s", pipe.out, pipe.errOut)
				}
				if f == report.FormatTable {
					// NO_COLOR keeps the terminal's layout, minus colour.
					nc := run(t, true, map[string]string{"NO_COLOR": "1"}, args...)
					if got, want := rendered(nc), ansi.ReplaceAllString(rendered(tty), ""); got != want {
						t.Errorf("NO_COLOR on a terminal is not the terminal layout without colour:\n%s\nwant:\n%s", got, want)
					}
					checkGolden(t, dir, name+".pipe", rendered(pipe))
					checkGolden(t, dir, name+".tty", rendered(tty))
					return
				}
				if rendered(tty) != rendered(pipe) {
					t.Errorf("%s differs on a terminal:\n%s\npiped:\n%s", f, tty.out, pipe.out)
				}
				checkJSON(t, f, pipe.out)
				checkGolden(t, dir, name, rendered(pipe))
			})
		}
	}
}

// The layout of a table on a terminal: borders, colour, the width it was
// given; piped, none of them. (The golden files pin the rest.)
func TestStreamsTerminalLayout(t *testing.T) {
	t.Chdir("../..")
	for _, args := range [][]string{
		append([]string{"check", "domain", "example.com"}, offlineZones...),
		append([]string{"blacklist", "ip", "198.51.100.7", "--list", "good.bl.test"}, offlineLists...),
	} {
		pipe, tty := run(t, false, nil, args...), run(t, true, nil, args...)
		if !strings.Contains(tty.out, "╭") || !strings.Contains(tty.out, "\x1b[") {
			t.Errorf("%s: no borders or colour on a terminal:\n%s", args[:2], tty.out)
		}
		if strings.ContainsAny(pipe.out, "╭│─") {
			t.Errorf("%s: borders in a pipe:\n%s", args[:2], pipe.out)
		}
		for _, l := range strings.Split(ansi.ReplaceAllString(tty.out, ""), "\n") {
			if n := len([]rune(l)); n > 100 {
				t.Errorf("%s: a %d-column line on a 100-column terminal: %q", args[:2], n, l)
			}
		}
	}
}

func checkJSON(t *testing.T, f report.Format, out string) {
	t.Helper()
	if f == report.FormatJSON {
		if !json.Valid([]byte(out)) {
			t.Errorf("not one JSON value:\n%s", out)
		}
		return
	}
	for i, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if !json.Valid([]byte(l)) {
			t.Errorf("ndjson line %d is not JSON: %s", i+1, l)
		}
	}
}

// What varies from run to run, and what it is replaced with.
var varying = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`"started": ?"[^"]*"`), `"started":"STARTED"`},
	{regexp.MustCompile(`"duration_ms": ?[0-9]+`), `"duration_ms":0`},
	// The duration closing a report's header line in a table, also
	// inside colour codes.
	{regexp.MustCompile(`(?m)  ((?:\x1b\[[0-9;]*m)*)(?:<1ms|[0-9.]+(?:µs|ms|s)|[0-9]+m[0-9.]+s)((?:\x1b\[[0-9;]*m)*)$`), "  ${1}DURATION$2"},
	// send --dry-run: the message's date and its random Message-ID.
	{regexp.MustCompile(`Date: [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} [+-][0-9]{4}`), "Date: DATE"},
	{regexp.MustCompile(`<[a-z0-9]{24}@example\.net>`), "<MESSAGE-ID@example.net>"},
	// version: the Go toolchain that built the test.
	{regexp.MustCompile(regexp.QuoteMeta(runtime.Version())), "GOVERSION"},
}

// rendered is a run's output for a golden file: stdout, then stderr when
// there is any, with what varies replaced.
func rendered(r result) string {
	s := r.out
	if r.errOut != "" {
		s += "-- stderr --\n" + r.errOut
	}
	for _, v := range varying {
		s = v.re.ReplaceAllString(s, v.with)
	}
	return s
}

// checkGolden compares got with dir/name.golden, or writes it there with
// -update. A difference is shown as the first line that differs, quoted,
// since the files are long and a terminal's escape codes are invisible.
func checkGolden(t *testing.T, dir, name, got string) {
	t.Helper()
	path := filepath.Join(dir, name+".golden")
	if *update {
		if err := errors.Join(os.MkdirAll(dir, 0o755), os.WriteFile(path, []byte(got), 0o644)); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/root -run TestStreams -update writes it)", err)
	}
	if got == string(want) {
		return
	}
	g, w := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl || i >= len(g) || i >= len(w) {
			t.Errorf("output differs from %s at line %d (of %d, want %d):\ngot  %q\nwant %q", path, i+1, len(g), len(w), gl, wl)
			return
		}
	}
}
