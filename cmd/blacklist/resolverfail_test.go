package blacklist

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/report"
)

// A resolver that refuses every question (not recursive for this client)
// is said once, in the resolver check of each report, not once per list
// and target: 1,000 addresses against four lists print about four
// lines each in a table (the header, the column names, one row saying the
// resolver failed, a blank line), the finding once, and ndjson stays one
// report per line, each with the finding in its resolver check.
func TestResolverRefusesEverything(t *testing.T) {
	srv := dnstest.Start(t) // no zones: REFUSED to every question
	var in strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&in, "10.0.%d.%d\n", i/256, i%256)
	}
	lists := []string{"--list", "good.bl.test", "--list", "wild.bl.test", "--list", "dead.bl.test", "--list", "parked.bl.test"}
	out, errOut, code := testRun(t, srv.Client(time.Second), in.String(), false, append([]string{"-"}, lists...)...)
	if code != report.ExitIncomplete {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Count(out, "\n")
	t.Logf("table: %d lines for 1,000 targets; the server had %d questions", lines, srv.Queries())
	// 4 lines a target, the resolver's finding (3 lines), and the
	// summary: a blank line, its head, column names and a row per list.
	if lines > 4*1000+3+3+4 {
		t.Errorf("table: %d lines for 1,000 targets, want about 4 each:\n%.2000s", lines, out)
	}
	if !strings.Contains(out, "\nSUMMARY  1,000 targets: 0 listed, 0 not listed, 1,000 not fully checked\n") {
		t.Errorf("no summary:\n%s", out[max(0, len(out)-2000):])
	}
	if n := strings.Count(out, "dnsbl.resolver-failed"); n != 1 {
		t.Errorf("the resolver finding appears %d times in the table, want once", n)
	}
	if n := strings.Count(out, "error   not checked: the resolver answered REFUSED (see the resolver check)\n"); n != 1000 {
		t.Errorf("%d rows say the resolver failed, want one per target:\n%.2000s", n, out)
	}

	out, _, code = testRun(t, srv.Client(time.Second), in.String(), false, append([]string{"-", "-o", "ndjson"}, lists...)...)
	reps := strings.Split(strings.TrimSpace(out), "\n")
	if code != report.ExitIncomplete || len(reps) != 1000 {
		t.Fatalf("ndjson: exit %d, %d lines", code, len(reps))
	}
	for i, l := range []string{reps[0], reps[999]} {
		var rep struct {
			Status string
			Checks []struct {
				Name, Status, Error string
				Findings            []struct{ Code string }
				Data                struct{ Failed *struct{ Refused int64 } }
			}
		}
		if err := json.Unmarshal([]byte(l), &rep); err != nil {
			t.Fatal(err)
		}
		last := rep.Checks[len(rep.Checks)-1]
		if rep.Status != "error" || last.Name != "resolver" || last.Status != "error" || len(last.Findings) != 1 ||
			last.Findings[0].Code != "dnsbl.resolver-failed" || last.Data.Failed == nil || last.Data.Failed.Refused == 0 {
			t.Errorf("report %d: resolver check %+v", i, last)
		}
		if first := rep.Checks[0]; first.Status != "error" || !strings.Contains(first.Error, "the resolver answered REFUSED") {
			t.Errorf("report %d: list check %+v", i, first)
		}
	}
}
