//go:build unix

package mailin

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A named pipe given as an input is read like a file; waiting for its
// writer, or for its data, ends when ctx is done, as ctx.Err() rather
// than an input that could not be read.
func TestScanFIFO(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	msg := fixture(t, "exim-mailboxfull.eml")
	go func() {
		w, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			t.Error(err)
			return
		}
		w.Write(msg)
		w.Close()
	}()
	got := scanAll(t, []string{p}, nil)
	if len(got) != 1 || string(got[0].Data) != string(msg) {
		t.Fatalf("FIFO: %d inputs", len(got))
	}

	for _, writer := range []bool{false, true} {
		if writer {
			// A writer that never writes: the wait is in read, not open.
			w, err := os.OpenFile(p, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
		}
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		var ins []Input
		done := make(chan error, 1)
		go func() {
			done <- Scan(ctx, []string{p}, nil, func(in Input) error { ins = append(ins, in); return nil })
		}()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) || len(ins) != 0 {
				t.Errorf("writer %v: %v, %d inputs; want context.Canceled and none", writer, err, len(ins))
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("writer %v: still waiting 5s after cancel", writer)
		}
	}
}
