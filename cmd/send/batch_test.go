package send

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
	"github.com/relayctl/relayctl/report"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func csvRows(n int) string {
	var b strings.Builder
	b.WriteString("to,name,code\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "user%d@example.org,User %d,C%03d\n", i, i, i)
	}
	return b.String()
}

// lines are the outcome records of NDJSON output; the in-flight records
// written before each final dot are left out (inFlight counts them).
func lines(s string) []map[string]any {
	var out []map[string]any
	for _, m := range allLines(s) {
		if m["result"] != "in_flight" {
			out = append(out, m)
		}
	}
	return out
}

func inFlight(s string) int { return len(allLines(s)) - len(lines(s)) }

func allLines(s string) []map[string]any {
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			panic(fmt.Sprintf("not NDJSON: %q", l))
		}
		out = append(out, m)
	}
	return out
}

func batchArgs(srv *smtptest.Server, file string, extra ...string) []string {
	return append([]string{"--server", srv.Addr, "--tls", "none", "--from", "news@example.net", "--batch", file,
		"--subject", "Hello {{.name}}", "--body", "Your code is {{.code}}.", "--header", "X-Code: {{.code}}"}, extra...)
}

func TestBatchNDJSON(t *testing.T) {
	// Each reply held back a little, so that no worker can drain the
	// 20 rows before the other two have connected: three connections is
	// then the engine's doing, not the scheduler's.
	srv := smtptest.Start(t, smtptest.Config{Delay: 2 * time.Millisecond})
	file := writeFile(t, "people.csv", csvRows(20))
	r := execute(t, nil, "", batchArgs(srv, file, "--concurrency", "3")...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	recs := lines(r.stdout) // NDJSON by default with --batch
	if len(recs) != 20 || srv.Count() != 20 || srv.Conns() != 3 || inFlight(r.stdout) != 20 {
		t.Fatalf("%d records (%d in flight), %d messages, %d connections", len(recs), inFlight(r.stdout), srv.Count(), srv.Conns())
	}
	rows := map[float64]bool{}
	for _, rec := range recs {
		rows[rec["row"].(float64)] = true
		if rec["result"] != "sent" {
			t.Errorf("%v", rec)
		}
	}
	if len(rows) != 20 {
		t.Errorf("rows %v", rows)
	}
	for _, m := range srv.Messages() {
		n := strings.TrimSuffix(strings.TrimPrefix(m.To[0], "user"), "@example.org")
		d := string(m.Data)
		if !strings.Contains(d, "Subject: Hello User "+n+"\r\n") || !strings.Contains(d, fmt.Sprintf("X-Code: C%03s", n)) ||
			!strings.Contains(d, fmt.Sprintf("Your code is C%03s.", n)) {
			t.Errorf("row for %s:\n%s", m.To[0], d)
		}
	}
	// The table: a line per message and a summary.
	r = execute(t, nil, "", batchArgs(srv, file, "-o", "table")...)
	if !strings.Contains(r.stdout, "20 messages: 20 sent") || strings.Count(r.stdout, " sent ") != 20 {
		t.Errorf("table:\n%s", r.stdout)
	}
}

func TestBatchExitCodeAndRejections(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{Rcpt: func(n int, to string) error {
		if to == "user3@example.org" {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "unknown"}
		}
		return nil
	}})
	r := execute(t, nil, "", batchArgs(srv, writeFile(t, "p.csv", csvRows(5)))...)
	if r.code != report.ExitGate || srv.Count() != 4 {
		t.Errorf("exit %d, %d messages", r.code, srv.Count())
	}
}

// Every row is checked before the first message is sent.
func TestBatchBadRowSendsNothing(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{})
	for name, content := range map[string]string{
		"injection":     "to,name,code\nok@example.org,Ok,1\nbad@example.org,\"Evil\r\nBcc: x@evil.example\",2\n",
		"bad address":   "to,name,code\nok@example.org,Ok,1\nnot-an-address,B,2\n",
		"missing field": "to,name\nok@example.org,Ok\n",
		"no to":         "name,code\nOk,1\n",
	} {
		r := execute(t, nil, "", batchArgs(srv, writeFile(t, "p.csv", content))...)
		if r.code != report.ExitUsage || r.stdout != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", name, r.code, r.stdout, r.stderr)
		}
	}
	r := execute(t, nil, "", batchArgs(srv, writeFile(t, "p.csv", csvRows(2)), "--to", "x@example.org")...)
	if r.code != report.ExitUsage {
		t.Errorf("--to with --batch: %d", r.code)
	}
	if srv.Conns() != 0 {
		t.Error("the server was contacted")
	}
}

