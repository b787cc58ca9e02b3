package bounce

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"testing"
	"time"

	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// messages reads the files that match pattern, in name order.
func messages(pattern string) [][]byte {
	files, _ := filepath.Glob(pattern)
	sort.Strings(files)
	var msgs [][]byte
	for _, f := range files {
		if m, err := os.ReadFile(f); err == nil {
			msgs = append(msgs, m)
		}
	}
	return msgs
}

// bigMbox writes an mbox of n messages, the given ones repeated in turn
// (quoted From lines as a real mbox has them), and returns its path.
func bigMbox(tb testing.TB, msgs [][]byte, n int) string {
	tb.Helper()
	var buf bytes.Buffer
	for i := range n {
		m := msgs[i%len(msgs)]
		fmt.Fprintf(&buf, "From bench%d@example.org Mon Jan  6 10:00:00 2025\n", i)
		buf.Write(bytes.ReplaceAll(m, []byte("\nFrom "), []byte("\n>From ")))
		if !bytes.HasSuffix(m, []byte("\n")) {
			buf.WriteByte('\n')
		}
		buf.WriteByte('\n')
	}
	p := filepath.Join(tb.TempDir(), "big.mbox")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// BenchmarkCommand is "bounce parse" end to end, as the program runs it:
// a 6,300-message mbox (the corpus repeated, or the fixtures without
// ../shared) in, stdout and stderr real files (/dev/null), per format.
func BenchmarkCommand(b *testing.B) {
	msgs := messages(filepath.Join("..", "..", "..", "shared", "corpus", "bounces", "maildir", "bsd", "*.eml"))
	if len(msgs) == 0 {
		b.Log("../shared/corpus absent: the mbox repeats testdata/bounce")
		msgs = messages(filepath.Join(testdata, "*.eml"))
	}
	const n = 6300
	path := bigMbox(b, msgs, n)
	st, _ := os.Stat(path)
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer null.Close()
	for _, format := range []string{"table", "json", "ndjson"} {
		for _, procs := range []int{1, runtime.NumCPU()} {
			b.Run(fmt.Sprintf("%s/%dcores", format, procs), func(b *testing.B) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				b.SetBytes(st.Size())
				start := time.Now()
				for b.Loop() {
					ios, _, _, _ := cmdutil.Test()
					ios.Out, ios.ErrOut = null, null
					g := &cmdutil.Globals{Output: format, FailOn: "fail", Timeout: 5e9}
					cmd := NewCmdParse(ios, g, nil)
					cmd.SetContext(context.Background())
					cmd.SetArgs([]string{path})
					if err := cmd.Execute(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n)*float64(b.N)/time.Since(start).Seconds(), "msgs/s")
			})
		}
	}
}
