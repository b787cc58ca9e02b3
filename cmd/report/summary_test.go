package report

import (
	"encoding/json"
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
