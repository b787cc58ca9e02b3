package send

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/report"
)

// childEnv, set, makes TestCrashChild run "relayctl send" with the
// arguments after "--" on the real stdout, as the binary would.
const childEnv = "RELAYCTL_SEND_TEST_CHILD"

func TestCrashChild(t *testing.T) {
	if os.Getenv(childEnv) != "1" {
		t.Skip("only run as the child of TestKillWhileAwaitingDotReply")
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	ios := cmdutil.System()
	g := &cmdutil.Globals{}
	root := &cobra.Command{Use: "relayctl", SilenceErrors: true, SilenceUsage: true}
	g.Register(root.PersistentFlags())
	root.AddCommand(NewCmdSend(ios, g, nil))
	root.SetArgs(append([]string{"send"}, args...))
	err := root.ExecuteContext(context.Background())
	code, _ := cmdutil.ExitCodeOf(err)
	os.Exit(int(code))
}

// A kill -9 while the server holds back its reply to the final dot: the
// in-flight record is already in the results file, so a resume with
// --skip-done reports the row unknown and does not send it again.
func TestKillWhileAwaitingDotReply(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	silent := smtptest.Start(t, smtptest.Config{NoDotReply: true})
	file := writeFile(t, "people.csv", csvRows(3))
	results := filepath.Join(t.TempDir(), "results.ndjson")
	out, err := os.Create(results)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestCrashChild$", "--"},
		batchArgs(silent, file, "--data-timeout", "1m", "--no-progress")...)...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.Stdout = out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	// The server has row 1's message and is holding its reply.
	deadline := time.Now().Add(20 * time.Second)
	for silent.Count() < 1 {
		if time.Now().After(deadline) {
			t.Fatal("the child never sent the message")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	cmd.Wait()
	left, _ := os.ReadFile(results)
	if inFlight(string(left)) != 1 || len(lines(string(left))) != 0 {
		t.Fatalf("no in-flight record after the kill: %q", left)
	}

	// The resume, against a server that answers: rows 2 and 3 only.
	ok := smtptest.Start(t, smtptest.Config{})
	r := execute(t, nil, "", batchArgs(ok, file, "--skip-done", results)...)
	if r.code != report.ExitIncomplete {
		t.Errorf("resume: exit %d, want 3 (row 1 unknown)\n%s%s", r.code, r.stdout, r.stderr)
	}
	recs := lines(r.stdout)
	got := map[float64]string{}
	for _, rec := range recs {
		got[rec["row"].(float64)] = rec["result"].(string)
	}
	if len(recs) != 3 || got[1] != "unknown" || got[2] != "sent" || got[3] != "sent" {
		t.Errorf("resume records: %v\n%s", got, r.stdout)
	}
	for _, m := range ok.Messages() {
		if m.To[0] == "user1@example.org" {
			t.Error("row 1 was sent again")
		}
	}
	if ok.Count() != 2 || silent.Count() != 1 {
		t.Errorf("%d messages on the resume's server, %d on the first", ok.Count(), silent.Count())
	}
	// A second resume over both runs' records sends nothing more.
	all := writeFile(t, "all.ndjson", string(left)+r.stdout)
	r = execute(t, nil, "", batchArgs(ok, file, "--skip-done", all)...)
	if r.code != 0 || strings.TrimSpace(r.stdout) != "" || ok.Count() != 2 {
		t.Errorf("second resume: exit %d, %q, %d messages", r.code, r.stdout, ok.Count())
	}
}
