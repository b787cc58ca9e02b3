package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks"
)

func codes(r checks.Result) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.Code)
	}
	return out
}

func TestFilterDropsAndResettles(t *testing.T) {
	r := sample()
	Filter(&r, []string{"spf.*"})
	spf := r.Checks[1]
	if len(spf.Findings) != 0 || spf.Status != checks.StatusOK {
		t.Errorf("spf after ignoring spf.*: status %s, findings %v", spf.Status, codes(spf))
	}
	// dkim could not finish: ignoring codes does not hide that.
	if r.Checks[3].Status != checks.StatusError || r.Status != checks.StatusError {
		t.Errorf("dkim %s, report %s; want error kept", r.Checks[3].Status, r.Status)
	}
}

func TestFilterExactAndGlob(t *testing.T) {
	r := sample()
	Filter(&r, []string{"spf.all-neutral"})
	spf := r.Checks[1]
	if got := codes(spf); len(got) != 1 || got[0] != "spf.ptr-mechanism" {
		t.Errorf("findings = %v", got)
	}
	if spf.Status != checks.StatusWarn {
		t.Errorf("status = %s, want warn from the remaining finding", spf.Status)
	}
	r = failing()
	Filter(&r, []string{"spf.mis*"})
	if r.Status != checks.StatusOK || ExitCode([]checks.Report{r}, FailOnWarn) != ExitOK {
		t.Errorf("after ignoring spf.mis*: status %s", r.Status)
	}
}

func TestFilterKeepsCheckOwnInfo(t *testing.T) {
	res := checks.Result{Name: "dkim", Status: checks.StatusInfo}
	res.Add(checks.Finding{Code: "dkim.weak-key", Severity: checks.SeverityFail})
	res.Settle()
	r := rep(res)
	Filter(&r, []string{"dkim.weak-key"})
	if r.Checks[0].Status != checks.StatusOK && r.Checks[0].Status != checks.StatusInfo {
		t.Errorf("status = %s", r.Checks[0].Status)
	}
	res = checks.Result{Name: "dkim", Status: checks.StatusInfo}
	res.Add(checks.Finding{Code: "dkim.no-key-found", Severity: checks.SeverityInfo})
	res.Add(checks.Finding{Code: "dkim.other", Severity: checks.SeverityInfo})
	res.Settle()
	r = rep(res)
	Filter(&r, []string{"dkim.other"})
	if r.Checks[0].Status != checks.StatusInfo {
		t.Errorf("status = %s, want the check's own info kept", r.Checks[0].Status)
	}
}

func TestFilterNoGlobsNoChange(t *testing.T) {
	r := sample()
	Filter(&r, nil)
	if len(r.Checks[1].Findings) != 2 {
		t.Error("findings changed without globs")
	}
	Filter(&r, []string{"mx.*", "[bad"})
	if len(r.Checks[1].Findings) != 2 {
		t.Error("a non-matching or invalid glob dropped findings")
	}
}

func TestValidateGlobs(t *testing.T) {
	if err := ValidateGlobs([]string{"dmarc.*", "spf.all-?eutral", "x"}); err != nil {
		t.Error(err)
	}
	if err := ValidateGlobs([]string{"dmarc.[", "ok"}); err == nil {
		t.Error("dmarc.[ accepted")
	}
}

// A finding --ignore hides is not forgotten: the check keeps its code, the
// table says so beside the status, the JSON carries "ignored".
func TestFilterSaysWhatItIgnored(t *testing.T) {
	rep := checks.Report{Command: "check mtasts", Target: "example.com", Checks: []checks.Result{{
		Name: "mtasts", Summary: "policy unreachable",
		Findings: []checks.Finding{
			{Code: "mtasts.policy-unreachable", Severity: checks.SeverityFail, Message: "the policy could not be fetched"},
			{Code: "mtasts.other", Severity: checks.SeverityInfo, Message: "kept"},
		},
	}, {Name: "tlsrpt", Summary: "fine"}}}
	rep.Checks[0].Settle()
	rep.Settle()
	Filter(&rep, []string{"mtasts.policy-*"})
	c := rep.Checks[0]
	if c.Status != checks.StatusOK || len(c.Ignored) != 1 || c.Ignored[0] != "mtasts.policy-unreachable" {
		t.Fatalf("status %s, ignored %q", c.Status, c.Ignored)
	}
	if rep.Checks[1].Ignored != nil {
		t.Errorf("a check with nothing ignored has ignored %q", rep.Checks[1].Ignored)
	}
	want := "policy unreachable (1 finding ignored: mtasts.policy-unreachable)"
	for name, opt := range map[string]Options{"plain": {}, "terminal": {Terminal: true, Width: 120}} {
		if out := render(t, opt, rep); !strings.Contains(out, want) || strings.Count(out, "ignored") != 1 {
			t.Errorf("%s table lacks %q:\n%s", name, want, out)
		}
	}
	var b bytes.Buffer
	w := NewJSON(&b, true)
	w.Write(rep)
	w.Close()
	var got struct {
		Checks []map[string]json.RawMessage `json:"checks"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	var ignored []string
	if err := json.Unmarshal(got.Checks[0]["ignored"], &ignored); err != nil || len(ignored) != 1 || ignored[0] != "mtasts.policy-unreachable" {
		t.Errorf("JSON ignored = %s", got.Checks[0]["ignored"])
	}
	if _, ok := got.Checks[1]["ignored"]; ok {
		t.Error("JSON has ignored on a check with nothing ignored")
	}
	// Two findings of one code: counted twice, named once.
	rep.Checks[0].Ignored = []string{"a.x", "a.y", "a.x"}
	if out := render(t, Options{}, rep); !strings.Contains(out, "(3 findings ignored: a.x, a.y)") {
		t.Errorf("repeated code:\n%s", out)
	}
}
