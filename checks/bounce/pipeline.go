package bounce

import (
	"context"
	"io"
	"runtime"
	"sync"
)

// Item is one message after parsing, delivered in input order.
type Item struct {
	Source string
	Result Result
	// Err is set when the input could not be read at all (it wraps
	// ErrUnreadable); Result is empty then.
	Err error
	// Size is the message's size in bytes.
	Size int
}

// Options tune Run.
type Options struct {
	// Workers is the number of messages parsed at once; 0 means one per
	// CPU.
	Workers int

	// onRead, when set (by tests), is called for each message read.
	onRead func()
}

type seqItem struct {
	seq  int
	item Item
}

type job struct {
	seq int
	in  Input
}

// Run reads the inputs (see Scan), parses the messages on all cores and
// calls out with each in input order. At most a few messages per worker
// are held at any time, so memory stays bounded by the largest message
// whatever the size of an mbox. Run returns when everything is done, ctx
// is cancelled (ctx.Err()) or out returns an error (that error).
func Run(ctx context.Context, inputs []string, stdin io.Reader, opt Options, out func(Item) error) error {
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// slots bounds the messages read but not yet handed to out.
	slots := make(chan struct{}, workers*4)
	jobs := make(chan job, workers)
	results := make(chan seqItem, workers)
	var scanErr error
	scanDone := make(chan struct{})
	// Run never returns while the reader still runs: it may hold a file
	// open, and scanErr is only read once it is done.
	defer func() {
		cancel()
		<-scanDone
	}()
	go func() {
		defer close(scanDone)
		defer close(jobs)
		seq := 0
		scanErr = Scan(ctx, inputs, stdin, func(in Input) error {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return ctx.Err()
			}
			if opt.onRead != nil {
				opt.onRead()
			}
			select {
			case jobs <- job{seq: seq, in: in}:
			case <-ctx.Done():
				return ctx.Err()
			}
			seq++
			return nil
		})
	}()

	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				it := Item{Source: j.in.Source, Err: j.in.Err, Size: len(j.in.Data)}
				if j.in.Err == nil {
					it.Result = Parse(j.in.Data)
				}
				select {
				case results <- seqItem{j.seq, it}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	pending := map[int]Item{}
	next := 0
	var outErr error
	for r := range results {
		if outErr != nil {
			continue
		}
		pending[r.seq] = r.item
		for {
			x, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			err := out(x)
			// The slot is freed only once out is done with the message, so
			// the one being handled counts against the bound too.
			<-slots
			if err != nil {
				outErr = err
				cancel()
				break
			}
		}
	}
	if outErr != nil {
		return outErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	<-scanDone
	if scanErr != nil && scanErr != context.Canceled {
		return scanErr
	}
	return nil
}
