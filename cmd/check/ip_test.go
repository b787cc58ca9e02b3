package check

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/domain"
	"github.com/relayctl/relayctl/cmd/blacklist"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/report"
)

// ipLoopback serves the check ip zones and the test blocklists.
func ipLoopback(t *testing.T) *dnstest.Server {
	t.Helper()
	var all []*dnsx.Zone
	for _, dir := range []string{"../../testdata/ipcheck", "../../testdata/dnsbl"} {
		zs, err := dnsx.LoadZones(dir)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, zs...)
	}
	return dnstest.Start(t, all...)
}

// runIP runs check ip with args through the loopback server.
func runIP(t *testing.T, srv *dnstest.Server, args ...string) (map[string]any, string, report.Exit) {
	t.Helper()
	ios, _, out, errOut := cmdutil.Test()
	g := &cmdutil.Globals{Output: "json", Timeout: time.Second, FailOn: "fail"}
	var o *blacklist.Options
	cmd := NewCmdIP(ios, g, func(_ context.Context, opts *blacklist.Options) error { o = opts; return nil })
	g.Register(cmd.Flags())
	cmd.SetArgs(append(args, "--lists-file", "../../testdata/dnsbl/lists.yaml", "--list", "good.bl.test", "-o", "json"))
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	if err := cmd.Execute(); err != nil {
		code, _ := cmdutil.ExitCodeOf(err)
		return nil, err.Error(), code
	}
	o.Resolver = srv.Client(time.Second)
	err := blacklist.Run(context.Background(), o)
	code, print := cmdutil.ExitCodeOf(err)
	if print {
		errOut.WriteString(cmdutil.ErrorText(err))
	}
	var rep map[string]any
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return rep, errOut.String(), code
}

func checkNames(rep map[string]any) (names []string, findings []string) {
	for _, c := range rep["checks"].([]any) {
		c := c.(map[string]any)
		names = append(names, c["name"].(string))
		for _, f := range c["findings"].([]any) {
			f := f.(map[string]any)
			hint, _ := f["hint"].(string)
			findings = append(findings, f["code"].(string)+" "+f["message"].(string)+" | "+hint)
		}
	}
	return
}

// check ip: one report per address with the command "check ip", the
// ptr, helo and reputation checks first, then one check per list and the
// resolver; a listing carries the list's removal page in its hint.
func TestCheckIP(t *testing.T) {
	srv := ipLoopback(t)
	a, _ := dns.NewRR("2.2.0.192.good.bl.test. 300 IN A 127.0.0.2")
	srv.SetAnswer("2.2.0.192.good.bl.test", a)
	rep, errOut, code := runIP(t, srv, "192.0.2.2", "--helo", "host-192-0-2-2.dyn.example.test")
	if code != report.ExitGate || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if rep["command"] != "check ip" || rep["target"] != "192.0.2.2" {
		t.Errorf("report %v %v", rep["command"], rep["target"])
	}
	names, findings := checkNames(rep)
	if want := []string{"ptr", "helo", "reputation", "good.bl.test", "resolver"}; !slices.Equal(names, want) {
		t.Errorf("checks %v, want %v", names, want)
	}
	all := strings.Join(findings, "\n")
	for _, want := range []string{"ip.ptr-generic ", "ip.reputation-low 192.0.2.2 has a low reputation: SenderScore 40 of 100", "dnsbl.listed 192.0.2.2 is listed on Good list (good.bl.test)", "https://good.bl.test/"} {
		if !strings.Contains(all, want) {
			t.Errorf("findings lack %q:\n%s", want, all)
		}
	}
	// Bad --helo is bad usage.
	if _, errOut, code := runIP(t, srv, "192.0.2.1", "--helo", "a b"); code != report.ExitUsage || !strings.Contains(errOut, "invalid --helo") {
		t.Errorf("bad --helo: exit %d, %q", code, errOut)
	}
}

