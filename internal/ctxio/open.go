package ctxio

import (
	"context"
	"io/fs"
	"os"
	"time"
)

// Open opens a file for reading like os.Open, except that opening a
// named pipe (FIFO), which waits until a writer opens it too, returns
// ctx.Err() when ctx is done first. Read what it returns through Reader
// so that the reads honour ctx as well.
func Open(ctx context.Context, path string) (*os.File, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode()&fs.ModeNamedPipe == 0 {
		return os.Open(path)
	}
	type opened struct {
		f   *os.File
		err error
	}
	done := make(chan opened, 1)
	go func() {
		f, err := os.Open(path)
		done <- opened{f, err}
	}()
	select {
	case o := <-done:
		return o.f, o.err
	case <-ctx.Done():
	}
	// The goroutine waits in open(2) for a writer: be that writer for a
	// moment, so that it returns and the file is closed, rather than
	// leave a thread blocked. The nudge is retried while the goroutine
	// may not have reached open(2) yet (no reader: ENXIO).
	deadline := time.Now().Add(time.Second)
	for {
		select {
		case o := <-done:
			if o.f != nil {
				o.f.Close()
			}
			return nil, ctx.Err()
		default:
		}
		if time.Now().After(deadline) {
			return nil, ctx.Err()
		}
		nudgeFIFO(path)
		time.Sleep(5 * time.Millisecond)
	}
}
