package dnsbl

import (
	"context"
	"errors"
	"iter"
	"sync"

	"github.com/relayctl/relayctl/checks"
)

// window is how many targets Run keeps in progress: enough to keep
// Concurrency queries in flight, bounded so that memory stays flat.
func (c *Checker) window() int {
	if c.opt.Window > 0 {
		return c.opt.Window
	}
	n := len(c.lists)
	if n == 0 {
		n = 1
	}
	w := 4 * c.opt.Concurrency / n
	return min(max(w, 16), 4096)
}

// Run checks every target src yields and calls emit with each report in
// the order of src, as soon as it and every report before it are done.
// At most a window of targets is in progress or waiting to be emitted,
// so memory does not grow with the input. emit is called from one
// goroutine at a time. Run returns the first error src yields (after
// emitting the reports of the targets before it), or ctx's error when
// it stopped early.
func (c *Checker) Run(ctx context.Context, src iter.Seq2[Target, error], emit func(checks.Report)) error {
	w := c.window()
	// Long-lived workers ask the questions: a goroutine per question
	// would grow a fresh stack each time (the DNS layer's deepest calls
	// need more than a new goroutine has), which costs more than the
	// question itself in a bulk run.
	pool := make(chan func())
	var workers sync.WaitGroup
	for range c.opt.Concurrency {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for job := range pool {
				job()
			}
		}()
	}
	defer func() {
		close(pool)
		workers.Wait()
	}()
	slots := make(chan struct{}, w)
	order := make(chan chan checks.Report, w)
	emitted := make(chan struct{})
	go func() {
		defer close(emitted)
		for ch := range order {
			emit(<-ch)
			<-slots
		}
	}()
	var srcErr error
	for t, err := range src {
		if err != nil {
			srcErr = err
			break
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			srcErr = ctx.Err()
			break
		}
		ch := make(chan checks.Report, 1)
		order <- ch
		go func() { ch <- c.check(ctx, t, pool) }()
	}
	close(order)
	<-emitted
	return srcErr
}

// Targets flattens inputs into targets, one at a time. A bad line
// (*LineError) becomes a Target of its own, whose report says why; any
// other error ends the sequence.
func Targets(inputs iter.Seq2[Input, error]) iter.Seq2[Target, error] {
	return func(yield func(Target, error) bool) {
		for in, err := range inputs {
			var le *LineError
			if errors.As(err, &le) {
				if !yield(Target{Bad: le}, nil) {
					return
				}
				continue
			}
			if err != nil {
				yield(Target{}, err)
				return
			}
			for t := range in.All() {
				if !yield(t, nil) {
					return
				}
			}
		}
	}
}
