package check

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/relayctl/relayctl/cmd/cmdutil"
)

func TestSMTPFlagsToOptions(t *testing.T) {
	ios, _, _, _ := cmdutil.Test()
	var got *SMTPOptions
	cmd := NewCmdSMTP(ios, &cmdutil.Globals{}, func(_ context.Context, o *SMTPOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"mx.example.com", "192.0.2.1:465", "--ehlo", "probe.example.net", "--ca", "ca.pem",
		"--tls-skip-verify", "--implicit-tls", "--relay-test"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	p := got.Probe
	if len(got.Targets) != 2 || got.CAFile != "ca.pem" || p.EHLO != "probe.example.net" || !p.SkipVerify || !p.ImplicitTLS || !p.RelayTest {
		t.Errorf("options %+v", got)
	}
}

// Bad input is exit 2 before any connection.
func TestSMTPBadInput(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "x.pem")
	os.WriteFile(notPEM, []byte("hello"), 0o644)
	for _, args := range [][]string{
		{"bad..name"},
		{"mx.example.com:0"},
		{"127.0.0.1", "--ca", filepath.Join(dir, "missing.pem")},
		{"127.0.0.1", "--ca", notPEM},
		{"127.0.0.1", "--ehlo", "a b"},
		{"127.0.0.1", "--ehlo", "[300.1.1.1]"},
		{"127.0.0.1", "--ehlo", "[2001:db8::1]"},
	} {
		ios, _, _, _ := cmdutil.Test()
		cmd := NewCmdSMTP(ios, &cmdutil.Globals{Timeout: 1, Output: "table", FailOn: "fail"}, nil)
		cmd.SetArgs(args)
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		err := cmd.Execute()
		if code, _ := cmdutil.ExitCodeOf(err); code != 2 {
			t.Errorf("%v: %v (exit %d), want a usage error", args, err, code)
		}
	}
}

func TestValidEHLO(t *testing.T) {
	for _, ok := range []string{"", "mail.example.com", "[192.0.2.1]", "[IPv6:2001:db8::1]"} {
		if err := validEHLO(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}
