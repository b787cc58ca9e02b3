package report

import (
	"io"
	"sync"

	"github.com/relayctl/relayctl/checks"
)

// document is the part the whole-document formats (JUnit, SARIF,
// Markdown) share: they hold every report until Close, because each is one
// document with totals at its top, then render them all at once. Memory
// grows with the number of targets (docs/ci.md says so).
type document struct {
	w      io.Writer
	opt    Options
	render func(w io.Writer, opt Options, reps []checks.Report) error
	mu     sync.Mutex
	reps   []checks.Report
}

func (d *document) Write(rep checks.Report) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.reps = append(d.reps, normalize(rep))
	return nil
}

func (d *document) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.render(d.w, d.opt, d.reps)
}
