package bounce

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/bounce"
	"github.com/relayctl/relayctl/checks/bounce/reason"
	"github.com/relayctl/relayctl/checks/mailin"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/report"
)

var testdata = filepath.Join("..", "..", "testdata", "bounce")

func fixture(name string) string { return filepath.Join(testdata, name) }

// run runs "bounce parse" with args, stdout piped, and returns stdout,
// stderr and the error that carries the exit code.
func run(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	ios, in, out, errOut := cmdutil.Test()
	in.WriteString(stdin)
	g := &cmdutil.Globals{Output: "table", FailOn: "fail", Timeout: 5e9}
	cmd := NewCmdParse(ios, g, nil)
	cmd.SetContext(context.Background())
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	// The global -o flag lives on the root; tests set it directly.
	for i, a := range args {
		if a == "-o" && i+1 < len(args) {
			g.Output = args[i+1]
		}
	}
	filtered := args[:0:0]
	for i := 0; i < len(args); i++ {
		if args[i] == "-o" {
			i++
			continue
		}
		filtered = append(filtered, args[i])
	}
	cmd.SetArgs(filtered)
	err := cmd.Execute()
	return out.String(), errOut.String(), err
}

func exitOf(err error) report.Exit {
	code, _ := cmdutil.ExitCodeOf(err)
	return code
}

func TestTable(t *testing.T) {
	out, errOut, err := run(t, "", fixture("postfix-userunknown.eml"), fixture("bounces.mbox"), fixture("feedback-abuse.eml"))
	if err != nil {
		t.Fatalf("err %v, stderr %s", err, errOut)
	}
	for _, want := range []string{
		"SOURCE", "RECIPIENT", "REASON",
		"dana.nobody@receiver.example  userunknown  hard  5.1.1",
		"bounces.mbox#1", "bounces.mbox#3",
		"5 messages: 3 bounces, 1 feedback report, 1 not a bounce",
		"3 records: 2 hard, 1 soft",
		"REASON       COUNT", "userunknown  1",
		"DOMAIN", "receiver.example",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "henry@isp.example") {
		t.Error("feedback shown without --include-feedback")
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour codes in piped output")
	}
}

func TestJSONAndIncludes(t *testing.T) {
	// One message of each kind that is no failure, and a bounce.
	out, _, err := run(t, "", "-o", "json", "--include-feedback", "--include-vacation", "--include-delivered",
		fixture("feedback-abuse.eml"), fixture("autoreply.eml"), fixture("delivered.eml"), fixture("postfix-userunknown.eml"))
	if err != nil {
		t.Fatal(err)
	}
	var recs []bounce.Record
	if err := json.Unmarshal([]byte(out), &recs); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, out)
	}
	kinds := map[reason.Reason]int{}
	for _, r := range recs {
		kinds[r.Reason]++
		if r.Source == "" || r.Agent == "" {
			t.Errorf("record without source or agent: %+v", r)
		}
	}
	if kinds["feedback"] != 1 || kinds["vacation"] != 1 || kinds["delivered"] != 1 {
		t.Errorf("included kinds: %v", kinds)
	}
	var arf bounce.Record
	for _, r := range recs {
		if r.Reason == "feedback" {
			arf = r
		}
	}
	if arf.FeedbackType != "abuse" || arf.SourceIP != "192.0.2.44" {
		t.Errorf("feedback record: %+v", arf)
	}

	out, _, _ = run(t, "", "-o", "json", fixture("not-a-bounce.eml"))
	if strings.TrimSpace(out) != "[]" {
		t.Errorf("no records: %q, want []", out)
	}
}

func TestNDJSONAndSummary(t *testing.T) {
	out, _, err := run(t, "", "-o", "ndjson", fixture("bounces.mbox"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2:\n%s", len(lines), out)
	}
	for _, l := range lines {
		var r bounce.Record
		if err := json.Unmarshal([]byte(l), &r); err != nil || r.Recipient == "" {
			t.Errorf("line %q: %v", l, err)
		}
	}

	out, _, err = run(t, "", "-o", "json", "--summary", fixture("bounces.mbox"), fixture("postfix-userunknown.eml"))
	if err != nil {
		t.Fatal(err)
	}
	var s bounce.Summary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("summary: %v\n%s", err, out)
	}
	if s.Messages != 4 || s.Bounces != 3 || s.NotBounce != 1 || s.Records != 3 || s.Hard != 2 || s.Soft != 1 {
		t.Errorf("summary: %+v", s)
	}
	if len(s.ByReason) == 0 || len(s.ByDomain) == 0 {
		t.Errorf("breakdowns missing: %+v", s)
	}

	out, _, _ = run(t, "", "--summary", fixture("bounces.mbox"))
	if strings.Contains(out, "RECIPIENT") || !strings.Contains(out, "3 messages") {
		t.Errorf("table --summary:\n%s", out)
	}
}

