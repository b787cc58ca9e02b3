package blacklist

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// progress draws one status line on stderr (a terminal) while a long run
// goes on, and erases it before each report is printed so that the two
// never mix on a shared screen.
type progress struct {
	w     io.Writer
	total uint64
	start time.Time
	done  atomic.Uint64
	on    bool

	mu    sync.Mutex
	shown bool
	stop  chan struct{}
	wg    sync.WaitGroup
}

const (
	progressAfter = time.Second
	progressEvery = 200 * time.Millisecond
)

func startProgress(w io.Writer, total uint64, on bool) *progress {
	p := &progress{w: w, total: total, start: time.Now(), on: on, stop: make(chan struct{})}
	if !on {
		return p
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				if time.Since(p.start) >= progressAfter {
					p.draw()
				}
			}
		}
	}()
	return p
}

func (p *progress) line() string {
	n := p.done.Load()
	el := time.Since(p.start)
	rate := float64(n) / el.Seconds()
	if p.total == 0 {
		return fmt.Sprintf("checked %d targets, %.0f/s", n, rate)
	}
	s := fmt.Sprintf("checked %d of %d targets (%.1f%%), %.0f/s", n, p.total, 100*float64(n)/float64(p.total), rate)
	if rate > 0 && n < p.total {
		left := time.Duration(float64(p.total-n)/rate) * time.Second
		s += ", about " + left.Round(time.Second).String() + " left"
	}
	return s
}

func (p *progress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "\r\x1b[K%s", p.line())
	p.shown = true
}

func (p *progress) clear() {
	if p.shown {
		io.WriteString(p.w, "\r\x1b[K")
		p.shown = false
	}
}

// around runs print (a report going to stdout) with the line erased.
func (p *progress) around(print func()) {
	p.mu.Lock()
	p.clear()
	print()
	p.mu.Unlock()
	p.done.Add(1)
}

func (p *progress) count() uint64 { return p.done.Load() }

// finish stops drawing and erases the line.
func (p *progress) finish() {
	if !p.on {
		return
	}
	close(p.stop)
	p.wg.Wait()
	p.mu.Lock()
	p.clear()
	p.mu.Unlock()
}
