package cmdutil

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/relayctl/relayctl/internal/ctxio"
)

// Stdin returns standard input for a command that is about to read it.
// Its Read returns ctx.Err() as soon as ctx is done (Ctrl-C, SIGTERM),
// also while it waits on a terminal, a pipe or a FIFO. When stdin is a
// terminal it says once, on stderr, what it is waiting for: what names
// it ("messages", "addresses").
//
// Commands read stdin through it, never through In directly, so that no
// wait ignores Ctrl-C.
func (s *IOStreams) Stdin(ctx context.Context, what string) io.Reader {
	if s.IsStdinTTY() && !s.stdinNoticed {
		s.stdinNoticed = true
		fmt.Fprintf(s.ErrOut, "relayctl: reading %s from standard input (Ctrl-D to end)…\n", what)
	}
	in := s.In
	if in == nil {
		in = eofReader{}
	}
	return ctxio.Reader(ctx, in)
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// OpenFile opens a file a flag names (--batch FILE, --file FILE) for
// reading. Opening a named pipe waits for its writer, and reading it
// (through r) for data, only until ctx is done: then they return
// ctx.Err(). f is the file itself, to Stat, Seek and Close.
func OpenFile(ctx context.Context, path string) (f *os.File, r io.Reader, err error) {
	f, err = ctxio.Open(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	return f, ctxio.Reader(ctx, f), nil
}

// ReadFile reads a whole file a flag names (@FILE) like os.ReadFile,
// except that waiting on a named pipe or a process substitution ends
// with ctx.Err() when ctx is done.
func ReadFile(ctx context.Context, path string) ([]byte, error) {
	f, r, err := OpenFile(ctx, path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(r)
}
