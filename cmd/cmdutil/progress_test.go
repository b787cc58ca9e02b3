package cmdutil

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// screen is a fake terminal: it applies what a terminal does with a
// carriage return, an erase to the end of the line (ESC [ K) and a line
// feed, and keeps every byte written so that tests can also look at how
// the screen got there.
type screen struct {
	mu    sync.Mutex
	lines [][]byte
	col   int
	raw   strings.Builder
}

func (s *screen) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.raw.Write(b)
	if len(s.lines) == 0 {
		s.lines = [][]byte{nil}
	}
	for i := 0; i < len(b); i++ {
		cur := &s.lines[len(s.lines)-1]
		switch {
		case b[i] == '\r':
			s.col = 0
		case b[i] == '\n':
			s.lines = append(s.lines, nil)
			s.col = 0
		case strings.HasPrefix(string(b[i:]), "\x1b[K"):
			*cur = (*cur)[:min(s.col, len(*cur))]
			i += 2
		default:
			if s.col < len(*cur) {
				(*cur)[s.col] = b[i]
			} else {
				*cur = append(*cur, b[i])
			}
			s.col++
		}
	}
	return len(b), nil
}

// text is what the screen shows, a line each.
func (s *screen) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, l := range s.lines {
		out = append(out, string(l))
	}
	return strings.Join(out, "\n")
}

func (s *screen) bytes() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.raw.String()
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newTestProgress(stdoutTTY bool, o ProgressOptions) (*Progress, *screen, *clock) {
	scr := &screen{}
	clk := &clock{t: time.Date(2026, 11, 26, 21, 0, 0, 0, time.UTC)}
	return newProgress(scr, 0, stdoutTTY, o, clk.now), scr, clk
}

func TestProgressLine(t *testing.T) {
	p, scr, clk := newTestProgress(false, ProgressOptions{Total: 200, Unit: "targets"})
	clk.advance(2 * time.Second)
	p.Add(49)
	p.Inc()
	p.tick()
	if got, want := scr.text(), "[######------------------]   50/200 targets  25/s  about 6s left"; got != want {
		t.Errorf("screen %q\nwant   %q", got, want)
	}
	if p.Done() != 50 {
		t.Errorf("Done %d", p.Done())
	}

	// Unknown total: a count and a rate, no bar, no time left.
	p, scr, clk = newTestProgress(false, ProgressOptions{Unit: "targets"})
	clk.advance(time.Second)
	p.Add(7)
	p.tick()
	if got, want := scr.text(), "7 targets  7/s"; got != want {
		t.Errorf("screen %q, want %q", got, want)
	}
}

// Counters show in the declared order once they are not zero; others
// follow in the order they were first set.
func TestProgressCounters(t *testing.T) {
	p, scr, clk := newTestProgress(false, ProgressOptions{Total: 4, Counters: []string{"sent", "rejected", "failed"}})
	clk.advance(time.Second)
	p.Set("failed", 1)
	p.Set("rejected", 0)
	p.SetRetries(3)
	p.Set("sent", 2)
	p.Set("skipped", 5)
	p.Add(3)
	p.tick()
	if got, want := scr.text(), "[##################------]  3/4  sent 2  failed 1  retries 3  skipped 5  3/s  about 0s left"; got != want {
		t.Errorf("screen %q\nwant   %q", got, want)
	}
}

// The line is overwritten in place, never erased before it is drawn;
// records printed to a stdout that is not the terminal leave it alone.
func TestProgressSteady(t *testing.T) {
	p, scr, clk := newTestProgress(false, ProgressOptions{Total: 10, Unit: "targets"})
	for i := 0; i < 10; i++ {
		clk.advance(100 * time.Millisecond)
		p.Print(func() {})
		p.Inc()
		p.tick()
	}
	if strings.Contains(scr.bytes(), "\r\x1b[K") {
		t.Errorf("the line was erased: %q", scr.bytes())
	}
	if got, want := scr.text(), "[########################]  10/10 targets  10/s"; got != want {
		t.Errorf("screen %q, want %q", got, want)
	}
	if n := strings.Count(scr.bytes(), "\r"); n != 10 {
		t.Errorf("%d draws for 10 ticks", n)
	}
}

// Through a stall, the ticker keeps redrawing: the rate falls and the
// time left grows.
func TestProgressRedrawsInStall(t *testing.T) {
	p, scr, clk := newTestProgress(false, ProgressOptions{Total: 100})
	clk.advance(time.Second)
	p.Add(50)
	p.tick()
	if want := "50/s  about 1s left"; !strings.HasSuffix(scr.text(), want) {
		t.Errorf("screen %q, want it to end %q", scr.text(), want)
	}
	clk.advance(9 * time.Second)
	p.tick()
	if want := "[############------------]   50/100  5/s  about 10s left"; scr.text() != want {
		t.Errorf("after a stall: screen %q, want %q", scr.text(), want)
	}
}

