package bounce

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
)

func scanAll(t *testing.T, inputs []string, stdin []byte) []Input {
	t.Helper()
	var out []Input
	err := Scan(context.Background(), inputs, bytes.NewReader(stdin), func(in Input) error {
		out = append(out, in)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var testdata = filepath.Join("..", "..", "testdata", "bounce")

func TestScanMbox(t *testing.T) {
	path := filepath.Join(testdata, "bounces.mbox")
	got := scanAll(t, []string{path}, nil)
	if len(got) != 3 {
		t.Fatalf("%d messages, want 3", len(got))
	}
	for i, in := range got {
		if want := fmt.Sprintf("%s#%d", path, i+1); in.Source != want {
			t.Errorf("source %q, want %q", in.Source, want)
		}
		if bytes.HasPrefix(in.Data, []byte("From ")) {
			t.Errorf("%s keeps its From_ line", in.Source)
		}
	}
	body := string(got[1].Data)
	if !strings.Contains(body, "\nFrom now on, lunch") || !strings.Contains(body, "\n>From the archive") {
		t.Errorf("quoted From lines not unescaped one level:\n%s", body)
	}
	if strings.HasSuffix(body, "\n\n") {
		t.Error("the blank line before the next From_ line stays with the message")
	}
	if r := Parse(got[0].Data); len(r.Records) != 1 || r.Records[0].Reason != "hostunknown" {
		t.Errorf("first message: %+v", r.Records)
	}
}

func TestScanMaildirAndFolders(t *testing.T) {
	dir := filepath.Join(testdata, "maildir")
	got := scanAll(t, []string{dir}, nil)
	var names []string
	for _, in := range got {
		names = append(names, strings.TrimPrefix(in.Source, dir+string(filepath.Separator)))
		if in.Err != nil {
			t.Errorf("%s: %v", in.Source, in.Err)
		}
	}
	want := []string{filepath.Join("cur", "1737000000.M1P1.host:2,S"), filepath.Join("new", "1737000001.M2P2.host")}
	if strings.Join(names, "|") != strings.Join(want, "|") {
		t.Errorf("walked %q, want %q (tmp/ and server files left out)", names, want)
	}
}

func TestScanStdin(t *testing.T) {
	got := scanAll(t, []string{Stdin}, fixture(t, "qmail-hostunknown.eml"))
	if len(got) != 1 || got[0].Source != "-" {
		t.Fatalf("stdin: %+v", got)
	}
	mbox := fixture(t, "bounces.mbox")
	got = scanAll(t, []string{Stdin}, mbox)
	if len(got) != 3 || got[2].Source != "-#3" {
		t.Fatalf("stdin mbox: %d messages, last %q", len(got), got[len(got)-1].Source)
	}
	// CRLF and CR-only mbox files split the same way.
	got = scanAll(t, []string{Stdin}, bytes.ReplaceAll(mbox, []byte("\n"), []byte("\r\n")))
	if len(got) != 3 {
		t.Fatalf("CRLF mbox: %d messages, want 3", len(got))
	}
	got = scanAll(t, []string{Stdin}, bytes.ReplaceAll(mbox, []byte("\n"), []byte("\r")))
	if len(got) != 3 {
		t.Fatalf("CR mbox: %d messages, want 3", len(got))
	}
	if r := Parse(got[2].Data); len(r.Records) != 1 || r.Records[0].Reason != "mailboxfull" {
		t.Errorf("CR mbox, third message: %+v", r.Records)
	}
}

func TestScanUnreadable(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.eml")
	got := scanAll(t, []string{missing, filepath.Join(testdata, "autoreply.eml")}, nil)
	if len(got) != 2 {
		t.Fatalf("%d inputs, want 2 (the rest goes on)", len(got))
	}
	if !errors.Is(got[0].Err, ErrUnreadable) || !errors.Is(got[0].Err, fs.ErrNotExist) || got[0].Data != nil {
		t.Errorf("missing file: %+v", got[0])
	}
	// For logs the package prefix; for people the words alone, naming
	// the input once.
	if msg, want := checks.Message(got[0].Err), "cannot read input "+missing+": "; !strings.HasPrefix(msg, want) ||
		strings.Count(msg, missing) != 1 {
		t.Errorf("message %q, want it to start %q and name the file once", msg, want)
	}
	if !strings.HasPrefix(got[0].Err.Error(), "bounce: cannot read input ") {
		t.Errorf("Error() %q lacks the package prefix", got[0].Err)
	}
	if got[1].Err != nil {
		t.Errorf("readable file: %v", got[1].Err)
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
	s.AddMessage(Item{Err: ErrUnreadable})
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
