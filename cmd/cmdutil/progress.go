package cmdutil

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// ProgressOptions describe a run for its progress display.
type ProgressOptions struct {
	// Total is how many items the run will do; 0 when not known (a list
	// read from stdin): the line then shows no bar and no time left.
	Total int
	// Unit names the items ("targets"); may be empty when the counters
	// say it ("sent 12").
	Unit string
	// Counters are names shown after the count, in this order, each
	// only once it is not zero ("sent", "rejected", "retries").
	Counters []string
	// Delay holds back the first drawing, so that a quick run shows
	// nothing; with 0 the line is drawn at once.
	Delay time.Duration
	// Off turns the display off whatever stderr is (--no-progress, a
	// verbose transcript on stderr).
	Off bool
}

// Progress is the one progress display of a long run: a line on stderr,
// drawn only when stderr is a terminal. It is redrawn in place at a steady
// pace by a ticker, so that it keeps moving (rate, time left) through a
// stall, and overwritten rather than erased, so that it does not flicker.
// When stdout is the same terminal, records printed through Print take the
// line's place, and the line comes back only after a stall in the output.
//
// Its methods are safe for concurrent use. A Progress that is off still
// counts (Done), so that a command can say how far it got.
type Progress struct {
	w         io.Writer // nil when off
	width     int
	stdoutTTY bool
	o         ProgressOptions
	now       func() time.Time

	mu        sync.Mutex
	start     time.Time
	lastPrint time.Time
	done      int
	counts    map[string]int
	names     []string
	shown     bool // the line is on the screen now
	drawn     bool // the line was drawn at least once
	stop      chan struct{}
	wg        sync.WaitGroup
}

const (
	// progressEvery is the redraw pace.
	progressEvery = 200 * time.Millisecond
	// progressStall is how long stdout, when it is the terminal too, must
	// be quiet before the line comes back.
	progressStall = time.Second
	// progressBar is the width of the bar, in cells.
	progressBar = 24
)

// StartProgress starts the progress display of a run. It draws on stderr
// only when stderr is a terminal and o.Off is false; otherwise it only
// counts. Call Finish when the run is over.
func (s *IOStreams) StartProgress(o ProgressOptions) *Progress {
	var w io.Writer
	if !o.Off && s.IsStderrTTY() {
		w = s.ErrOut
	}
	p := newProgress(w, s.StderrWidth(), s.IsStdoutTTY(), o, time.Now)
	if w != nil {
		t := time.NewTicker(progressEvery)
		p.run(t.C, t.Stop)
	}
	return p
}

func newProgress(w io.Writer, width int, stdoutTTY bool, o ProgressOptions, now func() time.Time) *Progress {
	p := &Progress{w: w, width: width, stdoutTTY: stdoutTTY, o: o, now: now, counts: map[string]int{}, stop: make(chan struct{})}
	p.names = append(p.names, o.Counters...)
	p.start = now()
	return p
}

// run redraws the line on every tick until Finish; with no Delay it draws
// at once.
func (p *Progress) run(tick <-chan time.Time, stopTicker func()) {
	if p.o.Delay <= 0 {
		p.mu.Lock()
		p.draw()
		p.mu.Unlock()
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		defer stopTicker()
		for {
			select {
			case <-p.stop:
				return
			case <-tick:
				p.tick()
			}
		}
	}()
}

func (p *Progress) tick() {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if now.Sub(p.start) < p.o.Delay {
		return
	}
	if p.stdoutTTY && !p.shown && now.Sub(p.lastPrint) < progressStall {
		return
	}
	p.draw()
}

// Add counts n more items done.
func (p *Progress) Add(n int) {
	p.mu.Lock()
	p.done += n
	p.mu.Unlock()
}

// Inc counts one more item done.
func (p *Progress) Inc() { p.Add(1) }

// Set sets the counter name to n (a name not in Counters goes after
// them).
func (p *Progress) Set(name string, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.counts[name]; !ok && !p.known(name) {
		p.names = append(p.names, name)
	}
	p.counts[name] = n
}

func (p *Progress) known(name string) bool {
	for _, n := range p.names {
		if n == name {
			return true
		}
	}
	return false
}

// SetRetries sets the "retries" counter.
func (p *Progress) SetRetries(n int) { p.Set("retries", n) }

// Done is the number of items counted so far.
func (p *Progress) Done() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.done
}

// Print runs print, which writes a record to stdout, without the two
// mixing: when stdout is the terminal too, the line is erased first and
// left off until the output stalls; when stdout goes elsewhere the line
// stays where it is.
func (p *Progress) Print(print func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.w != nil && p.stdoutTTY && p.shown {
		io.WriteString(p.w, "\r\x1b[K")
		p.shown = false
	}
	print()
	p.lastPrint = p.now()
}

// Finish stops the display. A line that was drawn is drawn a last time
// with the final counts and ended, so that they stay on the screen.
func (p *Progress) Finish() {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	select {
	case <-p.stop:
		p.mu.Unlock()
		return // finished already
	default:
		close(p.stop)
	}
	p.mu.Unlock()
	p.wg.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		p.draw()
		io.WriteString(p.w, "\n")
		p.shown = false
	}
}

// draw writes the line over the one on the screen: the new text from the
// start of the line, then an erase of what is left of the old. p.mu is
// held.
func (p *Progress) draw() {
	line := p.line()
	if p.width > 1 && len(line) >= p.width {
		// A line that wraps cannot be overwritten by a carriage return.
		line = line[:p.width-1]
	}
	io.WriteString(p.w, "\r"+line+"\x1b[K")
	p.shown, p.drawn = true, true
}

// line is the text of the display (ASCII only, so that its length is its
// width):
//
//	[############------------]  812/2000 messages  sent 810  failed 2  402/s  about 3s left
//	812 targets  402/s
func (p *Progress) line() string {
	var b strings.Builder
	n, total := p.done, p.o.Total
	if total > 0 {
		filled := min(n, total) * progressBar / total
		fmt.Fprintf(&b, "[%s%s]  %*d/%d", strings.Repeat("#", filled), strings.Repeat("-", progressBar-filled), len(fmt.Sprint(total)), n, total)
	} else {
		fmt.Fprintf(&b, "%d", n)
	}
	if p.o.Unit != "" {
		b.WriteString(" " + p.o.Unit)
	}
	for _, name := range p.names {
		if c := p.counts[name]; c != 0 {
			fmt.Fprintf(&b, "  %s %d", name, c)
		}
	}
	elapsed := max(p.now().Sub(p.start), time.Millisecond)
	rate := float64(n) / elapsed.Seconds()
	fmt.Fprintf(&b, "  %.0f/s", rate)
	if total > 0 && n > 0 && n < total {
		left := time.Duration(float64(total-n) / rate * float64(time.Second))
		fmt.Fprintf(&b, "  about %s left", left.Round(time.Second))
	}
	return b.String()
}