func TestStdinAndWarnings(t *testing.T) {
	var msg bytes.Buffer
	msg.WriteString(strings.ReplaceAll(readFile(t, fixture("qmail-hostunknown.eml")), "\n", "\r\n"))
	out, errOut, err := run(t, msg.String(), "-")
	if err != nil || !strings.Contains(out, "-  ") || !strings.Contains(out, "gina@no-such-domain.example") {
		t.Errorf("stdin: err %v\n%s%s", err, out, errOut)
	}
	// No argument reads standard input too.
	out, _, _ = run(t, readFile(t, fixture("exim-mailboxfull.eml")))
	if !strings.Contains(out, "fred.full@mailbox.example") {
		t.Errorf("default stdin:\n%s", out)
	}

	out, errOut, err = run(t, "", fixture("truncated.eml"), filepath.Join(t.TempDir(), "missing.eml"), fixture("autoreply.eml"))
	if got := exitOf(err); got != report.ExitUsage {
		t.Errorf("exit %d, want 2 for an unreadable input", got)
	}
	if !strings.Contains(errOut, "warning: "+fixture("truncated.eml")+": message is truncated") {
		t.Errorf("no warning naming the damaged message:\n%s", errOut)
	}
	if !strings.Contains(errOut, "cannot read input") || !strings.Contains(errOut, "missing.eml") {
		t.Errorf("no message naming the unreadable input:\n%s", errOut)
	}
	if !strings.Contains(out, "pat@rejects.example") || !strings.Contains(out, "1 input could not be read") {
		t.Errorf("the rest did not go on:\n%s", out)
	}
	if strings.Contains(errOut, "bounce:") {
		t.Errorf("an internal package name reached stderr:\n%s", errOut)
	}
}

// failingWriter refuses every write, like a closed pipe.
type failingWriter struct{}

var errClosed = errors.New("pipe closed")

func (failingWriter) Write([]byte) (int, error) { return 0, errClosed }

// A record or the summary that cannot be written ends the command as
// incomplete, saying what it was writing and why, the cause kept.
func TestWriteFailure(t *testing.T) {
	for _, args := range [][]string{
		{"-o", "ndjson", fixture("postfix-userunknown.eml")},            // the first record fails
		{"-o", "json", "--summary", fixture("postfix-userunknown.eml")}, // the summary fails
	} {
		ios, _, _, _ := cmdutil.Test()
		ios.Out = failingWriter{}
		g := &cmdutil.Globals{Output: args[1], FailOn: "fail", Timeout: 5e9}
		cmd := NewCmdParse(ios, g, nil)
		cmd.SetContext(context.Background())
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		cmd.SetArgs(args[2:])
		err := cmd.Execute()
		if got := exitOf(err); got != report.ExitIncomplete {
			t.Errorf("%v: exit %d, want %d (incomplete)", args, got, report.ExitIncomplete)
		}
		if !errors.Is(err, errClosed) {
			t.Errorf("%v: %v does not keep its cause", args, err)
		}
		if got, want := cmdutil.ErrorText(err), "writing the records: pipe closed"; got != want {
			t.Errorf("%v: message %q, want %q", args, got, want)
		}
	}
}

