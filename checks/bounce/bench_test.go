package bounce

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"
)

var (
	benchOnce  sync.Once
	benchPath  string
	benchCount int
	benchSize  int64
)

// benchMbox builds, once, a large mbox from the development corpus (or,
// without it, from this package's fixtures): every message repeated
// until there are about 4,000.
func benchMbox(b *testing.B) (string, int, int64) {
	benchOnce.Do(func() {
		var msgs [][]byte
		if dir := corpusDir(b); dir != "" {
			files, _ := filepath.Glob(filepath.Join(dir, "maildir", "bsd", "*.eml"))
			sort.Strings(files)
			for _, f := range files {
				if m, err := os.ReadFile(f); err == nil {
					msgs = append(msgs, m)
				}
			}
		}
		if len(msgs) == 0 {
			files, _ := filepath.Glob(filepath.Join(testdata, "*.eml"))
			for _, f := range files {
				if m, err := os.ReadFile(f); err == nil {
					msgs = append(msgs, m)
				}
			}
		}
		var buf bytes.Buffer
		for n := 0; n < 4000; {
			for _, m := range msgs {
				fmt.Fprintf(&buf, "From bench%d@example.org Mon Jan  6 10:00:00 2025\n", n)
				// mboxrd: quote the body's From lines as a real mbox would.
				m = bytes.ReplaceAll(m, []byte("\nFrom "), []byte("\n>From "))
				buf.Write(m)
				if !bytes.HasSuffix(m, []byte("\n")) {
					buf.WriteByte('\n')
				}
				buf.WriteByte('\n')
				n++
			}
		}
		dir, err := os.MkdirTemp("", "bounce-bench")
		if err != nil {
			b.Fatal(err)
		}
		benchPath = filepath.Join(dir, "bench.mbox")
		if err := os.WriteFile(benchPath, buf.Bytes(), 0o644); err != nil {
			b.Fatal(err)
		}
		benchCount = bytes.Count(buf.Bytes(), []byte("\nFrom bench")) + 1
		benchSize = int64(buf.Len())
	})
	return benchPath, benchCount, benchSize
}

// BenchmarkRun reads and parses the large mbox end to end (file
// reading, mbox splitting, parsing), on one core and on all of them.
func BenchmarkRun(b *testing.B) {
	path, count, size := benchMbox(b)
	for _, c := range []struct {
		name  string
		procs int
	}{{"1core", 1}, {"allcores", runtime.NumCPU()}} {
		b.Run(c.name, func(b *testing.B) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(c.procs))
			b.SetBytes(size)
			b.ReportAllocs()
			start := time.Now()
			for b.Loop() {
				n := 0
				err := Run(context.Background(), []string{path}, nil, Options{Workers: c.procs}, func(it Item) error {
					n++
					return nil
				})
				if err != nil || n != count {
					b.Fatalf("%d of %d messages: %v", n, count, err)
				}
			}
			secs := time.Since(start).Seconds()
			b.ReportMetric(float64(count)*float64(b.N)/secs, "msgs/s")
			b.ReportMetric(float64(size)*float64(b.N)/secs/1e6, "MB/s")
		})
	}
}

// BenchmarkParse is the parser alone on one message at a time.
func BenchmarkParse(b *testing.B) {
	msg := fixture(b, "postfix-userunknown.eml")
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		if r := Parse(msg); len(r.Records) != 1 {
			b.Fatal("no record")
		}
	}
}
