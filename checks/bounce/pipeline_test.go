package bounce

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/mailin"
)

var testdata = filepath.Join("..", "..", "testdata", "bounce")

// The messages of an mbox parse the same whatever its line endings
// (the reading itself is tested in checks/mailin).
func TestRunMboxLineEndings(t *testing.T) {
	mbox := fixture(t, "bounces.mbox")
	dir := t.TempDir()
	for name, eol := range map[string]string{"lf": "\n", "crlf": "\r\n", "cr": "\r"} {
		p := filepath.Join(dir, name+".mbox")
		if err := os.WriteFile(p, bytes.ReplaceAll(mbox, []byte("\n"), []byte(eol)), 0o600); err != nil {
			t.Fatal(err)
		}
		var reasons []string
		err := Run(context.Background(), []string{p}, nil, Options{}, func(it Item) error {
			for _, r := range it.Result.Records {
				reasons = append(reasons, string(r.Reason))
			}
			return it.Err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(reasons) < 2 || reasons[0] != "hostunknown" || reasons[len(reasons)-1] != "mailboxfull" {
			t.Errorf("%s mbox: reasons %q, want hostunknown first and mailboxfull last", name, reasons)
		}
	}
}

// writeMbox writes n messages, alternating three kinds, and returns the
// path.
func writeMbox(t testing.TB, n int) string {
	t.Helper()
	kinds := [][]byte{fixture(t, "postfix-userunknown.eml"), fixture(t, "not-a-bounce.eml"), fixture(t, "exim-mailboxfull.eml")}
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "From sender%d@example.org Mon Jan  6 10:00:00 2025\n", i)
		b.Write(kinds[i%3])
		b.WriteString("\n")
	}
	path := filepath.Join(t.TempDir(), "many.mbox")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Run parses on several workers and still hands the messages over in
// input order.
func TestRunOrder(t *testing.T) {
	path := writeMbox(t, 300)
	for _, workers := range []int{1, 4, runtime.GOMAXPROCS(0) * 3} {
		next := 1
		var sum Summary
		err := Run(context.Background(), []string{path}, nil, Options{Workers: workers}, func(it Item) error {
			if want := fmt.Sprintf("%s#%d", path, next); it.Source != want {
				return fmt.Errorf("got %s, want %s", it.Source, want)
			}
			next++
			sum.AddMessage(it)
			return nil
		})
		if err != nil {
			t.Fatalf("workers=%d: %v", workers, err)
		}
		if sum.Messages != 300 || sum.Bounces != 200 || sum.NotBounce != 100 {
			t.Errorf("workers=%d: %+v", workers, sum)
		}
	}
}

func TestRunStops(t *testing.T) {
	path := writeMbox(t, 100)
	stop := errors.New("enough")
	n := 0
	err := Run(context.Background(), []string{path}, nil, Options{Workers: 4}, func(Item) error {
		n++
		if n == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 10 {
		t.Errorf("err %v after %d items", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Run(ctx, []string{path}, nil, Options{}, func(Item) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: %v", err)
	}
}

func TestSummary(t *testing.T) {
	var s Summary
	for _, f := range []string{"postfix-userunknown.eml", "exim-mailboxfull.eml", "feedback-abuse.eml", "not-a-bounce.eml", "truncated.eml"} {
		it := Item{Source: f, Result: Parse(fixture(t, f))}
		s.AddMessage(it)
		for i := range it.Result.Records {
			if it.Result.Records[i].Kind() == KindBounce {
				s.AddRecord(&it.Result.Records[i])
			}
		}
	}
	s.AddMessage(Item{Err: mailin.ErrUnreadable})
	s.Finish()
	if s.Messages != 5 || s.Bounces != 3 || s.Feedback != 1 || s.NotBounce != 1 || s.Damaged != 1 || s.Unreadable != 1 {
		t.Errorf("message counts: %+v", s)
	}
	if s.Records != 3 || s.Hard != 1 || s.Soft != 2 {
		t.Errorf("record counts: %+v", s)
	}
	if len(s.ByReason) != 3 || len(s.ByDomain) != 3 {
		t.Errorf("breakdowns: %+v %+v", s.ByReason, s.ByDomain)
	}
}

// However slow the consumer, Run reads only a few batches ahead: memory
// holds at most batchesPerWorker batches per worker and the one being
// filled.
func TestRunBoundsMessagesInFlight(t *testing.T) {
	const total, workers = 2000, 2
	const bound = (workers*batchesPerWorker + 1) * batchMessages
	if total <= 2*bound {
		t.Fatalf("the mbox (%d messages) must be well beyond the bound (%d)", total, bound)
	}
	path := writeMbox(t, total)
	var read atomic.Int64
	first := true
	err := Run(context.Background(), []string{path}, nil, Options{Workers: workers, onRead: func() { read.Add(1) }}, func(it Item) error {
		if first {
			first = false
			time.Sleep(200 * time.Millisecond) // let the reader run ahead as far as it can
			if n := read.Load(); n > bound {
				t.Errorf("%d messages read while the first was still being handled, want at most %d", n, bound)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if read.Load() != total {
		t.Errorf("read %d messages, want %d", read.Load(), total)
	}
}
