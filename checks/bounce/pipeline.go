package bounce

import (
	"context"
	"io"
	"runtime"
	"sync"

	"github.com/relayctl/relayctl/checks/mailin"
)

// Item is one message after parsing, delivered in input order.
type Item struct {
	Source string
	Result Result
	// Err is set when the input could not be read at all (it wraps
	// mailin.ErrUnreadable); Result is empty then.
	Err error
	// Size is the message's size in bytes.
	Size int
}

// Options tune Run.
type Options struct {
	// Workers is the number of messages parsed at once; 0 means one per
	// CPU.
	Workers int

	// Idle, when set, is called on out's goroutine whenever every message
	// parsed so far has been handed to out and the next is not ready
	// yet: a caller that buffers its output flushes it then, so that
	// nothing waits in a buffer while Run waits for input. An error
	// stops Run like one from out.
	Idle func() error

	// onRead, when set (by tests), is called for each message read.
	onRead func()
}

// A batch is a run of consecutive messages parsed by one worker. Messages
// travel between the reader, the workers and the output in batches, so
// that the goroutines hand over (and wake each other) once per batch
// rather than once per message: per message, at tens of thousands a
// second, the handovers cost more than a core's worth of scheduling.
type batch struct {
	seq   int
	ins   []mailin.Input
	items []Item
}

// A batch is sent on when it holds batchMessages messages or batchBytes
// bytes, or at once when the workers have nothing queued (so a slow
// input, such as a pipe, is not held back waiting for more).
const (
	batchMessages = 64
	batchBytes    = 256 << 10
)

// batchesPerWorker bounds the batches read but not yet handed to out.
const batchesPerWorker = 2

// Run reads the inputs (mailin.Scan), parses the messages on all cores and
// calls out with each in input order. Messages go in batches (at most
// batchMessages, batchBytes unless one message is larger), and at most
// batchesPerWorker batches per worker are held at any time (plus the one
// being read), so memory stays bounded by the largest message whatever
// the size of an mbox. Run returns when everything is done, ctx is
// cancelled (ctx.Err()) or out returns an error (that error).
func Run(ctx context.Context, inputs []string, stdin io.Reader, opt Options, out func(Item) error) error {
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// slots bounds the batches read but not yet handed to out.
	slots := make(chan struct{}, workers*batchesPerWorker)
	jobs := make(chan *batch, workers)
	// Every batch in flight holds a slot, so sending a result never waits.
	results := make(chan *batch, cap(slots))
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
		var cur *batch
		size, seq := 0, 0
		send := func() error {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return ctx.Err()
			}
			select {
			case jobs <- cur:
			case <-ctx.Done():
				return ctx.Err()
			}
			cur, size = nil, 0
			return nil
		}
		scanErr = mailin.Scan(ctx, inputs, stdin, func(in mailin.Input) error {
			if opt.onRead != nil {
				opt.onRead()
			}
			if cur == nil {
				cur = &batch{seq: seq, ins: make([]mailin.Input, 0, batchMessages)}
				seq++
			}
			cur.ins = append(cur.ins, in)
			size += len(in.Data)
			if len(cur.ins) >= batchMessages || size >= batchBytes || len(jobs) == 0 {
				return send()
			}
			return nil
		})
		if cur != nil && scanErr == nil {
			scanErr = send()
		}
	}()

	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range jobs {
				b.items = make([]Item, len(b.ins))
				for i, in := range b.ins {
					it := Item{Source: in.Source, Err: in.Err, Size: len(in.Data)}
					if in.Err == nil {
						it.Result = Parse(in.Data)
						// Parse keeps no reference to the message.
						mailin.Release(in.Data)
					}
					b.items[i] = it
				}
				b.ins = nil
				results <- b
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	pending := map[int]*batch{}
	next := 0
	var outErr error
	for {
		var r *batch
		var ok bool
		select {
		case r, ok = <-results:
		default:
			if opt.Idle != nil && outErr == nil {
				if err := opt.Idle(); err != nil {
					outErr = err
					cancel()
				}
			}
			r, ok = <-results
		}
		if !ok {
			break
		}
		if outErr != nil {
			continue
		}
		pending[r.seq] = r
		for outErr == nil {
			b, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			for _, it := range b.items {
				if err := out(it); err != nil {
					outErr = err
					cancel()
					break
				}
			}
			// The slot is freed only once out is done with the batch, so
			// the one being handled counts against the bound too.
			<-slots
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
