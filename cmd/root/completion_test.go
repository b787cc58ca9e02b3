package root

import (
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/checks/dkim"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/cmd/version"
	"github.com/relayctl/relayctl/report"
)

// complete runs cobra's hidden __complete command through Main, as a
// shell's completion script does, and returns the values offered and the
// directive line.
func complete(t *testing.T, args ...string) (values []string, directive string) {
	t.Helper()
	r := run(t, false, nil, append([]string{"__complete"}, args...)...)
	if r.code != report.ExitOK {
		t.Fatalf("__complete %q: exit %d\n%s", args, r.code, r.errOut)
	}
	for _, l := range strings.Split(strings.TrimSuffix(r.out, "\n"), "\n") {
		if strings.HasPrefix(l, ":") {
			directive = l
			continue
		}
		values = append(values, l)
	}
	return values, directive
}

// The values of every enum flag complete, filtered by what was typed, and
// no file names are offered in their place (directive 4).
func TestCompleteFlagValues(t *testing.T) {
	t.Chdir("../..")
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"check", "mx", "example.com", "-o", ""}, []string{"table", "json", "ndjson"}},
		{[]string{"check", "mx", "example.com", "--output", "nd"}, []string{"ndjson"}},
		{[]string{"blacklist", "ip", "192.0.2.1", "--fail-on", ""}, []string{"warn", "fail", "never"}},
		{[]string{"send", "--tls", ""}, []string{"auto", "starttls", "implicit", "none"}},
		{[]string{"send", "--tls", "i"}, []string{"implicit"}},
		{[]string{"send", "--auth", "c"}, []string{"CRAM-MD5"}},
		{[]string{"send", "--auth", ""}, []string{"auto", "PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"}},
		{[]string{"check", "dkim", "example.com", "--selector", ""}, dkim.CommonSelectors},
		// --lists-file's lists are offered with the built-in ones; the
		// domain command only offers lists of domains.
		{[]string{"blacklist", "domain", "x.example", "--lists-file", "testdata/dnsbl/lists.yaml", "--list", "dom.bl"}, []string{"dom.bl.test"}},
	} {
		got, dir := complete(t, c.args...)
		if !slices.Equal(got, c.want) || dir != ":4" {
			t.Errorf("%q: got %q %s, want %q :4", c.args, got, dir, c.want)
		}
	}
}

// --list completes from the catalog: the zones that list the command's
// kind of target.
func TestCompleteListZones(t *testing.T) {
	ip, _ := complete(t, "blacklist", "ip", "192.0.2.1", "--list", "")
	dom, _ := complete(t, "blacklist", "domain", "x.example", "--list", "")
	if !slices.Contains(ip, "zen.spamhaus.org") || slices.Contains(ip, "dbl.spamhaus.org") {
		t.Errorf("blacklist ip --list offers %q", ip)
	}
	if !slices.Contains(dom, "dbl.spamhaus.org") || slices.Contains(dom, "zen.spamhaus.org") {
		t.Errorf("blacklist domain --list offers %q", dom)
	}
}

// An enum flag's wrong value is bad usage before any work, in the flag's
// own words, with every value it takes.
func TestEnumFlagErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"version", "-o", "yaml"}, `invalid --output "yaml": want table, json or ndjson`},
		{[]string{"version", "--fail-on", "error"}, `invalid --fail-on "error": want warn, fail or never`},
		{[]string{"send", "--tls", "sometimes"}, `invalid --tls "sometimes": want auto, starttls, implicit or none`},
		{[]string{"send", "--auth", "NTLM"}, `invalid --auth "NTLM": want auto, PLAIN, LOGIN, CRAM-MD5 or XOAUTH2`},
	} {
		r := run(t, false, nil, c.args...)
		if r.code != report.ExitUsage || !strings.Contains(r.errOut, "relayctl: "+c.want+"\n") || r.out != "" {
			t.Errorf("%q: exit %d, stderr %q, want %q", c.args, r.code, r.errOut, c.want)
		}
	}
	// The values are matched without regard to case and stored as spelled.
	if r := run(t, false, nil, "version", "-o", "JSON"); r.code != report.ExitOK || !strings.HasPrefix(r.out, "{") {
		t.Errorf("-o JSON: exit %d, %q", r.code, r.out)
	}
}

// Every enum flag's help lists its values.
func TestEnumFlagHelp(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--help"}, "output FORMAT: table, json or ndjson"},
		{[]string{"--help"}, "LEVEL: warn, fail or never"},
		{[]string{"send", "--help"}, "TLS MODE: auto, starttls, implicit or none"},
		{[]string{"send", "--help"}, "AUTH MECHANISM: auto, PLAIN, LOGIN, CRAM-MD5 or XOAUTH2"},
	} {
		if r := run(t, false, nil, c.args...); !strings.Contains(r.out, c.want) {
			t.Errorf("%q: help lacks %q", c.args, c.want)
		}
	}
}

// --ca means the same in every command that has it, and its help says so
// in the same words.
func TestCAHelpIsShared(t *testing.T) {
	ios, _, _, _ := cmdutil.Test()
	var walk func(c *cobra.Command)
	n := 0
	walk = func(c *cobra.Command) {
		if f := c.Flags().Lookup("ca"); f != nil {
			n++
			if !strings.Contains(f.Usage, "beside the system's roots (the same in every command)") {
				t.Errorf("%s --ca: %q", c.CommandPath(), f.Usage)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(NewCmdRoot(ios, version.Info{}))
	if n < 3 { // check domain, check smtp, send at least
		t.Errorf("only %d commands have --ca", n)
	}
}
