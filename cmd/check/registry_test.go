package check

import (
	"context"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks/domain"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// "relayctl check" has one subcommand per Subcommand of the registry, plus
// domain; each part subcommand has full help, and no help is kept for a
// subcommand the registry does not have.
func TestSubcommandsFollowTheRegistry(t *testing.T) {
	ios, _, _, _ := cmdutil.Test()
	root := NewCmdCheck(ios, &cmdutil.Globals{})
	have := map[string]bool{}
	for _, c := range root.Commands() {
		have[c.Name()] = true
	}
	names, parts := subcommands()
	// domain and message are wired by hand: the whole audit, and the
	// message checks of their own registry (checks/message).
	if !have["domain"] || !have["message"] || len(have) != len(names)+2 {
		t.Errorf("subcommands %v, registry %v", have, names)
	}
	specs := commandSpecs()
	standalone := standaloneCommands()
	for _, name := range names {
		if !have[name] {
			t.Errorf("registry subcommand %q is not wired", name)
		}
		if parts[name] {
			s, ok := specs[name]
			if !ok || s.Short == "" || s.Long == "" || s.Example == "" {
				t.Errorf("check %s: no full help in commandSpecs", name)
			}
		} else if standalone[name] == nil {
			t.Errorf("check %s takes no domain and has no standaloneCommands entry", name)
		}
	}
	for name := range specs {
		if !parts[name] {
			t.Errorf("commandSpecs has %q, which runs no part of the registry", name)
		}
	}
	for name := range standalone {
		if _, ok := domain.Lookup(name); !ok {
			t.Errorf("standaloneCommands has %q, which is not in the registry", name)
		}
	}
	err := root.RunE(root, nil)
	want := "missing subcommand: domain, mx, spf, dkim, dmarc, mtasts, tlsrpt, bimi, dane, dnssec, smtp or message"
	if code, _ := cmdutil.ExitCodeOf(err); code != 2 || err.Error() != want {
		t.Errorf("check without a subcommand: %v (exit %d)", err, code)
	}
	if !strings.Contains(root.Short, "(MX, reverse DNS, SPF, DKIM, DMARC, MTA-STS, TLS-RPT, BIMI, DANE, DNSSEC)") {
		t.Errorf("check Short = %q", root.Short)
	}
}

// check dane and check dnssec run their one part.
func TestPartSubcommands(t *testing.T) {
	ios, _, _, _ := cmdutil.Test()
	var got *Options
	capture := func(_ context.Context, o *Options) error { got = o; return nil }
	for _, name := range []string{"dane", "dnssec"} {
		cmd := NewCmdPart(ios, &cmdutil.Globals{}, name, capture)
		cmd.SetArgs([]string{"example.com"})
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		if got.Audit.Command != "check "+name || strings.Join(got.Audit.Parts, ",") != name || got.Domains[0] != "example.com" {
			t.Errorf("check %s: %+v %v", name, got.Audit, got.Domains)
		}
	}
}
