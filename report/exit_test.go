package report

import (
	"testing"

	"github.com/relayctl/relayctl/checks"
)

func result(name string, sevs ...checks.Severity) checks.Result {
	r := checks.Result{Name: name}
	for _, s := range sevs {
		r.Add(checks.Finding{Code: name + ".x-" + string(s), Severity: s, Message: "m"})
	}
	r.Settle()
	return r
}

func errored(name string) checks.Result {
	r := checks.Result{Name: name}
	r.Fail(nil)
	r.Settle()
	return r
}

func rep(rs ...checks.Result) checks.Report {
	r := checks.Report{Target: "example.com", Checks: rs}
	r.Settle()
	return r
}

func TestExitCode(t *testing.T) {
	cases := []struct {
		name   string
		reps   []checks.Report
		failOn FailOn
		want   Exit
	}{
		{"clean", []checks.Report{rep(result("spf"))}, FailOnFail, ExitOK},
		{"info only, warn gate", []checks.Report{rep(result("spf", checks.SeverityInfo))}, FailOnWarn, ExitOK},
		{"warn under fail gate", []checks.Report{rep(result("spf", checks.SeverityWarn))}, FailOnFail, ExitOK},
		{"warn at warn gate", []checks.Report{rep(result("spf", checks.SeverityWarn))}, FailOnWarn, ExitGate},
		{"fail at fail gate", []checks.Report{rep(result("spf", checks.SeverityFail))}, FailOnFail, ExitGate},
		{"fail at warn gate", []checks.Report{rep(result("spf", checks.SeverityFail))}, FailOnWarn, ExitGate},
		{"fail, never", []checks.Report{rep(result("spf", checks.SeverityFail))}, FailOnNever, ExitOK},
		{"error alone", []checks.Report{rep(errored("dkim"))}, FailOnFail, ExitIncomplete},
		{"error, never", []checks.Report{rep(errored("dkim"))}, FailOnNever, ExitIncomplete},
		{"error and warn under fail gate", []checks.Report{rep(errored("dkim"), result("spf", checks.SeverityWarn))}, FailOnFail, ExitIncomplete},
		{"gate outranks error", []checks.Report{rep(errored("dkim"), result("spf", checks.SeverityFail))}, FailOnFail, ExitGate},
		{"gate outranks error across reports", []checks.Report{rep(errored("dkim")), rep(result("spf", checks.SeverityWarn))}, FailOnWarn, ExitGate},
		{"target error", []checks.Report{{Target: "x", Error: "bad", Status: checks.StatusError}}, FailOnFail, ExitIncomplete},
		{"no reports", nil, FailOnFail, ExitOK},
		{"preset check status warn", []checks.Report{rep(checks.Result{Name: "mx", Status: checks.StatusWarn})}, FailOnWarn, ExitGate},
	}
	for _, c := range cases {
		if got := ExitCode(c.reps, c.failOn); got != c.want {
			t.Errorf("%s: ExitCode = %d, want %d", c.name, got, c.want)
		}
	}
}

func TestParseFailOn(t *testing.T) {
	for _, s := range []string{"warn", "fail", "never"} {
		if g, err := ParseFailOn(s); err != nil || string(g) != s {
			t.Errorf("ParseFailOn(%q) = %v, %v", s, g, err)
		}
	}
	for _, s := range []string{"", "error", "WARN", "info"} {
		if _, err := ParseFailOn(s); err == nil {
			t.Errorf("ParseFailOn(%q) accepted", s)
		}
	}
}
