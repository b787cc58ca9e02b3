package blacklist

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/report"
)

// --state: the first run has nothing to compare with; an unchanged second
// run reports no change and exits 0 even with --fail-on-change; a newly
// listed address is a state.new-finding and --fail-on-change exits 1;
// delisting it again is a state.finding-gone.
func TestStateChanges(t *testing.T) {
	srv := loopback(t)
	path := filepath.Join(t.TempDir(), "bl.state")
	args := []string{"198.51.100.8", "--list", "good.bl.test", "--state", path, "--fail-on-change", "-o", "json"}
	stateCheck := func(out string) map[string]any {
		t.Helper()
		var rep map[string]any
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		for _, c := range rep["checks"].([]any) {
			if c := c.(map[string]any); c["name"] == "state" {
				return c
			}
		}
		t.Fatalf("no state check:\n%s", out)
		return nil
	}
	codes := func(c map[string]any) []string {
		var out []string
		for _, f := range c["findings"].([]any) {
			f := f.(map[string]any)
			out = append(out, f["code"].(string)+": "+f["message"].(string))
		}
		return out
	}
	for i, want := range []string{"first run", "unchanged"} {
		out, errOut, code := testRun(t, srv.Client(time.Second), "", false, args...)
		if code != report.ExitOK || errOut != "" {
			t.Fatalf("%s: exit %d, stderr %q", want, code, errOut)
		}
		if c := stateCheck(out); len(codes(c)) != 0 || c["status"] != "ok" {
			t.Errorf("run %d (%s): changes %v", i, want, codes(c))
		}
	}
	if b, err := os.ReadFile(path); err != nil || !strings.Contains(string(b), `"version": 1`) {
		t.Fatalf("state file: %v\n%s", err, b)
	}

	a, _ := dns.NewRR("8.100.51.198.good.bl.test. 300 IN A 127.0.0.2")
	srv.SetAnswer("8.100.51.198.good.bl.test", a)
	out, _, code := testRun(t, srv.Client(time.Second), "", false, args...)
	if code != report.ExitGate {
		t.Errorf("newly listed: exit %d, want 1", code)
	}
	got := strings.Join(codes(stateCheck(out)), "\n")
	for _, want := range []string{"state.status-changed: 198.51.100.8: the good.bl.test check is now fail (was ok)", "state.new-finding: 198.51.100.8: new in the good.bl.test check: dnsbl.listed"} {
		if !strings.Contains(got, want) {
			t.Errorf("changes lack %q:\n%s", want, got)
		}
	}
	// Delisted (an empty answer): without --fail-on-change the change
	// alone does not gate; listed again, with it, it does even when the
	// listing itself is below the gate (--fail-on never).
	srv.SetAnswer("8.100.51.198.good.bl.test")
	for _, fail := range []bool{false, true} {
		a2 := []string{"198.51.100.8", "--list", "good.bl.test", "--state", path, "-o", "json", "--fail-on", "never"}
		if fail {
			a2 = append(a2, "--fail-on-change")
			srv.SetAnswer("8.100.51.198.good.bl.test", a)
		}
		out, _, code := testRun(t, srv.Client(time.Second), "", false, a2...)
		want := report.ExitOK
		if fail {
			want = report.ExitGate
		}
		if code != want {
			t.Errorf("fail-on-change %v: exit %d, want %d", fail, code, want)
		}
		if !fail && !strings.Contains(strings.Join(codes(stateCheck(out)), "\n"), "state.finding-gone: 198.51.100.8: gone from the good.bl.test check: dnsbl.listed") {
			t.Errorf("delisting not reported:\n%s", out)
		}
	}
}

// A damaged state file is a warning and a first run, never a failure;
// the run writes a good one back.
func TestStateCorrupt(t *testing.T) {
	srv := loopback(t)
	path := filepath.Join(t.TempDir(), "bl.state")
	os.WriteFile(path, []byte(`{"version": 1, "targets": {"blacklist ip 198`), 0o600)
	_, errOut, code := testRun(t, srv.Client(time.Second), "", false, "198.51.100.8", "--list", "good.bl.test", "--state", path, "--fail-on-change")
	if code != report.ExitOK {
		t.Errorf("exit %d, want 0", code)
	}
	if !strings.Contains(errOut, "relayctl: warning: ignoring the state file "+path+": not valid JSON") || strings.Contains(errOut, "warning: state:") {
		t.Errorf("stderr %q", errOut)
	}
	b, _ := os.ReadFile(path)
	var f map[string]any
	if err := json.Unmarshal(b, &f); err != nil {
		t.Errorf("state not rewritten: %v", err)
	}
	_, errOut, code = testRun(t, srv.Client(time.Second), "", false, "198.51.100.8", "--list", "good.bl.test", "--fail-on-change")
	if code != report.ExitUsage || !strings.Contains(errOut, "--fail-on-change needs --state") {
		t.Errorf("--fail-on-change alone: exit %d, %q", code, errOut)
	}
}
