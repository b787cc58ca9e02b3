package state

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/internal/codetest"
)

// TestCodeExamples diffs every Example of Codes as it reads: the first
// backquoted text is the target's checks in the previous run's state
// file, the second its checks in this run (as Record writes them); the
// report built from the second, diffed against a file holding the first,
// must have the example's code. Every code's example is of this form.
func TestCodeExamples(t *testing.T) {
	codetest.Examples(t, Codes(), nil, func(t *testing.T, c checks.CodeDoc) {
		quoted := codetest.Backquoted(c.Example)
		if len(quoted) != 2 {
			t.Fatalf("Example %q: want the previous and this run's checks, backquoted", c.Example)
		}
		var prev, cur map[string]Check
		if err := json.Unmarshal([]byte(quoted[0]), &prev); err != nil {
			t.Fatalf("previous run %s: %v", quoted[0], err)
		}
		if err := json.Unmarshal([]byte(quoted[1]), &cur); err != nil {
			t.Fatalf("this run %s: %v", quoted[1], err)
		}
		f := New()
		f.Targets[Key("check domain", "example.com")] = Target{Command: "check domain", Target: "example.com", Checks: prev}
		rep := &checks.Report{Command: "check domain", Target: "example.com"}
		for _, name := range sortedKeys(cur) {
			r := checks.Result{Name: name, Status: cur[name].Status}
			for _, code := range sortedKeys(cur[name].Findings) {
				r.Findings = append(r.Findings, checks.Finding{Code: code, Severity: checks.SeverityWarn, Message: cur[name].Findings[code]})
			}
			rep.Checks = append(rep.Checks, r)
		}
		got := codes(f.Diff(rep))
		if !slices.Contains(got, c.Code) {
			t.Errorf("Example %q gives %v, not %s", c.Example, got, c.Code)
		}
	})
}

func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
