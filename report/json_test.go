package report

import (
	"bufio"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks"
)

func writeAll(t *testing.T, w Writer, reps ...checks.Report) {
	t.Helper()
	for _, r := range reps {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// checkReportShape asserts the keys docs/contract.md promises in a report object.
func checkReportShape(t *testing.T, m map[string]any, target string) {
	t.Helper()
	for _, k := range []string{"schema_version", "command", "target", "status", "started", "duration_ms", "checks"} {
		if _, ok := m[k]; !ok {
			t.Errorf("report lacks %q: %v", k, m)
		}
	}
	if m["schema_version"] != float64(1) {
		t.Errorf("schema_version = %v, want 1", m["schema_version"])
	}
	if m["target"] != target {
		t.Errorf("target = %v, want %s", m["target"], target)
	}
	cs, ok := m["checks"].([]any)
	if !ok {
		t.Fatalf("checks is %T, want an array", m["checks"])
	}
	for _, c := range cs {
		cm := c.(map[string]any)
		for _, k := range []string{"name", "status", "summary", "data", "findings", "duration_ms"} {
			if _, ok := cm[k]; !ok {
				t.Errorf("check %v lacks %q", cm["name"], k)
			}
		}
		if cm["data"] == nil {
			t.Errorf("check %v: data is null, want an object", cm["name"])
		}
		fs, ok := cm["findings"].([]any)
		if !ok {
			t.Errorf("check %v: findings is %T, want an array", cm["name"], cm["findings"])
		}
		for _, f := range fs {
			fm := f.(map[string]any)
			for _, k := range []string{"code", "severity", "message"} {
				if _, ok := fm[k]; !ok {
					t.Errorf("finding lacks %q: %v", k, fm)
				}
			}
		}
	}
}

func TestJSONSingleIsObject(t *testing.T) {
	var b strings.Builder
	writeAll(t, NewJSON(&b, true), sample())
	var m map[string]any
	if err := json.Unmarshal([]byte(b.String()), &m); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, b.String())
	}
	checkReportShape(t, m, "example.com")
	if m["status"] != "error" || m["command"] != "check domain" || m["duration_ms"] != float64(412) {
		t.Errorf("status/command/duration = %v/%v/%v", m["status"], m["command"], m["duration_ms"])
	}
	if m["started"] != "2026-11-26T21:00:00Z" {
		t.Errorf("started = %v, want RFC 3339 UTC", m["started"])
	}
	cs := m["checks"].([]any)
	if len(cs) != 4 {
		t.Fatalf("%d checks, want 4", len(cs))
	}
	spf := cs[1].(map[string]any)
	f := spf["findings"].([]any)[0].(map[string]any)
	if f["code"] != "spf.all-neutral" || f["severity"] != "warn" || f["ref"] != "RFC 7208 §5.1" || f["hint"] == "" {
		t.Errorf("first spf finding = %v", f)
	}
	dkim := cs[3].(map[string]any)
	if dkim["status"] != "error" || !strings.Contains(dkim["error"].(string), "SERVFAIL") {
		t.Errorf("dkim = %v", dkim)
	}
	if !strings.Contains(b.String(), "\n  \"") {
		t.Error("JSON is not indented")
	}
}

func TestJSONSeveralIsArrayInOrder(t *testing.T) {
	var b strings.Builder
	writeAll(t, NewJSON(&b, false), sample(), failing())
	var arr []map[string]any
	if err := json.Unmarshal([]byte(b.String()), &arr); err != nil {
		t.Fatalf("not a JSON array: %v", err)
	}
	if len(arr) != 2 {
		t.Fatalf("%d reports, want 2", len(arr))
	}
	checkReportShape(t, arr[0], "example.com")
	checkReportShape(t, arr[1], "example.org")
}

// With several targets asked for, the value stays an array even when only
// one report arrives (for example, after cancellation).
func TestJSONSeveralTargetsOneReportIsArray(t *testing.T) {
	var b strings.Builder
	writeAll(t, NewJSON(&b, false), failing())
	var arr []map[string]any
	if err := json.Unmarshal([]byte(b.String()), &arr); err != nil || len(arr) != 1 {
		t.Fatalf("want an array of one: %v %s", err, b.String())
	}
}

func TestJSONNilSlicesAreEmpty(t *testing.T) {
	var b strings.Builder
	rep := checks.Report{Target: "example.com", Checks: []checks.Result{{Name: "mx"}}}
	writeAll(t, NewJSON(&b, true), rep)
	s := b.String()
	if strings.Contains(s, "null") {
		t.Errorf("output holds null:\n%s", s)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	checkReportShape(t, m, "example.com")
}

// pipeWriter records each Write call so the test can see when lines leave.
type pipeWriter struct{ writes []string }

func (p *pipeWriter) Write(b []byte) (int, error) {
	p.writes = append(p.writes, string(b))
	return len(b), nil
}

func TestNDJSONStreamsOneLineEach(t *testing.T) {
	var p pipeWriter
	n := NewNDJSON(&p)
	if err := n.Write(sample()); err != nil {
		t.Fatal(err)
	}
	if len(p.writes) != 1 {
		t.Fatalf("after one report, %d writes; want the line out already", len(p.writes))
	}
	if err := n.Write(failing()); err != nil {
		t.Fatal(err)
	}
	writeAll(t, n)
	all := strings.Join(p.writes, "")
	sc := bufio.NewScanner(strings.NewReader(all))
	sc.Buffer(nil, 1<<20)
	var targets []string
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line is not one JSON object: %v: %s", err, sc.Text())
		}
		checkReportShape(t, m, m["target"].(string))
		targets = append(targets, m["target"].(string))
	}
	if strings.Join(targets, ",") != "example.com,example.org" {
		t.Errorf("targets = %v", targets)
	}
	if strings.Count(all, "\n") != 2 {
		t.Errorf("want exactly two lines, got %q", all)
	}
}

func TestNewWriter(t *testing.T) {
	for _, f := range Formats {
		w, err := NewWriter(f, io.Discard, Options{}, true)
		if err != nil || w == nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if _, err := NewWriter("yaml", io.Discard, Options{}, true); err == nil {
		t.Error("yaml accepted")
	}
	if _, err := ParseFormat("xml"); err == nil {
		t.Error("ParseFormat(xml) accepted")
	}
	if f, err := ParseFormat("ndjson"); err != nil || f != FormatNDJSON {
		t.Errorf("ParseFormat(ndjson) = %v, %v", f, err)
	}
}