// A batch stopped half way (here: the server starts refusing, then the
// output is cut mid-line as a kill would leave it) resumes with
// --skip-done and sends each message exactly once.
func TestBatchSkipDone(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{Mail: func(n int, from string) error {
		if n > 6 && n <= 12 {
			return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2}, Message: "going down"}
		}
		return nil
	}})
	file := writeFile(t, "people.csv", csvRows(12))
	r := execute(t, nil, "", batchArgs(srv, file)...)
	if r.code != report.ExitIncomplete {
		t.Fatalf("first run: exit %d", r.code)
	}
	first := lines(r.stdout)
	sent := 0
	for _, rec := range first {
		if rec["result"] == "sent" {
			sent++
		}
	}
	if sent != 6 || len(first) != 12 {
		t.Fatalf("first run: %d records, %d sent", len(first), sent)
	}
	results := writeFile(t, "results.ndjson", r.stdout+`{"row":12,"to":["user12@exa`)
	r = execute(t, nil, "", batchArgs(srv, file, "--skip-done", results)...)
	if r.code != 0 {
		t.Fatalf("resume: exit %d %s", r.code, r.stderr)
	}
	if got := lines(r.stdout); len(got) != 6 {
		t.Errorf("resume sent %d messages, want the 6 not done", len(got))
	}
	count := map[string]int{}
	for _, m := range srv.Messages() {
		count[m.To[0]]++
	}
	for i := 1; i <= 12; i++ {
		if c := count[fmt.Sprintf("user%d@example.org", i)]; c != 1 {
			t.Errorf("user%d got %d messages", i, c)
		}
	}
	// Resuming with everything done sends nothing — the resume's output
	// appended (>>) right after the cut line, glued to it.
	all := writeFile(t, "all.ndjson", string(mustRead(t, results))+r.stdout)
	r = execute(t, nil, "", batchArgs(srv, file, "--skip-done", all)...)
	if r.code != 0 || strings.TrimSpace(r.stdout) != "" || srv.Count() != 12 {
		t.Errorf("nothing to do: exit %d, stdout %q, %d messages", r.code, r.stdout, srv.Count())
	}
	// Results of another batch file are refused.
	other := writeFile(t, "other.csv", strings.Replace(csvRows(12), "user1@", "someone@", 1))
	r = execute(t, nil, "", batchArgs(srv, other, "--skip-done", all)...)
	if r.code != report.ExitUsage || !strings.Contains(r.stderr, "not the same batch") {
		t.Errorf("other batch: exit %d %s", r.code, r.stderr)
	}
}

func mustRead(t *testing.T, p string) []byte {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(strings.TrimRight(string(b), "\n"))
}

func TestBatchProgressOnTerminal(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{})
	file := writeFile(t, "p.csv", csvRows(30))
	// execute builds its own Options; run the command through a flag hook.
	r := executeWith(t, func(o *Options) { o.IO.SetStderrTTY(true, 0) }, batchArgs(srv, file, "--rate", "300/s")...)
	if r.code != 0 || !strings.HasPrefix(r.stderr, "\r[") || !strings.Contains(r.stderr, "30/30  sent 30") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	// Retries are counted: two messages met a 451 once each.
	flaky := smtptest.Start(t, smtptest.Config{Mail: func(n int, from string) error {
		if n == 1 || n == 5 {
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}
		}
		return nil
	}})
	r = executeWith(t, func(o *Options) { o.IO.SetStderrTTY(true, 0) }, batchArgs(flaky, file, "--retries", "1", "--retry-delay", "1ms")...)
	if r.code != 0 || !strings.Contains(r.stderr, "30/30  sent 30  retries 2  ") || !strings.HasSuffix(r.stderr, "\n") {
		t.Errorf("retries: exit %d, stderr %q", r.code, r.stderr)
	}
	// Not a terminal: no progress bar.
	r = execute(t, nil, "", batchArgs(srv, file)...)
	if strings.Contains(r.stderr, "\x1b[") {
		t.Errorf("progress on a pipe: %q", r.stderr)
	}
}

func TestParseRate(t *testing.T) {
	for in, want := range map[string]float64{"10/s": 10, "10": 10, "120/m": 2, "3600/h": 1, "0.5/s": 0.5} {
		if got, err := parseRate(in); err != nil || got != want {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	for _, bad := range []string{"0/s", "-1/s", "x/s", "10/d", "Inf/s"} {
		if _, err := parseRate(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// A directory, an oversized file or an oversized line is said to be one,
// at once, with the line's number: not "empty", not "no rows", and never
// read whole into memory.
func TestBatchFileBounds(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{})
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.csv")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(1<<30 + 1) // sparse: no disk used
	f.Close()
	oneLine := writeFile(t, "one.csv", "to,name,code\n"+strings.Repeat("x", 3<<20)+"\n")
	ndjson := writeFile(t, "rows.ndjson", `{"to":"a@example.org","name":"A","code":"1"}`+"\n\n"+`{"to":"`+strings.Repeat("x", 2<<20)+`"}`+"\n")
	for _, c := range []struct {
		file, want string
	}{
		{dir, "it is a directory"},
		{huge, "larger than the limit of 1024 MiB"},
		{oneLine, "line 2 is longer than 1 MiB"},
		{ndjson, "line 3 is longer than 1 MiB"},
	} {
		r := execute(t, nil, "", batchArgs(srv, c.file)...)
		if r.code != report.ExitUsage || !strings.Contains(r.stderr, c.want) || strings.Contains(r.stderr, "empty") || strings.Contains(r.stderr, "no rows") {
			t.Errorf("%s: exit %d, stderr %q, want %q", filepath.Base(c.file), r.code, r.stderr, c.want)
		}
	}
	r := execute(t, nil, "", batchArgs(srv, writeFile(t, "p.csv", csvRows(1)), "--skip-done", dir)...)
	if r.code != report.ExitUsage || !strings.Contains(r.stderr, "--skip-done "+dir+": it is a directory") {
		t.Errorf("--skip-done dir: exit %d, %q", r.code, r.stderr)
	}
	r = execute(t, nil, "", base(srv, "--body", "@"+dir)...)
	if r.code != report.ExitUsage || !strings.Contains(r.stderr, "it is a directory") {
		t.Errorf("--body @dir: exit %d, %q", r.code, r.stderr)
	}
	if srv.Conns() != 0 {
		t.Error("the server was contacted")
	}
}