// Nothing is drawn before Delay, so that a quick run shows nothing, not
// even at Finish.
func TestProgressDelay(t *testing.T) {
	p, scr, clk := newTestProgress(false, ProgressOptions{Total: 3, Delay: time.Second})
	tick := make(chan time.Time)
	p.run(tick, func() {})
	clk.advance(500 * time.Millisecond)
	p.Add(3)
	tick <- time.Time{}
	tick <- time.Time{} // the first tick is done once the second is taken
	p.Finish()
	if scr.bytes() != "" {
		t.Errorf("a quick run drew %q", scr.bytes())
	}

	p, scr, clk = newTestProgress(false, ProgressOptions{Total: 3, Delay: time.Second})
	tick = make(chan time.Time)
	p.run(tick, func() {})
	clk.advance(1500 * time.Millisecond)
	p.Add(1)
	tick <- time.Time{}
	tick <- time.Time{}
	p.Add(2)
	p.Finish()
	// The final counts stay, on a line of their own.
	if got, want := scr.text(), "[########################]  3/3  2/s\n"; got != want {
		t.Errorf("screen %q, want %q", got, want)
	}
	p.Finish() // a second Finish does nothing
	if strings.Count(scr.bytes(), "\n") != 1 {
		t.Errorf("second Finish wrote: %q", scr.bytes())
	}
}

// When stdout is the terminal too, a record takes the line's place, and
// the line comes back only after the output has been quiet a while.
func TestProgressSharedTerminal(t *testing.T) {
	p, scr, clk := newTestProgress(true, ProgressOptions{Total: 10, Unit: "targets"})
	clk.advance(2 * time.Second)
	p.Add(1)
	p.tick()
	if !strings.HasPrefix(scr.text(), "[##") {
		t.Fatalf("no line: %q", scr.text())
	}
	p.Print(func() { scr.Write([]byte("REPORT 1\n")) })
	p.Inc()
	if got := scr.text(); got != "REPORT 1\n" {
		t.Errorf("the record did not take the line's place: %q", got)
	}
	clk.advance(progressEvery)
	p.tick()
	if got := scr.text(); got != "REPORT 1\n" {
		t.Errorf("line back while records flow: %q", got)
	}
	clk.advance(progressStall)
	p.tick()
	if got, want := scr.text(), "REPORT 1\n[####--------------------]   2/10 targets  1/s  about 13s left"; got != want {
		t.Errorf("after a stall: %q, want %q", got, want)
	}
}

// A line wider than the terminal would wrap, and a carriage return
// would then overwrite only its last row: it is cut to fit.
func TestProgressWidth(t *testing.T) {
	scr := &screen{}
	clk := &clock{t: time.Unix(0, 0)}
	p := newProgress(scr, 20, false, ProgressOptions{Total: 10}, clk.now)
	p.tick()
	if got := scr.text(); got != "[------------------" {
		t.Errorf("screen %q", got)
	}
}

// The display goes to stderr only when it is a terminal, and not when
// the command turns it off; it counts either way.
func TestStartProgress(t *testing.T) {
	ios, _, out, errOut := Test()
	p := ios.StartProgress(ProgressOptions{Total: 2})
	p.Inc()
	p.Print(func() { out.WriteString("x") })
	p.Finish()
	if errOut.Len() != 0 || p.Done() != 1 || out.String() != "x" {
		t.Errorf("stderr a pipe: stderr %q, done %d, stdout %q", errOut.String(), p.Done(), out.String())
	}

	ios, _, _, _ = Test()
	scr := &screen{}
	ios.ErrOut = scr
	ios.SetStderrTTY(true, 80)
	p = ios.StartProgress(ProgressOptions{Total: 2, Off: true})
	p.Inc()
	p.Finish()
	if scr.bytes() != "" {
		t.Errorf("turned off, yet drew %q", scr.bytes())
	}

	p = ios.StartProgress(ProgressOptions{Total: 2, Unit: "messages"})
	if !strings.HasPrefix(scr.text(), "[------------------------]  0/2 messages") {
		t.Errorf("no Delay: not drawn at once: %q", scr.text())
	}
	p.Add(2)
	p.Finish()
	if !strings.HasPrefix(scr.text(), "[########################]  2/2 messages") || !strings.HasSuffix(scr.text(), "\n") {
		t.Errorf("final line %q", scr.text())
	}
}

func TestStderrTTYOnPipe(t *testing.T) {
	ios, _, _, _ := Test()
	if ios.IsStderrTTY() || ios.StderrWidth() != 0 {
		t.Error("Test streams: stderr taken for a terminal")
	}
	ios.SetStderrTTY(true, 100)
	if !ios.IsStderrTTY() || ios.StderrWidth() != 100 || ios.IsStdoutTTY() {
		t.Error("stderr override ignored, or leaked to stdout")
	}
}
