package send

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/relayctl/relayctl/report"
)

// stderrTTY reports whether stderr is a terminal (the progress bar's
// condition).
func (o *Options) stderrTTY() bool {
	if o.StderrTTY != nil {
		return *o.StderrTTY
	}
	f, ok := o.IO.ErrOut.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress draws one line on stderr, redrawn at most ten times a second:
//
//	[########------------]  812/2000  sent 810  rejected 1  failed 1  402/s
type progress struct {
	w       io.Writer
	total   int
	skipped int
	start   time.Time
	last    time.Time
}

func newProgress(w io.Writer, total, skipped int) *progress {
	return &progress{w: w, total: total, skipped: skipped, start: time.Now()}
}

func (p *progress) update(t report.SendTally) {
	if time.Since(p.last) < 100*time.Millisecond && t.Total() < p.total {
		return
	}
	p.last = time.Now()
	p.draw(t)
}

func (p *progress) draw(t report.SendTally) {
	const width = 24
	n := t.Total()
	filled := 0
	if p.total > 0 {
		filled = n * width / p.total
	}
	rate := float64(n) / max(time.Since(p.start).Seconds(), 1e-3)
	line := fmt.Sprintf("[%s%s] %*d/%d  sent %d", strings.Repeat("#", filled), strings.Repeat("-", width-filled),
		len(fmt.Sprint(p.total)), n, p.total, t.Sent)
	if t.Rejected > 0 {
		line += fmt.Sprintf("  rejected %d", t.Rejected)
	}
	if t.Failed > 0 {
		line += fmt.Sprintf("  failed %d", t.Failed)
	}
	if t.Unknown > 0 {
		line += fmt.Sprintf("  unknown %d", t.Unknown)
	}
	if p.skipped > 0 {
		line += fmt.Sprintf("  (skipped %d done)", p.skipped)
	}
	line += fmt.Sprintf("  %.0f/s", rate)
	fmt.Fprintf(p.w, "\r\x1b[K%s", line)
}

// finish draws the last state and ends the line.
func (p *progress) finish(t report.SendTally) {
	p.draw(t)
	fmt.Fprintln(p.w)
}
