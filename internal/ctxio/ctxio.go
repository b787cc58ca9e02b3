// Package ctxio makes the waits of reading standard input, pipes and
// named pipes (FIFOs) end when a context is done.
//
// A read on a terminal or a pipe blocks until the other end writes or
// closes it, and opening a FIFO blocks until a writer opens it too; none
// of these returns because a context was cancelled. Reader and Open wrap
// them so that Ctrl-C (or SIGTERM, which cancels the command's context)
// ends the wait with ctx.Err():
//
//   - a file the runtime's poller watches (a pipe or FIFO opened by this
//     process, a socket) gets a read deadline in the past when ctx is
//     done, which returns the blocked Read at once;
//   - a file it does not watch (a terminal, or a pipe inherited as
//     standard input, which is left in blocking mode) is read by a
//     goroutine, one Read at a time: when ctx is done, Read returns and
//     the goroutine stays blocked until the process exits;
//   - a regular file or an in-memory reader never blocks: ctx is checked
//     before each Read.
package ctxio

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"time"
)

// Reader returns a reader of r whose Read returns ctx.Err() once ctx is
// done, also while it waits for data.
func Reader(ctx context.Context, r io.Reader) io.Reader {
	switch r := r.(type) {
	case *bytes.Buffer, *bytes.Reader, *strings.Reader:
		return &checked{ctx: ctx, r: r}
	case *os.File:
		if st, err := r.Stat(); err == nil && st.Mode().IsRegular() {
			return &checked{ctx: ctx, r: r}
		}
		// SetReadDeadline fails (os.ErrNoDeadline) on a file the poller
		// does not watch.
		if r.SetReadDeadline(time.Time{}) == nil {
			context.AfterFunc(ctx, func() { r.SetReadDeadline(time.Unix(1, 0)) })
			return &deadlined{ctx: ctx, f: r}
		}
	}
	return &pumped{ctx: ctx, r: r}
}

// checked is a reader that never blocks: ctx is checked before each Read.
type checked struct {
	ctx context.Context
	r   io.Reader
}

func (c *checked) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// deadlined is a polled file whose read deadline is set in the past when
// ctx is done.
type deadlined struct {
	ctx context.Context
	f   *os.File
}

func (d *deadlined) Read(p []byte) (int, error) {
	if err := d.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := d.f.Read(p)
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) && d.ctx.Err() != nil {
		return n, d.ctx.Err()
	}
	return n, err
}

// pumped reads r in a goroutine, one Read at a time into a buffer of its
// own, so that the caller's Read can return when ctx is done while the
// goroutine still waits.
type pumped struct {
	ctx context.Context
	r   io.Reader
	buf []byte
	res chan pumpResult
}

type pumpResult struct {
	n   int
	err error
}

// pumpChunk bounds one read of the goroutine.
const pumpChunk = 64 << 10

func (p *pumped) Read(b []byte) (int, error) {
	if err := p.ctx.Err(); err != nil {
		return 0, err
	}
	if len(b) == 0 {
		return 0, nil
	}
	if p.res == nil {
		p.buf = make([]byte, pumpChunk)
		p.res = make(chan pumpResult, 1)
	}
	buf := p.buf[:min(len(b), len(p.buf))]
	go func() {
		n, err := p.r.Read(buf)
		p.res <- pumpResult{n, err}
	}()
	select {
	case r := <-p.res:
		return copy(b, buf[:r.n]), r.err
	case <-p.ctx.Done():
		// The goroutine keeps buf: Read is never called again with
		// any effect, every later call returns ctx.Err() first.
		return 0, p.ctx.Err()
	}
}
