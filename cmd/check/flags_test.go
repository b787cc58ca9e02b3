package check

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/tlsx/tlstest"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

func TestDomainTransportFlags(t *testing.T) {
	ios, _, _, _ := cmdutil.Test()
	g := &cmdutil.Globals{Timeout: 7 * time.Second}
	var got *Options
	capture := func(_ context.Context, o *Options) error { got = o; return nil }
	caFile := tlstest.NewCA(t, "flags CA").WritePEM(t)

	cmd := NewCmdDomain(ios, g, capture)
	cmd.SetArgs([]string{"example.com", "--ca", caFile, "--bimi-selector", "Brand.2024"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Audit.RootCAs == nil || got.Audit.BIMISelector != "brand.2024" || got.Audit.Timeout != 7*time.Second {
		t.Errorf("audit options = %+v", got.Audit)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--ca", caFile + ".absent"}, "cannot read --ca"},
		{[]string{"--ca", "/dev/null"}, "no PEM certificate"},
		{[]string{"--bimi-selector", "two words"}, "invalid --bimi-selector"},
		{[]string{"--bimi-selector", "trailing."}, "invalid --bimi-selector"},
		{[]string{"--bimi-selector", "_bimi"}, "invalid --bimi-selector"},
	} {
		got = nil
		cmd := NewCmdDomain(ios, g, capture)
		cmd.SetArgs(append([]string{"example.com"}, c.args...))
		cmd.SetErr(io.Discard)
		cmd.SetOut(io.Discard)
		err := cmd.Execute()
		var ue *cmdutil.UsageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), c.want) || got != nil {
			t.Errorf("%v: err %v (want a usage error with %q), ran %v", c.args, err, c.want, got != nil)
		}
	}

	// The one-part commands wire the same flags.
	for name, mk := range map[string]func() *Options{
		"check mtasts": func() *Options {
			c := NewCmdPart(ios, g, "mtasts", capture)
			c.SetArgs([]string{"example.com", "--ca", caFile})
			if err := c.Execute(); err != nil {
				t.Fatal(err)
			}
			return got
		},
		"check bimi": func() *Options {
			c := NewCmdPart(ios, g, "bimi", capture)
			c.SetArgs([]string{"example.com", "--bimi-selector", "x"})
			if err := c.Execute(); err != nil {
				t.Fatal(err)
			}
			return got
		},
		"check tlsrpt": func() *Options {
			c := NewCmdPart(ios, g, "tlsrpt", capture)
			c.SetArgs([]string{"example.com"})
			if err := c.Execute(); err != nil {
				t.Fatal(err)
			}
			return got
		},
	} {
		o := mk()
		if o.Audit.Command != name || len(o.Audit.Parts) != 1 || o.Audit.Parts[0] != strings.TrimPrefix(name, "check ") {
			t.Errorf("%s: %+v", name, o.Audit)
		}
		if name == "check mtasts" && o.Audit.RootCAs == nil || name == "check bimi" && o.Audit.BIMISelector != "x" {
			t.Errorf("%s: flags not applied: %+v", name, o.Audit)
		}
	}
}
