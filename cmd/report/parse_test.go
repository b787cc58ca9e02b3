package report

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/report"
)

const testdataDir = "../../testdata/report"

// run runs "report ARGS..." with the global flags registered as the root
// does, and returns stdout, stderr and the exit code.
func run(t *testing.T, stdin string, args ...string) (string, string, report.Exit) {
	t.Helper()
	ios, in, out, errOut := cmdutil.Test()
	in.WriteString(stdin)
	g := &cmdutil.Globals{}
	cmd := NewCmdReport(ios, g)
	g.Register(cmd.PersistentFlags())
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetArgs(args)
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	err := cmd.ExecuteContext(context.Background())
	code, print := cmdutil.ExitCodeOf(err)
	if print {
		errOut.WriteString("relayctl: " + cmdutil.ErrorText(err) + "\n")
	}
	return out.String(), errOut.String(), code
}

// runSummaryAt runs "report summary ARGS..." with the clock at now.
func runSummaryAt(t *testing.T, now time.Time, args ...string) (string, string, report.Exit) {
	t.Helper()
	ios, _, out, errOut := cmdutil.Test()
	g := &cmdutil.Globals{}
	cmd := NewCmdSummary(ios, g, func(ctx context.Context, o *SummaryOptions) error {
		o.Now = func() time.Time { return now }
		return runSummary(ctx, o)
	})
	g.Register(cmd.PersistentFlags())
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetArgs(args)
	code, _ := cmdutil.ExitCodeOf(cmd.ExecuteContext(context.Background()))
	return out.String(), errOut.String(), code
}

func TestParseNDJSON(t *testing.T) {
	out, errOut, code := run(t, "", "parse", "-o", "ndjson", testdataDir)
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	types := map[string]int{}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		types[m["type"].(string)]++
		if m["source"] == "" {
			t.Errorf("no source: %s", l)
		}
	}
	if types["dmarc-aggregate"] != 4 || types["tlsrpt"] != 2 || types["dmarc-failure"] != 1 {
		t.Errorf("types %v", types)
	}
}

func TestParseJSONArrayAndStdin(t *testing.T) {
	xml, _ := os.ReadFile(filepath.Join(testdataDir, "example.com-rfc7489.xml"))
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write(xml)
	w.Close()
	out, errOut, code := run(t, z.String(), "parse", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var recs []map[string]any
	if err := json.Unmarshal([]byte(out), &recs); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(recs) != 3 || recs[0]["source"] != "-" || recs[0]["org_name"] != "receiver.example" {
		t.Errorf("records %v", recs)
	}
	out, _, _ = run(t, "", "parse", "-o", "json", filepath.Join(testdataDir, "nonexistent"))
	if strings.TrimSpace(out) != "[]" {
		t.Errorf("no record: %q, want []", out)
	}
}

func TestParseTableAndExitCodes(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a-truncated.xml"), []byte("<feedback><report_metadata><org_name>x"), 0o644)
	os.WriteFile(filepath.Join(dir, "b-note.txt"), []byte("just a note\n"), 0o644)
	xml, _ := os.ReadFile(filepath.Join(testdataDir, "example.com-rfc7489.xml"))
	os.WriteFile(filepath.Join(dir, "c.bin"), xml, 0o644)
	out, errOut, code := run(t, "", "parse", dir)
	if code != report.ExitIncomplete {
		t.Errorf("exit %d, want 3 for a corrupt report", code)
	}
	if !strings.Contains(errOut, "a-truncated.xml: invalid XML in <report_metadata>: the document is truncated") || !strings.Contains(errOut, "warning: "+filepath.Join(dir, "b-note.txt")+": not a report") {
		t.Errorf("stderr %s", errOut)
	}
	if strings.Contains(errOut, "dmarcreport") {
		t.Errorf("package name in a message: %s", errOut)
	}
	if !strings.HasPrefix(out, "TYPE\tORG\tDOMAIN") || strings.Count(out, "\naggregate\treceiver.example\texample.com\t") != 3 {
		t.Errorf("table:\n%s", out)
	}
	if !strings.Contains(out, "3 records from 1 report in 3 inputs (3 dmarc-aggregate); 1 input not a report; 1 corrupt report") {
		t.Errorf("summary line:\n%s", out)
	}
	_, _, code = run(t, "", "parse", dir, filepath.Join(dir, "missing.xml"))
	if code != report.ExitUsage {
		t.Errorf("exit %d, want 2 when an input cannot be read", code)
	}
	_, errOut, code = run(t, "", "parse", "--max-size", "0", dir)
	if code != report.ExitUsage || !strings.Contains(errOut, "max-size") {
		t.Errorf("--max-size 0: exit %d, %s", code, errOut)
	}
}

func TestParseMaxSize(t *testing.T) {
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write(make([]byte, 3<<20))
	w.Close()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "bomb.xml.gz"), z.Bytes(), 0o644)
	_, errOut, code := run(t, "", "parse", "--max-size", "1MiB", dir)
	if code != report.ExitIncomplete || !strings.Contains(errOut, "more than the limit of 1048576 bytes") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"50MiB": 50 << 20, "10k": 10 << 10, "2G": 2 << 30, "123": 123} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-1", "MiB", "1.5M", "0"} {
		if _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) accepted", bad)
		}
	}
}
