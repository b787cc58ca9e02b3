package report

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks"
)

// mixed is a check whose findings come in the order a check found them,
// not by severity.
func mixed() checks.Report {
	rep := checks.Report{Command: "check spf", Target: "example.com", Checks: []checks.Result{{
		Name: "spf", Summary: "v=spf1 ptr ?all",
		Findings: []checks.Finding{
			{Code: "spf.a-info", Severity: checks.SeverityInfo, Message: "first info"},
			{Code: "spf.b-warn", Severity: checks.SeverityWarn, Message: "first warn"},
			{Code: "spf.c-fail", Severity: checks.SeverityFail, Message: "the fail"},
			{Code: "spf.d-info", Severity: checks.SeverityInfo, Message: "second info"},
			{Code: "spf.e-warn", Severity: checks.SeverityWarn, Message: "second warn"},
		},
	}}}
	rep.Checks[0].Settle()
	rep.Settle()
	return rep
}

// Findings are shown worst first within a check — fail, warn, info, in
// the check's order within a severity — in every renderer.
func TestFindingsWorstFirst(t *testing.T) {
	want := []string{"spf.c-fail", "spf.b-warn", "spf.e-warn", "spf.a-info", "spf.d-info"}
	order := func(out string) []string {
		var got []string
		for _, w := range strings.Fields(out) {
			if strings.HasPrefix(w, "spf.") || strings.HasPrefix(w, `"spf.`) {
				got = append(got, strings.Trim(w, `",`))
			}
		}
		return got
	}
	for name, opt := range map[string]Options{"plain": {}, "terminal": {Terminal: true, Width: 100}} {
		if got := order(render(t, opt, mixed())); !slices.Equal(got, want) {
			t.Errorf("%s table: %q, want %q", name, got, want)
		}
	}
	for _, f := range []Format{FormatJSON, FormatNDJSON} {
		var b bytes.Buffer
		w, _ := NewWriter(f, &b, Options{}, true)
		w.Write(mixed())
		w.Close()
		var rep checks.Report
		if err := json.Unmarshal(b.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range rep.Checks[0].Findings {
			got = append(got, f.Code)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", f, got, want)
		}
	}
	var b bytes.Buffer
	a := NewJSONArray(&b)
	a.Write(mixed())
	a.Close()
	if got := order(b.String()); !slices.Equal(got, want) {
		t.Errorf("JSON array: %q, want %q", got, want)
	}
	// The check's own slice keeps its order.
	rep := mixed()
	render(t, Options{}, rep)
	if rep.Checks[0].Findings[0].Code != "spf.a-info" {
		t.Error("rendering reordered the check's findings")
	}
}
