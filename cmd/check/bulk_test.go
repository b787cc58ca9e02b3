package check

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/report"
)

// Every name falls in exactly one shard, for each N, and no shard takes
// all (the hash spreads them).
func TestShardsCoverEveryDomainOnce(t *testing.T) {
	for n := 1; n <= 7; n++ {
		sizes := make([]int, n)
		for k := 0; k < 10000; k++ {
			d := fmt.Sprintf("host%d.example%d.com", k, k%13)
			in := 0
			for i := 1; i <= n; i++ {
				if InShard(d, i, n) {
					in++
					sizes[i-1]++
				}
			}
			if in != 1 {
				t.Fatalf("N=%d: %s in %d shards", n, d, in)
			}
		}
		for i, s := range sizes {
			if s < 10000/n/2 {
				t.Errorf("N=%d: shard %d has only %d of 10000", n, i+1, s)
			}
		}
	}
}

// runBulk runs a check command with the global flags against the
// repository's zone files, stdin holding stdin.
func runBulk(t *testing.T, sub string, stdin string, args ...string) (out, errOut string, code report.Exit, text string) {
	t.Helper()
	ios, in, o, e := cmdutil.Test()
	in.WriteString(stdin)
	g := &cmdutil.Globals{}
	root := NewCmdCheck(ios, g)
	g.Register(root.PersistentFlags())
	root.SetArgs(append([]string{sub}, append(args, "--zone", "../../testdata/zones", "--offline")...))
	root.SetOut(&bytes.Buffer{})
	root.SetErr(&bytes.Buffer{})
	root.SilenceUsage, root.SilenceErrors = true, true
	err := root.Execute()
	code, _ = cmdutil.ExitCodeOf(err)
	if err != nil {
		text = cmdutil.ErrorText(err)
	}
	return o.String(), e.String(), code, text
}

func TestBulkInput(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "domains.txt")
	if err := os.WriteFile(list, []byte("# our domains\nExample.ORG.  # the shop\n\nexample.net\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code, text := runBulk(t, "domain", "example.com\n", "-", "--file", list, "-o", "ndjson", "--concurrency", "2")
	if code != report.ExitGate {
		t.Fatalf("exit %d %s", code, text)
	}
	var targets []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var rep struct{ Target string }
		if err := json.Unmarshal([]byte(line), &rep); err != nil {
			t.Fatalf("%v: %q", err, line)
		}
		targets = append(targets, rep.Target)
	}
	if got := strings.Join(targets, " "); got != "example.com example.org example.net" {
		t.Errorf("targets in order %q", got)
	}
	if errOut != "3 domains: 1 warn, 2 fail\n" {
		t.Errorf("summary on stderr %q", errOut)
	}

	// Shards of the same list cover it once.
	seen := map[string]int{}
	for i := 1; i <= 3; i++ {
		out, _, code, text := runBulk(t, "spf", "", "--file", list, "--shard", fmt.Sprintf("%d/3", i), "-o", "ndjson")
		if code > report.ExitGate {
			t.Fatal(text)
		}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var rep struct{ Target string }
			if line != "" && json.Unmarshal([]byte(line), &rep) == nil {
				seen[rep.Target]++
			}
		}
	}
	if len(seen) != 2 || seen["example.org"] != 1 || seen["example.net"] != 1 {
		t.Errorf("shards saw %v", seen)
	}

	// Table output ends with the summary on stdout.
	out, _, _, _ = runBulk(t, "dmarc", "example.com\nexample.org\n", "-")
	if !strings.HasSuffix(out, "2 domains: 1 warn, 1 fail\n") {
		t.Errorf("table summary: %q", out[max(0, len(out)-80):])
	}

	for _, c := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"example.com\nbad..example\n", []string{"-"}, "stdin:2: invalid domain"},
		{"", []string{"--file", filepath.Join(dir, "missing")}, "cannot read --file"},
		{"", []string{"-"}, "nothing to check"},
		{"", []string{"-", "--shard", "0/3"}, "invalid --shard"},
		{"", []string{"-", "--shard", "4/3"}, "invalid --shard"},
		{"", []string{"-", "--concurrency", "-1"}, "invalid --concurrency"},
	} {
		_, _, code, text := runBulk(t, "domain", c.stdin, c.args...)
		if code != report.ExitUsage || !strings.Contains(text, c.want) {
			t.Errorf("%v: exit %d %q, want 2 and %q", c.args, code, text, c.want)
		}
	}
	// Without bulk input the argument rules stay.
	if _, _, code, text := runBulk(t, "spf", ""); code != report.ExitUsage || !strings.Contains(text, "accepts 1 arg") {
		t.Errorf("check spf without a domain: %d %q", code, text)
	}
	if _, _, code, text := runBulk(t, "spf", "", "a.example", "b.example", "--file", list); code != report.ExitUsage || !strings.Contains(text, "accepts at most 1 arg") {
		t.Errorf("check spf with two domains and --file: %d %q", code, text)
	}
}
