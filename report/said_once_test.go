package report

import (
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks"
)

// A check that could not finish says why once in the table, however many
// of its summary, error and findings carry it; the finding keeps its code
// and hint. The JSON keeps every field.
func TestErrorSaidOnce(t *testing.T) {
	refused := checks.Result{Name: "smtp 127.0.0.1:1", Summary: "cannot connect: connection refused",
		Error: "cannot connect: connection refused",
		Findings: []checks.Finding{{Code: "smtp.unreachable", Severity: checks.SeverityWarn,
			Message: "cannot connect to 127.0.0.1:1: connection refused", Hint: "check that the server runs"}}}
	refused.Fail(nil)
	refused.Settle()
	lookup := checks.Result{Name: "mx", Summary: "MX lookup failed: outside the zone files and --offline is set",
		Error: "outside the zone files and --offline is set", Findings: []checks.Finding{}}
	lookup.Fail(nil)
	// Not in error: a finding that happens to share words stays as it is.
	fine := checks.Result{Name: "spf", Status: checks.StatusOK, Summary: "v=spf1 -all: connection refused",
		Findings: []checks.Finding{{Code: "spf.x", Severity: checks.SeverityInfo, Message: "a note: connection refused"}}}
	// The error is one of several DNS failures, each a finding about its
	// own name: the finding that says it stands for the error row, and
	// the others keep their words.
	spf := checks.Result{Name: "spf", Summary: "v=spf1 mx include:_spf.example.net ~all",
		Error: "A mx1.example.net: outside the zones",
		Findings: []checks.Finding{
			{Code: "spf.dns-error", Severity: checks.SeverityWarn, Message: "mx: looking up mx1.example.net failed: A mx1.example.net: outside the zones"},
			{Code: "spf.dns-error", Severity: checks.SeverityWarn, Message: "mx: looking up mx2.example.net failed: A mx2.example.net: outside the zones"},
		}}
	spf.Fail(nil)
	spf.Settle()
	rep := checks.Report{Command: "check smtp", Target: "127.0.0.1:1", Checks: []checks.Result{refused, lookup, fine, spf}}
	rep.Settle()
	for name, opt := range map[string]Options{"plain": {}, "terminal": {Terminal: true, Width: 200}} {
		out := render(t, opt, rep)
		for _, c := range []struct {
			s string
			n int
		}{
			{"cannot connect to 127.0.0.1:1: connection refused", 1},
			{"cannot connect: connection refused", 0},
			{"outside the zone files and --offline is set", 1},
			{"smtp.unreachable", 1},
			{"check that the server runs", 1},
			{"a note: connection refused", 1},
			{"v=spf1 -all: connection refused", 1},
			{"A mx1.example.net: outside the zones", 1},
			{"looking up mx1.example.net failed", 1},
			{"looking up mx2.example.net failed", 1},
		} {
			if got := strings.Count(out, c.s); got != c.n {
				t.Errorf("%s: %q %d times, want %d:\n%s", name, c.s, got, c.n, out)
			}
		}
		if strings.Contains(out, "error  outside") || strings.Contains(out, "└ error") {
			t.Errorf("%s: an error row repeats the summary:\n%s", name, out)
		}
	}
}
