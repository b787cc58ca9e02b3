package warmup_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/warmup"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/cmd/root"
	"github.com/relayctl/relayctl/cmd/version"
	warmupcmd "github.com/relayctl/relayctl/cmd/warmup"
	"github.com/relayctl/relayctl/report"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// run runs relayctl with args through root.Main, stdout a pipe.
func run(t *testing.T, args ...string) (stdout, stderr string, code report.Exit) {
	t.Helper()
	ios, _, out, errOut := cmdutil.Test()
	code = root.Main(context.Background(), args, ios, version.Info{})
	return out.String(), errOut.String(), code
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

var planArgs = []string{"warmup", "plan", "--target", "100000", "--start", "2026-01-05", "--split", "gmail=40,outlook=25,yahoo=15,other=20"}

func TestPlanGolden(t *testing.T) {
	for _, tc := range []struct {
		file string
		args []string
	}{
		{"plan.table", planArgs},
		{"plan.csv", append(planArgs[:len(planArgs):len(planArgs)], "--csv")},
		{"plan.json", append(planArgs[:len(planArgs):len(planArgs)], "-o", "json")},
		{"plan-short.table", []string{"warmup", "plan", "--target", "100000", "--start", "2026-01-05", "--days", "4"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			out, errOut, code := run(t, tc.args...)
			if code != report.ExitOK || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			golden(t, tc.file, out)
		})
	}
}

func TestPlanNDJSONIsOneLine(t *testing.T) {
	out, _, code := run(t, append(planArgs[:len(planArgs):len(planArgs)], "-o", "ndjson")...)
	if code != report.ExitOK || strings.Count(out, "\n") != 1 {
		t.Fatalf("exit %d, %d lines", code, strings.Count(out, "\n"))
	}
	var p warmup.Plan
	if err := json.Unmarshal([]byte(out), &p); err != nil || p.Days != 14 {
		t.Errorf("ndjson plan: %+v, %v", p, err)
	}
}

func TestPlanUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		say  string
	}{
		{[]string{"warmup", "plan"}, "missing --target"},
		{[]string{"warmup", "plan", "--target", "0"}, "invalid --target 0"},
		{[]string{"warmup", "plan", "--target", "x"}, "--target"},
		{[]string{"warmup", "plan", "--target", "100", "--days", "-1"}, "invalid --days -1"},
		{[]string{"warmup", "plan", "--target", "100", "--days", "367"}, "invalid --days 367"},
		{[]string{"warmup", "plan", "--target", "100", "--start", "05/01/2026"}, `invalid --start "05/01/2026"`},
		{[]string{"warmup", "plan", "--target", "100", "--split", "gmail=40,outlook=25"}, "invalid --split: the split adds up to 65%, not 100%"},
		{[]string{"warmup", "plan", "--target", "100", "--split", "gmail=40,gmail=60"}, "appears twice"},
		{[]string{"warmup", "plan", "--target", "100", "--csv", "-o", "json"}, "--csv and -o json"},
		{[]string{"warmup"}, "missing subcommand"},
	} {
		_, errOut, code := run(t, tc.args...)
		if code != report.ExitUsage || !strings.Contains(errOut, tc.say) {
			t.Errorf("%q: exit %d, stderr %q; want 2 saying %q", tc.args, code, errOut, tc.say)
		}
		if strings.Contains(errOut, "warmup:") {
			t.Errorf("%q: stderr %q names the package", tc.args, errOut)
		}
	}
}

