package message

import (
	"context"
	"io"
	"runtime"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/mailin"
)

// MaxInput is the size at which the input reader (mailin.Scan) cuts a
// message; it says so (mailin.Input.Truncated), in a file and in an mbox.
const MaxInput = mailin.MaxMessage

// RunOptions tune RunAll.
type RunOptions struct {
	Options
	// Workers is how many messages are checked at once; DefaultWorkers
	// when zero. A check mostly waits for DNS, so more than one per CPU
	// overlap their waits; with --zone the work is CPU and the extra
	// workers cost nothing.
	Workers int
}

// DefaultWorkers is RunAll's default: enough to overlap the DNS rounds
// of several messages, few enough that the messages held (twice as many)
// stay bounded.
const DefaultWorkers = 8

// RunAll checks every message of the inputs (files, Maildir folders,
// mboxes, "-" for stdin, read by mailin.Scan) and calls emit with each
// report in input order. An input that cannot be read, or is not a
// message, gets a report with Error set; the others still get theirs.
// At most 2×Workers messages are held at once, each at most MaxInput.
func RunAll(ctx context.Context, r dnsx.Resolver, inputs []string, stdin io.Reader, opt RunOptions, emit func(checks.Report)) error {
	workers := opt.Workers
	if workers <= 0 {
		workers = max(DefaultWorkers, runtime.GOMAXPROCS(0))
	}
	// Each message gets a slot for its report; the slots queue in input
	// order, so reports come out in order however long each takes.
	slots := make(chan chan checks.Report, 2*workers)
	sem := make(chan struct{}, workers)
	scanErr := make(chan error, 1)
	go func() {
		defer close(slots)
		scanErr <- mailin.Scan(ctx, inputs, stdin, func(in mailin.Input) error {
			slot := make(chan checks.Report, 1)
			select {
			case slots <- slot:
			case <-ctx.Done():
				return ctx.Err()
			}
			if in.Err != nil {
				slot <- unreadable(in.Source, in.Err)
				return nil
			}
			sem <- struct{}{}
			go func() {
				defer func() { <-sem }()
				m := Input{Source: in.Source, Data: in.Data, Truncated: in.Truncated}
				slot <- Check(ctx, r, m, opt.Options)
			}()
			return nil
		})
	}()
	for slot := range slots {
		emit(<-slot)
	}
	return <-scanErr
}

// unreadable is the report of an input that could not be read.
func unreadable(source string, err error) checks.Report {
	rep := checks.Report{SchemaVersion: checks.SchemaVersion, Command: Command, Target: source, Source: source, Started: time.Now(), Checks: []checks.Result{}, Error: checks.Message(err)}
	rep.Settle()
	return rep
}