func TestFlagErrors(t *testing.T) {
	_, _, err := run(t, "", "--workers", "-1", fixture("autoreply.eml"))
	var u *cmdutil.UsageError
	if !errors.As(err, &u) {
		t.Errorf("--workers -1: %v, want a usage error", err)
	}
	_, _, err = run(t, "", "-o", "yaml", fixture("autoreply.eml"))
	if exitOf(err) != report.ExitUsage {
		t.Errorf("-o yaml: %v, want exit 2", err)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	var b bytes.Buffer
	if err := mailin.Scan(context.Background(), []string{p}, nil, func(in mailin.Input) error {
		b.Write(in.Data)
		return in.Err
	}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// A delay notice (Action: delayed) is no bounce: counted apart, its
// record shown only with --include-delayed, with its action.
func TestIncludeDelayed(t *testing.T) {
	files := []string{fixture("sendmail-delayed.eml"), fixture("exim-delayed-dsn.eml"), fixture("postfix-userunknown.eml")}
	out, _, err := run(t, "", files...)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"3 messages: 1 bounce, 2 delay notices, 0 not a bounce", "1 record: 1 hard, 0 soft", "ACTION", "failed"} {
		if !strings.Contains(out, want) {
			t.Errorf("without --include-delayed the table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "lou@slow.example") || strings.Contains(out, "late@example.com") {
		t.Errorf("delay notices shown without --include-delayed:\n%s", out)
	}
	out, _, err = run(t, "", append([]string{"--include-delayed"}, files...)...)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"lou@slow.example", "late@example.com", "delayed", "3 records"} {
		if !strings.Contains(out, want) {
			t.Errorf("with --include-delayed the table lacks %q:\n%s", want, out)
		}
	}
}

// Repeated warnings are said once per kind, with the number of
// messages and the first few of them; a warning about one message keeps
// its one-line form.
func TestWarningsSummarised(t *testing.T) {
	cut := readFile(t, fixture("truncated.eml"))
	var mbox strings.Builder
	for range 5 {
		mbox.WriteString("From a@b.example Mon Jan  6 10:00:00 2025\n" + cut + "\n")
	}
	mbox.WriteString("From a@b.example Mon Jan  6 10:00:00 2025\n\n") // an empty message
	p := filepath.Join(t.TempDir(), "cut.mbox")
	if err := os.WriteFile(p, []byte(mbox.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, err := run(t, "", p, fixture("truncated.eml"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
	want := []string{
		fmt.Sprintf("relayctl: warning: %s: 6 messages (%s#1, %s#2, %s#3 and 3 more)", checks.Message(bounce.ErrTruncated), p, p, p),
		fmt.Sprintf("relayctl: warning: %s#6: %s", p, checks.Message(bounce.ErrEmpty)),
	}
	if len(lines) != len(want) {
		t.Fatalf("stderr has %d lines, want %d:\n%s", len(lines), len(want), errOut)
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d:\n got %q\nwant %q", i+1, lines[i], want[i])
		}
	}

	var ws warnings
	ws.add("x", "a")
	ws.add("x", "b")
	var b strings.Builder
	ws.print(&b)
	if got := b.String(); got != "relayctl: warning: x: 2 messages (a, b)\n" {
		t.Errorf("two warnings: %q", got)
	}
}

// Records are buffered, but never held back while the input is slow:
// the record of a message read from a pipe is out before the pipe ends.
// (The table holds its first rows back on purpose, to fit its columns
// to them.)
func TestRecordsNotHeldBack(t *testing.T) {
	for _, format := range []string{"ndjson", "json"} {
		ios, _, _, _ := cmdutil.Test()
		pr, pw := io.Pipe()
		ios.In = pr
		outR, outW := io.Pipe()
		ios.Out = outW
		seen := make(chan struct{})
		go func() {
			sc := bufio.NewScanner(outR)
			for sc.Scan() {
				if strings.Contains(sc.Text(), "fred.full@mailbox.example") {
					close(seen)
					break
				}
			}
			io.Copy(io.Discard, outR)
		}()
		g := &cmdutil.Globals{Output: format, FailOn: "fail", Timeout: 5e9}
		cmd := NewCmdParse(ios, g, nil)
		cmd.SetContext(context.Background())
		cmd.SetArgs([]string{"-"})
		done := make(chan error, 1)
		go func() { done <- cmd.Execute() }()
		// The next From_ line ends the first message of the mbox.
		fmt.Fprintf(pw, "From a@b.example Mon Jan  6 10:00:00 2025\n%s\nFrom c@d.example Mon Jan  6 10:00:00 2025\n", readFile(t, fixture("exim-mailboxfull.eml")))
		select {
		case <-seen:
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: the record of the first message is not out while the input stays open", format)
		}
		pw.Close()
		if err := <-done; err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		outW.Close()
	}
}

// At a terminal, reading standard input says so once; reading files
// says nothing.
func TestStdinNotice(t *testing.T) {
	for _, args := range [][]string{{"-"}, {}, {fixture("autoreply.eml")}} {
		ios, in, _, errOut := cmdutil.Test()
		ios.SetStdinTTY(true)
		in.WriteString(readFile(t, fixture("exim-mailboxfull.eml")))
		g := &cmdutil.Globals{Output: "table", FailOn: "fail", Timeout: 5e9}
		cmd := NewCmdParse(ios, g, nil)
		cmd.SetContext(context.Background())
		cmd.SetArgs(args)
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		want := ""
		if len(args) == 0 || args[0] == "-" {
			want = "relayctl: reading messages from standard input (Ctrl-D to end)…\n"
		}
		if errOut.String() != want {
			t.Errorf("%q: stderr %q, want %q", args, errOut, want)
		}
	}
}

// A run of more than a second shows its progress on stderr when that is
// a terminal; the warnings come after the line is ended.
func TestProgress(t *testing.T) {
	ios, _, _, errOut := cmdutil.Test()
	ios.SetStderrTTY(true, 100)
	pr, pw := io.Pipe()
	ios.In = pr
	g := &cmdutil.Globals{Output: "ndjson", FailOn: "fail", Timeout: 5e9}
	cmd := NewCmdParse(ios, g, nil)
	cmd.SetContext(context.Background())
	cmd.SetArgs([]string{"-"})
	done := make(chan error, 1)
	go func() { done <- cmd.Execute() }()
	from := "From a@b.example Mon Jan  6 10:00:00 2025\n"
	fmt.Fprintf(pw, "%s%s\n%s%s\n", from, readFile(t, fixture("exim-mailboxfull.eml")), from, readFile(t, fixture("truncated.eml")))
	time.Sleep(1500 * time.Millisecond) // past the second's grace
	pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	got := errOut.String()
	line, warning, ok := strings.Cut(got, "\n")
	// The line is redrawn in place; its last drawing has the final counts.
	if last := line[strings.LastIndex(line, "\r")+1:]; !ok || !strings.HasPrefix(last, "2 messages  records 2  warnings 1") {
		t.Errorf("no progress line ended before the rest:\n%q", got)
	}
	if want := "relayctl: warning: -#2: message is truncated"; !strings.HasPrefix(warning, want) {
		t.Errorf("after the progress line %q, want %q", warning, want)
	}
}