// TestPlanDefaultStart: without --start the plan starts on what now says.
func TestPlanDefaultStart(t *testing.T) {
	ios, _, out, _ := cmdutil.Test()
	g := &cmdutil.Globals{Output: "json", FailOn: "fail", Timeout: time.Second}
	now := func() time.Time { return time.Date(2031, 7, 9, 23, 0, 0, 0, time.UTC) }
	cmd := warmupcmd.NewCmdPlan(ios, g, nil, now)
	cmd.SetArgs([]string{"--target", "60"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"start": "2031-07-09"`) || !strings.Contains(out.String(), `"date": "2031-07-10"`) {
		t.Errorf("plan does not start today:\n%s", out)
	}
}

// writePlan writes the JSON plan of args to a file and returns its path.
func writePlan(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := run(t, append([]string{"warmup", "plan", "-o", "json", "--start", "2026-01-05"}, args...)...)
	if code != report.ExitOK {
		t.Fatalf("plan: exit %d: %s", code, errOut)
	}
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheck(t *testing.T) {
	// Days: 50, 100, 200, 400, 800.
	plan := writePlan(t, "--target", "800", "--days", "5")
	for _, tc := range []struct {
		name    string
		args    []string
		code    report.Exit
		verdict string
	}{
		{"advance", []string{"--day", "3", "--sent", "200"}, report.ExitOK, "day 3: advance"},
		{"hold on complaints", []string{"--day", "3", "--sent", "1000", "--complaints", "1"}, report.ExitOK, "day 3: hold"},
		{"hold is a failure under --fail-on warn", []string{"--day", "3", "--sent", "1000", "--complaints", "1", "--fail-on", "warn"}, report.ExitGate, "day 3: hold"},
		{"back off on complaints", []string{"--day", "3", "--sent", "1000", "--complaints", "3"}, report.ExitGate, "day 3: back-off"},
		{"back off on hard bounces", []string{"--day", "3", "--sent", "200", "--bounced", "4"}, report.ExitGate, "next: day 2, 100 messages"},
		{"--fail-on never", []string{"--day", "3", "--sent", "200", "--bounced", "4", "--fail-on", "never"}, report.ExitOK, "back-off"},
		{"last day", []string{"--day", "5", "--sent", "800"}, report.ExitOK, "warm-up done"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := run(t, append([]string{"warmup", "check", "--plan", plan}, tc.args...)...)
			if code != tc.code || !strings.Contains(out, tc.verdict) {
				t.Errorf("exit %d (want %d), stdout %q (want %q), stderr %q", code, tc.code, out, tc.verdict, errOut)
			}
		})
	}
}

func TestCheckGolden(t *testing.T) {
	plan := writePlan(t, "--target", "800", "--days", "5")
	args := []string{"warmup", "check", "--plan", plan, "--day", "4", "--sent", "380", "--bounced", "5", "--complaints", "2"}
	out, _, code := run(t, args...)
	if code != report.ExitGate {
		t.Errorf("exit %d, want 1", code)
	}
	golden(t, "check.table", out)
	out, _, _ = run(t, append(args, "-o", "json")...)
	golden(t, "check.json", out)
}

func TestCheckUsage(t *testing.T) {
	plan := writePlan(t, "--target", "800", "--days", "5")
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"target": 5}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		say  string
	}{
		{[]string{"--day", "1", "--sent", "10"}, "missing --plan"},
		{[]string{"--plan", plan, "--sent", "10"}, "missing --day"},
		{[]string{"--plan", plan, "--day", "1"}, "missing --sent"},
		{[]string{"--plan", plan, "--day", "6", "--sent", "10"}, "invalid day 6: the plan has days 1 to 5"},
		{[]string{"--plan", plan, "--day", "1", "--sent", "0"}, "at least 1"},
		{[]string{"--plan", plan, "--day", "1", "--sent", "10", "--bounced", "11"}, "more bounces or complaints"},
		{[]string{"--plan", plan, "--day", "1", "--sent", "10", "--bounced", "1", "--bounces", plan}, "choose one"},
		{[]string{"--plan", "/nonexistent/plan.json", "--day", "1", "--sent", "10"}, "cannot read --plan /nonexistent/plan.json: no such file or directory"},
		{[]string{"--plan", bad, "--day", "1", "--sent", "10"}, "cannot use --plan " + bad + ": plan: 0 days"},
		{[]string{"--plan", t.TempDir(), "--day", "1", "--sent", "10"}, "reading the plan: is a directory"},
		{[]string{"--plan", plan, "--day", "1", "--sent", "10", "--bounces", t.TempDir()}, "reading the bounce records: is a directory"},
		{[]string{"--plan", plan, "--day", "1", "--sent", "10", "--bounces", plan}, "cannot use --bounces " + plan + ": bounce records: the record ending at byte"},
	} {
		_, errOut, code := run(t, append([]string{"warmup", "check"}, tc.args...)...)
		if code != report.ExitUsage || !strings.Contains(errOut, tc.say) {
			t.Errorf("%q: exit %d, stderr %q; want 2 saying %q", tc.args, code, errOut, tc.say)
		}
		if strings.Contains(errOut, "warmup:") {
			t.Errorf("%q: stderr %q names the package", tc.args, errOut)
		}
	}
}

// TestCheckBounceParseOutput feeds warmup check what "bounce parse"
// really writes, in both its JSON formats, for fixtures of each kind: a
// hard bounce, a soft one, two complaints (ARF and Amazon SES), and a
// delay notice, an auto-reply and a delivery report that count as none.
func TestCheckBounceParseOutput(t *testing.T) {
	fixtures := []string{"domino-userunknown.eml", "exim-mailboxfull.eml", "feedback-abuse.eml", "amazonses-complaint.eml", "exim-delayed-dsn.eml", "autoreply.eml", "delivered.eml"}
	plan := writePlan(t, "--target", "800", "--days", "5")
	for _, format := range []string{"ndjson", "json"} {
		t.Run(format, func(t *testing.T) {
			args := []string{"bounce", "parse", "-o", format, "--include-feedback", "--include-delayed", "--include-vacation", "--include-delivered"}
			for _, f := range fixtures {
				args = append(args, filepath.Join("..", "..", "testdata", "bounce", f))
			}
			out, errOut, code := run(t, args...)
			if code != report.ExitOK {
				t.Fatalf("bounce parse: exit %d: %s", code, errOut)
			}
			if n := strings.Count(out, `"source"`); n != len(fixtures) {
				t.Fatalf("bounce parse gave %d records, want %d:\n%s", n, len(fixtures), out)
			}
			path := filepath.Join(t.TempDir(), "day."+format)
			if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
				t.Fatal(err)
			}
			out, errOut, code = run(t, "warmup", "check", "--plan", plan, "--day", "2", "--sent", "100", "--bounces", path, "-o", "json")
			var j warmup.Judgement
			if err := json.Unmarshal([]byte(out), &j); err != nil {
				t.Fatalf("%v: %q %q", err, out, errOut)
			}
			want := warmup.Results{Sent: 100, HardBounces: 1, SoftBounces: 1, Complaints: 2}
			if j.Results != want {
				t.Errorf("results %+v, want %+v", j.Results, want)
			}
			// 2 complaints in 100 is 2%: back off.
			if j.Verdict != warmup.BackOff || code != report.ExitGate {
				t.Errorf("verdict %s, exit %d", j.Verdict, code)
			}
			// --complaints overrides the feedback records.
			out, _, code = run(t, "warmup", "check", "--plan", plan, "--day", "2", "--sent", "100", "--bounces", path, "--complaints", "0")
			if code != report.ExitOK || !strings.Contains(out, "day 2: hold") || !strings.Contains(out, "complaints 0") {
				t.Errorf("with --complaints 0: exit %d, %q", code, out)
			}
		})
	}
}
