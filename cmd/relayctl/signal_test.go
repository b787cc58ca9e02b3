//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Ctrl-C (SIGINT) and SIGTERM end a run that waits on stdin or a FIFO
// at once, with exit 3: the waits honour the root context, which the
// signals cancel. Each case runs the real program (the test binary as
// "relayctl", set up by TestMain) with nothing ever written to what it
// reads.
func TestSignalEndsWait(t *testing.T) {
	bin, err := exec.LookPath("relayctl")
	if err != nil {
		t.Fatalf("relayctl is not on PATH (TestMain puts it there): %v", err)
	}
	// fifo makes a named pipe; with a writer, one is kept open that
	// never writes, so that the program waits in read rather than in
	// open.
	fifo := func(t *testing.T, writer bool) string {
		p := filepath.Join(t.TempDir(), "fifo")
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Skipf("no FIFO here: %v", err)
		}
		if writer {
			// O_RDWR opens a FIFO without waiting for the other end.
			w, err := os.OpenFile(p, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { w.Close() })
		}
		return p
	}
	for _, c := range []struct {
		name string
		args func(t *testing.T) []string
		sig  syscall.Signal
	}{
		{"bounce parse -", func(*testing.T) []string { return []string{"bounce", "parse", "-"} }, syscall.SIGINT},
		{"bounce parse, no argument", func(*testing.T) []string { return []string{"bounce", "parse"} }, syscall.SIGTERM},
		{"bounce parse FIFO, no writer", func(t *testing.T) []string { return []string{"bounce", "parse", fifo(t, false)} }, syscall.SIGINT},
		{"bounce parse FIFO, silent writer", func(t *testing.T) []string { return []string{"bounce", "parse", fifo(t, true)} }, syscall.SIGTERM},
		{"blacklist ip -", func(*testing.T) []string {
			return []string{"blacklist", "ip", "-", "--resolver", "127.0.0.1:9"}
		}, syscall.SIGINT},
		{"blacklist ip --file FIFO", func(t *testing.T) []string {
			return []string{"blacklist", "ip", "--file", fifo(t, true), "--resolver", "127.0.0.1:9"}
		}, syscall.SIGTERM},
		{"send --body -", func(*testing.T) []string {
			return []string{"send", "--from", "ann@example.net", "--to", "bob@example.org", "--subject", "hi", "--body", "-", "--dry-run"}
		}, syscall.SIGTERM},
		{"send --batch FIFO, no writer", func(t *testing.T) []string {
			return []string{"send", "--from", "ann@example.net", "--batch", fifo(t, false), "--subject", "hi", "--body", "hi", "--dry-run"}
		}, syscall.SIGINT},
		{"send --batch FIFO, silent writer", func(t *testing.T) []string {
			return []string{"send", "--from", "ann@example.net", "--batch", fifo(t, true), "--subject", "hi", "--body", "hi", "--dry-run"}
		}, syscall.SIGTERM},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			args := c.args(t)
			// A signal that comes before the program has set up its
			// handling kills it (the default action): that says only
			// that it was slow to start (a loaded machine, -race), so
			// the case is tried again with a longer wait.
			for _, wait := range []time.Duration{700 * time.Millisecond, 3 * time.Second, 8 * time.Second} {
				if signalEndsWait(t, bin, args, c.sig, wait) {
					return
				}
				t.Logf("killed by %v after %v: not started yet, trying again", c.sig, wait)
			}
			t.Fatalf("killed by %v each time: the signal is not caught", c.sig)
		})
	}
}

// signalEndsWait runs relayctl with args, sends sig after wait and
// checks that it exits 3 at once. It returns false when the signal
// killed the program.
func signalEndsWait(t *testing.T, bin string, args []string, sig syscall.Signal, wait time.Duration) bool {
	t.Helper()
	cmd := exec.Command(bin, args...)
	// stdin is a pipe no one writes to and no one closes (as "relayctl
	// … -" at a shell prompt, waiting on the terminal, or on a producer
	// that has not started).
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	cmd.Stdin = r
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r.Close()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// It must not end by itself.
	select {
	case err := <-exited:
		t.Fatalf("ended before the signal: %v\n%s", err, stderr.String())
	case <-time.After(wait):
	}
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	select {
	case err = <-exited:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-exited
		t.Fatalf("still running 10s after %v\n%s", sig, stderr.String())
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v to end after %v", d, sig)
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return false
		}
	}
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("after %v: %v, want exit 3\n%s", sig, err, stderr.String())
	}
	if got := stderr.String(); !strings.Contains(got, "relayctl: interrupted") {
		t.Errorf("stderr %q does not say the run was interrupted", got)
	}
	return true
}
