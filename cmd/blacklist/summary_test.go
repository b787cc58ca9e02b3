package blacklist

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/report"
)

// --listed-only prints only the listed (or not fully checked) targets;
// the exit code and the summary still count every target. The summary
// ends the table on stdout; with ndjson it is on stderr and stdout holds
// only reports, one a line.
func TestListedOnlyAndSummary(t *testing.T) {
	srv := loopback(t)
	args := []string{"198.51.100.6/31", "198.51.100.8", "198.51.100.11", "--list", "good.bl.test", "--listed-only"}
	out, errOut, code := testRun(t, srv.Client(time.Second), "", false, args...)
	if code != report.ExitGate || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if strings.Contains(out, "198.51.100.6 ") || strings.Contains(out, "198.51.100.8 ") ||
		!strings.Contains(out, "198.51.100.7  fail") || !strings.Contains(out, "198.51.100.11  error") {
		t.Errorf("table:\n%s", out)
	}
	want := "\nSUMMARY  4 targets: 1 listed, 2 not listed, 1 not fully checked\n" +
		"LIST          LISTED  REFUSED  UNHEALTHY  ERRORS\n" +
		"good.bl.test  1       1        0          0\n"
	if !strings.HasSuffix(out, want) {
		t.Errorf("summary: want suffix %q in\n%s", want, out)
	}

	out, errOut, code = testRun(t, srv.Client(time.Second), "", false, append(args, "-o", "ndjson")...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != report.ExitGate || len(lines) != 2 {
		t.Fatalf("ndjson: exit %d\n%s", code, out)
	}
	for _, l := range lines {
		var rep map[string]any
		if err := json.Unmarshal([]byte(l), &rep); err != nil {
			t.Errorf("not one report a line: %v: %s", err, l)
		}
	}
	if errOut != "relayctl: summary: 4 targets: 1 listed, 2 not listed, 1 not fully checked; good.bl.test 1 listed, 1 refused\n" {
		t.Errorf("ndjson summary on stderr: %q", errOut)
	}

	// one clean target, --listed-only, -o json: an empty array (valid
	// JSON, and the same type as with listings); no summary for one target
	out, errOut, code = testRun(t, srv.Client(time.Second), "", false, "198.51.100.8", "--list", "good.bl.test", "--listed-only", "-o", "json")
	if code != report.ExitOK || out != "[]\n" || errOut != "" {
		t.Errorf("one clean target: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
