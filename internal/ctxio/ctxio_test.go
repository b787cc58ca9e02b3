//go:build unix

package ctxio

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// blockingPipe returns a pipe left in blocking mode, as a shell hands
// one to a program as its standard input: the poller does not watch it.
func blockingPipe(t *testing.T) (r, w *os.File) {
	t.Helper()
	var fds [2]int
	if err := syscall.Pipe(fds[:]); err != nil {
		t.Fatal(err)
	}
	r, w = os.NewFile(uintptr(fds[0]), "pipe-r"), os.NewFile(uintptr(fds[1]), "pipe-w")
	t.Cleanup(func() { r.Close(); w.Close() })
	return r, w
}

func fifo(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	return p
}

// cancelsWhileBlocked reads r in a goroutine, cancels ctx once the read
// has had time to block, and wants ctx.Err() back promptly.
func cancelsWhileBlocked(t *testing.T, ctx context.Context, cancel context.CancelFunc, r io.Reader) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := r.Read(make([]byte, 100))
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("Read returned %v before anything was written or cancelled", err)
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Read after cancel: %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Read still blocked 5s after cancel")
	}
}

func TestReaderKinds(t *testing.T) {
	reg := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(reg, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(reg)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	br, _ := blockingPipe(t)
	ipr, _ := io.Pipe()
	for _, c := range []struct {
		name string
		r    io.Reader
		want any
	}{
		{"buffer", &bytes.Buffer{}, &checked{}},
		{"regular file", f, &checked{}},
		{"polled pipe", pr, &deadlined{}},
		{"blocking pipe", br, &pumped{}},
		{"other reader", ipr, &pumped{}},
	} {
		got := Reader(t.Context(), c.r)
		if gt, wt := typeName(got), typeName(c.want); gt != wt {
			t.Errorf("%s: %s, want %s", c.name, gt, wt)
		}
	}
}

func typeName(v any) string {
	switch v.(type) {
	case *checked:
		return "checked"
	case *deadlined:
		return "deadlined"
	case *pumped:
		return "pumped"
	}
	return "?"
}

// Every kind of reader passes the bytes through as they are, in small
// and large reads.
func TestReaderData(t *testing.T) {
	data := bytes.Repeat([]byte("line one\r\nline two\rthree\n"), 20000) // ~500 KB, several pump chunks
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	br, bw := blockingPipe(t)
	for _, c := range []struct {
		name string
		r    io.Reader
		w    io.WriteCloser
	}{
		{"buffer", bytes.NewBuffer(data), nil},
		{"polled pipe", pr, pw},
		{"blocking pipe", br, bw},
	} {
		if c.w != nil {
			go func() {
				c.w.Write(data)
				c.w.Close()
			}()
		}
		got, err := io.ReadAll(Reader(t.Context(), c.r))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s: %d bytes (%v), want the %d written", c.name, len(got), err, len(data))
		}
	}
}

func TestReaderCancelPolledPipe(t *testing.T) {
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancelsWhileBlocked(t, ctx, cancel, Reader(ctx, pr))
}

func TestReaderCancelBlockingPipe(t *testing.T) {
	br, _ := blockingPipe(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancelsWhileBlocked(t, ctx, cancel, Reader(ctx, br))
}

func TestReaderCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Reader(ctx, strings.NewReader("x")).Read(make([]byte, 1)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// Opening a FIFO no one writes to waits; cancelling ends the wait.
func TestOpenFIFOCancel(t *testing.T) {
	p := fifo(t)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		f, err := Open(ctx, p)
		if f != nil {
			f.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("Open returned %v with no writer", err)
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Open after cancel: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Open still blocked 5s after cancel")
	}
}

// A FIFO whose writer is there but silent: the read waits, and
// cancelling ends it. With a writer that writes, the data comes through.
func TestOpenFIFORead(t *testing.T) {
	p := fifo(t)
	w := make(chan *os.File, 1)
	go func() {
		f, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			t.Error(err)
		}
		w <- f
	}()
	f, err := Open(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	wf := <-w
	defer wf.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancelsWhileBlocked(t, ctx, cancel, Reader(ctx, f))

	p2 := fifo(t)
	go func() {
		f, err := os.OpenFile(p2, os.O_WRONLY, 0)
		if err != nil {
			t.Error(err)
			return
		}
		f.Write([]byte("hello\r\n"))
		f.Close()
	}()
	f2, err := Open(t.Context(), p2)
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	got, err := io.ReadAll(Reader(t.Context(), f2))
	if err != nil || string(got) != "hello\r\n" {
		t.Errorf("FIFO data %q (%v)", got, err)
	}
}

func TestOpenRegular(t *testing.T) {
	if _, err := Open(t.Context(), filepath.Join(t.TempDir(), "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}
