package cmdutil

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams are the streams a command reads and writes, injected so that
// tests can run a command with stdout and stderr as a terminal or as a
// pipe. They own the one progress display (StartProgress), which goes to
// stderr when stderr is a terminal.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// Getenv reads the environment (os.Getenv for the real program).
	Getenv func(string) string

	stdoutTTY   *bool // set by SetStdoutTTY; nil means detect
	stdoutWidth int   // set by SetStdoutTTY; 0 means detect
	stderrTTY   *bool // set by SetStderrTTY; nil means detect
	stderrWidth int   // set by SetStderrTTY; 0 means detect
	stdinTTY    *bool // set by SetStdinTTY; nil means detect

	stdinNoticed bool // Stdin has said it waits on the terminal
}

// System returns the process's own streams.
func System() *IOStreams {
	return &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, Getenv: os.Getenv}
}

// Test returns streams backed by buffers, stdout and stderr not
// terminals and an empty environment.
func Test() (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	ios = &IOStreams{In: in, Out: out, ErrOut: errOut, Getenv: func(string) string { return "" }}
	ios.SetStdoutTTY(false, 0)
	ios.SetStderrTTY(false, 0)
	ios.SetStdinTTY(false)
	return ios, in, out, errOut
}

// SetStdoutTTY overrides terminal detection: tests use it to see what a
// person at a terminal of the given width would get.
func (s *IOStreams) SetStdoutTTY(tty bool, width int) {
	s.stdoutTTY = &tty
	s.stdoutWidth = width
}

// SetStderrTTY overrides terminal detection for stderr, where the
// progress display goes.
func (s *IOStreams) SetStderrTTY(tty bool, width int) {
	s.stderrTTY = &tty
	s.stderrWidth = width
}

// SetStdinTTY overrides terminal detection for stdin.
func (s *IOStreams) SetStdinTTY(tty bool) {
	s.stdinTTY = &tty
}

// IsStdinTTY reports whether stdin is a terminal.
func (s *IOStreams) IsStdinTTY() bool {
	if s.stdinTTY != nil {
		return *s.stdinTTY
	}
	f, ok := s.In.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func (s *IOStreams) getenv(k string) string {
	if s.Getenv == nil {
		return ""
	}
	return s.Getenv(k)
}

// terminal reports whether w is a terminal and its width (0 when
// unknown). An override (tty not nil) wins over detection.
func terminal(w io.Writer, tty *bool, width int) (bool, int) {
	if tty != nil {
		return *tty, width
	}
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return false, 0
	}
	wd, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return true, 0
	}
	return true, wd
}

// IsStdoutTTY reports whether stdout is a terminal.
func (s *IOStreams) IsStdoutTTY() bool {
	tty, _ := terminal(s.Out, s.stdoutTTY, s.stdoutWidth)
	return tty
}

// TerminalWidth is the width of the terminal on stdout, 0 when unknown or
// not a terminal.
func (s *IOStreams) TerminalWidth() int {
	_, w := terminal(s.Out, s.stdoutTTY, s.stdoutWidth)
	return w
}

// IsStderrTTY reports whether stderr is a terminal.
func (s *IOStreams) IsStderrTTY() bool {
	tty, _ := terminal(s.ErrOut, s.stderrTTY, s.stderrWidth)
	return tty
}

// StderrWidth is the width of the terminal on stderr, 0 when unknown or
// not a terminal.
func (s *IOStreams) StderrWidth() int {
	_, w := terminal(s.ErrOut, s.stderrTTY, s.stderrWidth)
	return w
}

// ColorEnabled says whether output may carry colour: stdout is a
// terminal, the user did not pass --no-color, NO_COLOR is unset or empty
// (https://no-color.org) and the terminal is not "dumb".
func (s *IOStreams) ColorEnabled(noColorFlag bool) bool {
	if noColorFlag || s.getenv("NO_COLOR") != "" || s.getenv("TERM") == "dumb" {
		return false
	}
	return s.IsStdoutTTY()
}
