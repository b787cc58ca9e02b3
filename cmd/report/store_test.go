package report

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseDBDedupeAndSummary(t *testing.T) {
	db := filepath.Join(t.TempDir(), "reports.sqlite")
	out, errOut, code := run(t, "", "parse", "--db", db, testdataDir)
	if code != 0 || !strings.Contains(out, "7 records from 4 reports") || strings.Contains(out, "already in the database") {
		t.Fatalf("first parse: exit %d\n%s%s", code, out, errOut)
	}
	out, _, code = run(t, "", "parse", "--db", db, testdataDir)
	if code != 0 || !strings.Contains(out, "; 7 records already in the database") {
		t.Fatalf("second parse: exit %d\n%s", code, out)
	}
	out, errOut, code = run(t, "", "summary", "--no-dns", "-o", "json", "--db", db)
	if code != 0 {
		t.Fatalf("summary: exit %d %s", code, errOut)
	}
	var rep struct {
		Checks []struct {
			Name string
			Data map[string]any
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Checks[0].Name != "dmarc" || rep.Checks[0].Data["messages"] != float64(170) {
		t.Errorf("the stored reports counted once: %+v", rep.Checks[0])
	}
	// --since: the test reports' periods end on 2026-12-01.
	opts := func(now time.Time) string {
		t.Helper()
		out, _, _ := runSummaryAt(t, now, "--no-dns", "-o", "json", "--db", db, "--since", "30d")
		return out
	}
	if got := opts(time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC)); !strings.Contains(got, `"messages": 170`) {
		t.Errorf("--since 30d on 2026-12-20: %s", got)
	}
	if got := opts(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)); strings.TrimSpace(got) != "[]" {
		t.Errorf("--since 30d on 2027-03-01: %s", got)
	}
}