// check ip --state: a delisting is a change, and --fail-on-change exits 1
// for it although nothing else reaches the gate.
func TestCheckIPState(t *testing.T) {
	srv := ipLoopback(t)
	path := filepath.Join(t.TempDir(), "ip.state")
	a, _ := dns.NewRR("4.2.0.192.good.bl.test. 300 IN A 127.0.0.2")
	srv.SetAnswer("4.2.0.192.good.bl.test", a)
	if rep, _, code := runIP(t, srv, "192.0.2.4", "--state", path, "--fail-on-change"); code != report.ExitGate {
		t.Fatalf("listed: exit %d %v", code, rep)
	}
	if rep, _, code := runIP(t, srv, "192.0.2.4", "--state", path, "--fail-on-change"); code != report.ExitGate {
		t.Fatalf("still listed: exit %d", code)
	} else if _, f := checkNames(rep); slices.ContainsFunc(f, func(s string) bool { return strings.HasPrefix(s, "state.") }) {
		t.Errorf("no change, yet %v", f)
	}
	srv.SetAnswer("4.2.0.192.good.bl.test")
	rep, _, code := runIP(t, srv, "192.0.2.4", "--state", path, "--fail-on-change")
	if code != report.ExitGate {
		t.Errorf("delisted with --fail-on-change: exit %d, want 1", code)
	}
	_, f := checkNames(rep)
	if !slices.ContainsFunc(f, func(s string) bool {
		return strings.HasPrefix(s, "state.finding-gone 192.0.2.4: gone from the good.bl.test check: dnsbl.listed")
	}) {
		t.Errorf("delisting not reported: %v", f)
	}
	if _, _, code := runIP(t, srv, "192.0.2.4", "--state", path, "--fail-on-change"); code != report.ExitOK {
		t.Errorf("unchanged and clean: exit %d, want 0", code)
	}
}

// check domain --state: an SPF record that changes between runs is a
// state change; --fail-on-change exits 1 for it, and 0 once it stays.
// Only check domain takes the flags.
func TestCheckDomainState(t *testing.T) {
	dir := t.TempDir()
	zone := filepath.Join(dir, "example.com.zone")
	path := filepath.Join(dir, "domain.state")
	write := func(spf string) {
		z := "$ORIGIN example.com.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN TXT \"" + spf + "\"\n"
		if err := os.WriteFile(zone, []byte(z), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	runDomain := func() (string, report.Exit) {
		ios, _, out, _ := cmdutil.Test()
		opts := &Options{
			IO: ios,
			// --fail-on never: only the change can gate.
			Globals: &cmdutil.Globals{Output: "json", FailOn: "never", Timeout: time.Second, Zones: []string{zone}, Offline: true},
			Domains: []string{"example.com"},
			Audit:   domain.Options{Command: domain.CommandDomain, Parts: []string{"spf"}},
			State:   cmdutil.StateFlags{Path: path, FailOnChange: true},
		}
		code, _ := cmdutil.ExitCodeOf(run(context.Background(), opts))
		return out.String(), code
	}
	write("v=spf1 -all")
	for i := range 2 {
		if out, code := runDomain(); code != report.ExitOK || strings.Contains(out, `"state.`) {
			t.Fatalf("run %d: exit %d\n%s", i, code, out)
		}
	}
	write("v=spf1 +all")
	out, code := runDomain()
	if code != report.ExitGate || !strings.Contains(out, `"state.new-finding"`) || !strings.Contains(out, `"state.status-changed"`) {
		t.Errorf("SPF changed: exit %d\n%s", code, out)
	}
	ios, _, _, _ := cmdutil.Test()
	if NewCmdDomain(ios, &cmdutil.Globals{}, nil).Flags().Lookup("state") == nil {
		t.Errorf("check domain has no --state")
	}
	if NewCmdPart(ios, &cmdutil.Globals{}, "spf", nil).Flags().Lookup("state") != nil {
		t.Errorf("check spf has --state")
	}
}
