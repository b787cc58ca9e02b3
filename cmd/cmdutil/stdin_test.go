package cmdutil

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestStdinNotice(t *testing.T) {
	ios, in, _, errOut := Test()
	in.WriteString("192.0.2.1\n")
	b, err := io.ReadAll(ios.Stdin(t.Context(), "targets"))
	if err != nil || string(b) != "192.0.2.1\n" {
		t.Errorf("read %q, %v", b, err)
	}
	if errOut.Len() != 0 {
		t.Errorf("stdin not a terminal, yet stderr says %q", errOut)
	}
	ios.SetStdinTTY(true)
	ios.Stdin(t.Context(), "messages")
	ios.Stdin(t.Context(), "messages")
	want := "relayctl: reading messages from standard input (Ctrl-D to end)…\n"
	if errOut.String() != want {
		t.Errorf("stderr %q, want %q once", errOut, want)
	}
}

func TestStdinCancelled(t *testing.T) {
	ios, in, _, _ := Test()
	in.WriteString("x")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := ios.Stdin(ctx, "x").Read(make([]byte, 1)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	ios.In = nil
	if b, err := io.ReadAll(ios.Stdin(t.Context(), "x")); err != nil || len(b) != 0 {
		t.Errorf("no stdin: %q, %v", b, err)
	}
}

func TestReadFile(t *testing.T) {
	if _, err := ReadFile(t.Context(), "/nonexistent/x"); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: %v", err)
	}
}
