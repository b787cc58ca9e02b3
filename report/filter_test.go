package report

import (
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
