package report

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/report"
)

func TestSummaryGate(t *testing.T) {
	out, errOut, code := run(t, "", "summary", "--no-dns", "-o", "json", testdataDir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if rep["command"] != "report summary" || rep["target"] != "example.com" || rep["status"] != "warn" {
		t.Errorf("report %v", rep)
	}
	if !strings.Contains(out, `"report.unauthenticated-source"`) || !strings.Contains(out, `"report.tls-failures"`) {
		t.Errorf("findings missing: %s", out)
	}
	// --fail-on warn gates on the unauthenticated source; --ignore drops it.
	if _, _, code := run(t, "", "summary", "--no-dns", "--fail-on", "warn", testdataDir); code != report.ExitGate {
		t.Errorf("--fail-on warn: exit %d, want 1", code)
	}
	if _, _, code := run(t, "", "summary", "--no-dns", "--fail-on", "warn", "--ignore", "report.unauthenticated-source", "--ignore", "report.tls-*", testdataDir); code != 0 {
		t.Errorf("--ignore: exit %d, want 0", code)
	}
	_, errOut, code = run(t, "", "summary", "--since", "yesterday", testdataDir)
	if code != report.ExitUsage || !strings.Contains(errOut, "--since") {
		t.Errorf("--since yesterday: %d %s", code, errOut)
	}
}

// report summary reads the policy file: its fail-on default gates, its
// severity overrides and ignores change the report as --ignore would.
func TestSummaryPolicy(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) string {
		p := filepath.Join(dir, "p.yaml")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pol := write("defaults: {fail-on: warn}\n")
	if _, errOut, code := run(t, "", "summary", "--no-dns", "--policy", pol, testdataDir); code != report.ExitGate {
		t.Errorf("fail-on warn from the file: exit %d, want 1 (%s)", code, errOut)
	}
	pol = write("defaults: {fail-on: warn}\nseverity: {report.unauthenticated-source: info}\n" +
		"ignore:\n  - {code: report.tls-*, until: 2999-01-01, reason: the test relay}\n")
	out, errOut, code := run(t, "", "summary", "--no-dns", "--policy", pol, "-o", "json", testdataDir)
	if code != 0 {
		t.Errorf("override and ignore: exit %d, want 0 (%s)", code, errOut)
	}
	var rep struct {
		Checks []struct {
			Findings []struct{ Code, Severity string }
			Ignored  []string
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	var got, ignored []string
	for _, c := range rep.Checks {
		for _, f := range c.Findings {
			got = append(got, f.Code+":"+f.Severity)
		}
		ignored = append(ignored, c.Ignored...)
	}
	if !slices.Contains(got, "report.unauthenticated-source:info") || slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "report.tls-") }) ||
		!slices.Contains(ignored, "report.tls-failures") {
		t.Errorf("findings %v, ignored %v", got, ignored)
	}
}
