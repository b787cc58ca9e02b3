package check

import (
	"bytes"
	"encoding/json"
	"github.com/miekg/dns"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/report"
)

// runDomain runs check domain with the global flags registered, against
// the repository's zone files, and returns stdout, the error text and the
// exit code.
func runDomain(t *testing.T, args ...string) (string, string, report.Exit) {
	t.Helper()
	ios, _, out, _ := cmdutil.Test()
	g := &cmdutil.Globals{}
	cmd := NewCmdDomain(ios, g, nil)
	g.Register(cmd.Flags())
	cmd.SetArgs(append(args, "--zone", "../../testdata/zones", "--offline"))
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	err := cmd.Execute()
	code, _ := cmdutil.ExitCodeOf(err)
	text := ""
	if err != nil {
		text = cmdutil.ErrorText(err)
	}
	return out.String(), text, code
}

func writePolicy(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "p.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPolicyFlag(t *testing.T) {
	bad := writePolicy(t, "expect:\n  \"*\":\n    dmarc.polcy: reject\n")
	_, text, code := runDomain(t, "example.com", "--policy", bad)
	if code != report.ExitUsage || !strings.Contains(text, bad+":3:5: unknown key \"dmarc.polcy\"") || strings.Contains(text, "policy:") {
		t.Errorf("bad policy: exit %d, %q", code, text)
	}
	if _, text, code := runDomain(t, "example.com", "--policy", "/nonexistent/p.yaml"); code != report.ExitUsage || !strings.Contains(text, "cannot read --policy") {
		t.Errorf("missing policy: exit %d, %q", code, text)
	}

	// The file's fail-on applies unless the command line sets one.
	pol := writePolicy(t, `defaults: {fail-on: never, timeout: 3s}
expect:
  example.com: {dmarc.policy: reject, spf.max_lookups: 10}
severity: {mx.target-private-ip: info}
ignore: [{code: dmarc.external-rua-unauthorized, until: 2020-01-01, reason: expired long ago}]
`)
	out, text, code := runDomain(t, "example.com", "--policy", pol, "-o", "json")
	if code != report.ExitOK {
		t.Fatalf("fail-on never from the file: exit %d %s", code, text)
	}
	var rep struct {
		Checks []struct {
			Name     string
			Findings []struct{ Code, Severity, Message string }
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range rep.Checks {
		for _, f := range c.Findings {
			got = append(got, c.Name+":"+f.Code+":"+f.Severity)
		}
	}
	for _, want := range []string{"dmarc:policy.dmarc-policy:fail", "mx:mx.target-private-ip:info", "dmarc:policy.ignore-expired:warn", "dmarc:dmarc.external-rua-unauthorized:warn"} {
		if !slices.Contains(got, want) {
			t.Errorf("missing %s in %v", want, got)
		}
	}
	if slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "policy.spf-lookups") }) {
		t.Errorf("met spf.max_lookups reported: %v", got)
	}
	if _, _, code := runDomain(t, "example.com", "--policy", pol, "--fail-on", "fail", "-o", "json"); code != report.ExitGate {
		t.Errorf("--fail-on fail on the command line: exit %d, want %d", code, report.ExitGate)
	}
}

// relayctl.yaml in the working directory is read without --policy.
func TestPolicyDefaultFile(t *testing.T) {
	wd, _ := os.Getwd()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "relayctl.yaml"), []byte("expect:\n  \"*\": {tlsrpt: required}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	zones, _ := filepath.Abs("../../testdata/zones")
	t.Chdir(dir)
	ios, _, out, _ := cmdutil.Test()
	g := &cmdutil.Globals{}
	cmd := NewCmdDomain(ios, g, nil)
	g.Register(cmd.Flags())
	cmd.SetArgs([]string{"example.com", "--zone", zones, "--offline", "-o", "json", "--timeout", (2 * time.Second).String()})
	_ = cmd.Execute()
	if !strings.Contains(out.String(), "policy.tlsrpt") {
		t.Errorf("relayctl.yaml in %s (from %s) not applied", dir, wd)
	}
}

// check ip (and the blacklist commands, through blacklist.Run) apply the
// policy too: a listing on a list the file does not accept is a finding,
// and one it accepts is not.
func TestPolicyCheckIP(t *testing.T) {
	srv := ipLoopback(t)
	a, _ := dns.NewRR("2.2.0.192.good.bl.test. 300 IN A 127.0.0.2")
	srv.SetAnswer("2.2.0.192.good.bl.test", a)
	for _, c := range []struct {
		allowed string
		want    bool
	}{{"[]", true}, {"[good.bl.test]", false}} {
		pol := writePolicy(t, "expect:\n  \"*\": {blacklist.allow_listed: "+c.allowed+"}\n")
		rep, errOut, code := runIP(t, srv, "192.0.2.2", "--policy", pol)
		if code != report.ExitGate {
			t.Fatalf("exit %d %s", code, errOut)
		}
		_, findings := checkNames(rep)
		if got := strings.Contains(strings.Join(findings, "\n"), "policy.blacklist-listed blocklist good.bl.test"); got != c.want {
			t.Errorf("allowed %s: policy.blacklist-listed %v, want %v\n%s", c.allowed, got, c.want, strings.Join(findings, "\n"))
		}
	}
}
