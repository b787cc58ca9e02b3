package cmdutil

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/report"
)

func TestExitCodeOf(t *testing.T) {
	cases := []struct {
		err   error
		code  report.Exit
		print bool
	}{
		{nil, report.ExitOK, false},
		{&ExitError{Code: report.ExitGate}, report.ExitGate, false},
		{ExitWith(report.ExitIncomplete), report.ExitIncomplete, false},
		{Usagef("bad %s", "flag"), report.ExitUsage, true},
		{&IncompleteError{Err: errors.New("no resolv.conf")}, report.ExitIncomplete, true},
		{errors.New(`unknown command "x"`), report.ExitUsage, true},
	}
	for _, c := range cases {
		code, print := ExitCodeOf(c.err)
		if code != c.code || print != c.print {
			t.Errorf("%v: (%d, %v), want (%d, %v)", c.err, code, print, c.code, c.print)
		}
	}
	if ExitWith(report.ExitOK) != nil {
		t.Error("ExitWith(0) is not nil")
	}
}

func TestCheckServer(t *testing.T) {
	for _, ok := range []string{"127.0.0.1", "127.0.0.1:5353", "::1", "[::1]:53", "dns.example", "dns.example:53"} {
		if err := checkServer(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "127.0.0.1:x", "127.0.0.1:0", "127.0.0.1:70000", "a b", "[zz::1]:53", "300.1.1.1", "300.1.1.1:53", "1.2.3", "a..b"} {
		if err := checkServer(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// A file that is not a terminal (a pipe) never gets colour.
func TestColorOnPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	ios := &IOStreams{Out: w, Getenv: func(string) string { return "" }}
	if ios.IsStdoutTTY() || ios.ColorEnabled(false) || ios.TerminalWidth() != 0 {
		t.Error("a pipe was taken for a terminal")
	}
	ios.SetStdoutTTY(true, 80)
	if !ios.ColorEnabled(false) || ios.ColorEnabled(true) || ios.TerminalWidth() != 80 {
		t.Error("override ignored")
	}
}

// The resolver's errors reach a person without the resolver's package
// prefix or the zone parser's, naming a file once.
func TestResolverErrorText(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.zone")
	if err := os.WriteFile(bad, []byte("$ORIGIN x.example.\n@ IN MX ten mx\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()
	g := func(zones ...string) *Globals { return &Globals{Zones: zones, Offline: true, Timeout: time.Second} }
	cases := []struct {
		g    *Globals
		want string
	}{
		{g(filepath.Join(dir, "nosuch.zone")), "cannot use --zone " + filepath.Join(dir, "nosuch.zone") + ": no such file or directory"},
		{g(bad), "cannot use --zone " + bad + `: bad MX Pref: "ten" at line: 2:`},
		{g(dir), "cannot use --zone " + dir + ": " + bad + `: bad MX Pref: "ten" at line: 2:`},
		{g(empty), "cannot use --zone " + empty + ": no *.zone, *.db or db.* file in " + empty},
	}
	for _, c := range cases {
		_, err := c.g.Resolver()
		var usage *UsageError
		if !errors.As(err, &usage) || !strings.HasPrefix(ErrorText(err), c.want) || strings.Contains(ErrorText(err), "dns") {
			t.Errorf("%v: %q, want %q", c.g.Zones, ErrorText(err), c.want)
		}
	}
	for srv, want := range map[string]string{
		"":      `invalid --resolver "": empty resolver address`,
		"a:b:c": `invalid --resolver "a:b:c": "a:b:c" is not an IPv6 address`,
	} {
		_, err := (&Globals{Resolvers: []string{srv}, Timeout: time.Second, Output: "table", FailOn: "fail"}).Validate(t.Context())
		if ErrorText(err) != want {
			t.Errorf("%q: %q, want %q", srv, ErrorText(err), want)
		}
	}
	// No server named and none in resolv.conf: incomplete, not bad usage.
	_, err := (&Globals{Timeout: time.Second}).ResolverWith(func(c *dnsx.Config) { c.ResolvConf = filepath.Join(dir, "resolv.conf") })
	var inc *IncompleteError
	if !errors.As(err, &inc) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("%v", err)
	}
	if got := ErrorText(err); !strings.HasPrefix(got, "no DNS server to ask: reading "+filepath.Join(dir, "resolv.conf")) ||
		!strings.HasSuffix(got, "(or answer from zone files: --zone with --offline)") || strings.Contains(got, "dnsx") {
		t.Errorf("%q", got)
	}
}
