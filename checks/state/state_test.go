package state

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
)

func rep(target string, checksIn ...checks.Result) *checks.Report {
	r := &checks.Report{Command: "blacklist ip", Target: target, Started: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Checks: checksIn}
	for i := range r.Checks {
		r.Checks[i].Settle()
	}
	r.Settle()
	return r
}

func listed(zone string) checks.Result {
	return checks.Result{Name: zone, Findings: []checks.Finding{{Code: "dnsbl.listed", Severity: checks.SeverityFail, Message: "192.0.2.1 is listed on " + zone}}}
}

func clean(zone string) checks.Result { return checks.Result{Name: zone} }

func codes(fs []checks.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	f, warn, err := Load(path)
	if err != nil || warn != nil || len(f.Targets) != 0 {
		t.Fatalf("Load of a missing file = %v, %v, %v; want an empty state", f, warn, err)
	}
	r := rep("192.0.2.1", listed("zen.example"), clean("bl.example"))
	f.Record(r)
	if err := Save(path, f); err != nil {
		t.Fatal(err)
	}
	g, warn, err := Load(path)
	if err != nil || warn != nil {
		t.Fatalf("Load = %v, %v", warn, err)
	}
	if got := g.Diff(r); len(got) != 0 {
		t.Errorf("Diff of the same report after a round trip = %v, want none", got)
	}
	e := g.Targets[Key("blacklist ip", "192.0.2.1")]
	if e.Checks["zen.example"].Status != checks.StatusFail || e.Checks["bl.example"].Status != checks.StatusOK {
		t.Errorf("entry after a round trip = %+v", e)
	}
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), `"version": 1`) {
		t.Errorf("state file has no version field:\n%s", b)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %d files after Save, want only the state file", len(entries))
	}
}

func TestDiff(t *testing.T) {
	f := New()
	f.Record(rep("192.0.2.1", listed("zen.example"), clean("bl.example")))
	// Delisted from zen, newly listed on bl.
	got := f.Diff(rep("192.0.2.1", clean("zen.example"), listed("bl.example")))
	want := []string{CodeStatusChanged, CodeNewFinding, CodeStatusChanged, CodeFindingGone}
	if !slices.Equal(codes(got), want) {
		t.Fatalf("Diff codes = %v, want %v (%v)", codes(got), want, got)
	}
	if !strings.Contains(got[1].Message, "bl.example") || !strings.Contains(got[1].Message, "dnsbl.listed") {
		t.Errorf("new-finding message %q does not name the check and code", got[1].Message)
	}
	if !strings.Contains(got[3].Message, "zen.example") || !strings.Contains(got[3].Message, "dnsbl.listed") {
		t.Errorf("finding-gone message %q does not name the check and code", got[3].Message)
	}
	for _, c := range got {
		if c.Severity != checks.SeverityInfo {
			t.Errorf("change %s has severity %s, want info", c.Code, c.Severity)
		}
	}
	// Another target, and another command, have no previous entry.
	if d := f.Diff(rep("192.0.2.2", listed("zen.example"))); d != nil {
		t.Errorf("Diff of a new target = %v, want none", d)
	}
	r := rep("192.0.2.1", clean("zen.example"))
	r.Command = "check ip"
	if d := f.Diff(r); d != nil {
		t.Errorf("Diff of another command's target = %v, want none", d)
	}
	// A check that no longer runs.
	got = f.Diff(rep("192.0.2.1", listed("zen.example")))
	if !slices.Equal(codes(got), []string{CodeStatusChanged}) || !strings.Contains(got[0].Message, "bl.example") {
		t.Errorf("Diff with a check gone = %v", got)
	}
	res := Result(nil)
	if res.Status != checks.StatusOK || len(res.Findings) != 0 {
		t.Errorf("Result(nil) = %+v, want ok with no findings", res)
	}
	if res := Result(got); res.Status != checks.StatusInfo {
		t.Errorf("Result with a change has status %s, want info", res.Status)
	}
}

func TestCorrupt(t *testing.T) {
	dir := t.TempDir()
	good := New()
	good.Record(rep("192.0.2.1", listed("zen.example")))
	path := filepath.Join(dir, "state.json")
	if err := Save(path, good); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	for name, data := range map[string][]byte{
		"truncated":     b[:len(b)/2],
		"empty":         {},
		"garbage":       []byte("\x00\xffnot json"),
		"other version": []byte(`{"version": 99, "targets": {}}`),
		"no version":    []byte(`{"targets": {}}`),
	} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"))
			os.WriteFile(p, data, 0o600)
			f, warn, err := Load(p)
			if err != nil {
				t.Fatalf("Load error %v, want a warning", err)
			}
			if !errors.Is(warn, ErrCorrupt) || !strings.Contains(checks.Message(warn), p) {
				t.Errorf("warning = %v, want ErrCorrupt naming the file", warn)
			}
			if strings.HasPrefix(checks.Message(warn), "state:") {
				t.Errorf("warning for people %q carries the package name", checks.Message(warn))
			}
			if f == nil || len(f.Targets) != 0 {
				t.Errorf("state = %+v, want empty", f)
			}
		})
	}
	if _, _, err := Load(dir); err == nil {
		t.Errorf("Load of a directory: no error")
	}
}

func TestCrashBeforeRename(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	old := New()
	old.Record(rep("192.0.2.1", listed("zen.example")))
	if err := Save(path, old); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	next := New()
	next.Record(rep("192.0.2.1", clean("zen.example")))
	crash := errors.New("simulated crash")
	var tmpSeen []string
	err := save(path, next, func() error {
		// The new state is fully on disk beside the old file, not yet
		// in its place.
		m, _ := filepath.Glob(filepath.Join(dir, ".state.json.*.tmp"))
		tmpSeen = m
		return crash
	})
	if !errors.Is(err, crash) {
		t.Fatalf("save = %v, want the simulated crash", err)
	}
	if len(tmpSeen) != 1 {
		t.Fatalf("temp files before the rename: %v, want one in the state file's directory", tmpSeen)
	}
	after, _ := os.ReadFile(path)
	if string(after) != string(before) {
		t.Fatalf("the state file changed although the rename never happened")
	}
	f, warn, err := Load(path)
	if err != nil || warn != nil {
		t.Fatalf("Load after the crash = %v, %v", warn, err)
	}
	if d := f.Diff(rep("192.0.2.1", listed("zen.example"))); len(d) != 0 {
		t.Errorf("the old state was not kept whole: %v", d)
	}
	// A temp file a real crash left behind does not disturb the next
	// run.
	os.WriteFile(filepath.Join(dir, ".state.json.123.tmp"), []byte("{"), 0o600)
	if err := Save(path, next); err != nil {
		t.Fatal(err)
	}
	f, warn, _ = Load(path)
	if warn != nil || len(f.Diff(rep("192.0.2.1", clean("zen.example")))) != 0 {
		t.Errorf("the new state was not saved: %v", warn)
	}
}
