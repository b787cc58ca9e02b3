package check

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// The constructors turn flags into Options; runF catches them before any
// DNS is asked.
func TestFlagsToOptions(t *testing.T) {
	ios, _, _, _ := cmdutil.Test()
	g := &cmdutil.Globals{}
	var got *Options
	capture := func(_ context.Context, o *Options) error { got = o; return nil }

	cmd := NewCmdPart(ios, g, "spf", capture)
	cmd.SetArgs([]string{"example.com", "--ip", "::ffff:192.0.2.1", "--sender", "a@example.com", "--helo", "mail.example.com"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Audit.IP != netip.MustParseAddr("192.0.2.1") || got.Audit.Sender != "a@example.com" || got.Audit.HELO != "mail.example.com" {
		t.Errorf("spf options = %+v", got.Audit)
	}
	if strings.Join(got.Audit.Parts, ",") != "spf" || got.Audit.Command != "check spf" || got.Domains[0] != "example.com" {
		t.Errorf("spf options = %+v %v", got.Audit, got.Domains)
	}

	cmd = NewCmdDomain(ios, g, capture)
	cmd.SetArgs([]string{"a.example", "b.example", "--selector", "s1", "--selector", "s2"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got.Domains, ",") != "a.example,b.example" || strings.Join(got.Audit.Selectors, ",") != "s1,s2" || len(got.Audit.Parts) != 0 {
		t.Errorf("domain options = %+v", got)
	}

	for _, c := range []struct {
		name  string
		cmd   *cobra.Command
		parts string
	}{
		{"check dkim", NewCmdPart(ios, g, "dkim", capture), "dkim"},
		{"check dmarc", NewCmdPart(ios, g, "dmarc", capture), "dmarc"},
		{"check mx", NewCmdPart(ios, g, "mx", capture), "mx,ptr"},
	} {
		c.cmd.SetArgs([]string{"example.com"})
		if err := c.cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		if got.Audit.Command != c.name || strings.Join(got.Audit.Parts, ",") != c.parts {
			t.Errorf("%s: command %q parts %v", c.name, got.Audit.Command, got.Audit.Parts)
		}
	}
}

func TestInvalidIP(t *testing.T) {
	ios, _, _, _ := cmdutil.Test()
	for _, ip := range []string{"192.0.2", "fe80::1%eth0", "example.com"} {
		cmd := NewCmdPart(ios, &cmdutil.Globals{}, "spf", func(context.Context, *Options) error { return nil })
		cmd.SetArgs([]string{"example.com", "--ip", ip})
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		err := cmd.Execute()
		if code, _ := cmdutil.ExitCodeOf(err); code != 2 {
			t.Errorf("--ip %s: %v (exit %d), want a usage error", ip, err, code)
		}
	}
}
