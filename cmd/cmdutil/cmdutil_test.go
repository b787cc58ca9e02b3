package cmdutil

import (
	"errors"
	"os"
	"testing"

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
	for _, bad := range []string{"", "127.0.0.1:x", "127.0.0.1:0", "127.0.0.1:70000", "a b", "[zz::1]:53"} {
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
