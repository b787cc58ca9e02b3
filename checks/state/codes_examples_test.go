package state

import (
	"encoding/json"
	"regexp"
	"slices"
	"testing"

	"github.com/relayctl/relayctl/checks"
)

var backquotedText = regexp.MustCompile("`([^`]+)`")

// TestCodeExamples diffs every Example of Codes as it reads: the first
// backquoted text is the target's checks in the previous run's state
// file, the second its checks in this run (as Record writes them); the
// report built from the second, diffed against a file holding the first,
// must have the example's code. Every code's example is of this form.
func TestCodeExamples(t *testing.T) {
	for _, c := range Codes() {
		t.Run(c.Code, func(t *testing.T) {
			quoted := backquotedText.FindAllStringSubmatch(c.Example, -1)
			if len(quoted) != 2 {
				t.Fatalf("Example %q: want the previous and this run's checks, backquoted", c.Example)
			}
			var prev, cur map[string]Check
			if err := json.Unmarshal([]byte(quoted[0][1]), &prev); err != nil {
				t.Fatalf("previous run %s: %v", quoted[0][1], err)
			}
			if err := json.Unmarshal([]byte(quoted[1][1]), &cur); err != nil {
				t.Fatalf("this run %s: %v", quoted[1][1], err)
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
}

func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
