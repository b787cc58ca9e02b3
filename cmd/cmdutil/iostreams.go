package cmdutil

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams are the streams a command reads and writes, injected so that
// tests can run a command with stdout as a terminal or as a pipe.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// Getenv reads the environment (os.Getenv for the real program).
	Getenv func(string) string

	stdoutTTY   *bool // set by SetStdoutTTY; nil means detect
	stdoutWidth int   // set by SetStdoutTTY; 0 means detect
}

// System returns the process's own streams.
func System() *IOStreams {
	return &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, Getenv: os.Getenv}
}

// Test returns streams backed by buffers, stdout not a terminal and an
// empty environment.
func Test() (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	ios = &IOStreams{In: in, Out: out, ErrOut: errOut, Getenv: func(string) string { return "" }}
	ios.SetStdoutTTY(false, 0)
	return ios, in, out, errOut
}

// SetStdoutTTY overrides terminal detection: tests use it to see what a
// person at a terminal of the given width would get.
func (s *IOStreams) SetStdoutTTY(tty bool, width int) {
	s.stdoutTTY = &tty
	s.stdoutWidth = width
}

func (s *IOStreams) getenv(k string) string {
	if s.Getenv == nil {
		return ""
	}
	return s.Getenv(k)
}

// stdoutFd is the file descriptor of stdout when it is a file.
func (s *IOStreams) stdoutFd() (int, bool) {
	f, ok := s.Out.(*os.File)
	if !ok {
		return 0, false
	}
	return int(f.Fd()), true
}

// IsStdoutTTY reports whether stdout is a terminal.
func (s *IOStreams) IsStdoutTTY() bool {
	if s.stdoutTTY != nil {
		return *s.stdoutTTY
	}
	fd, ok := s.stdoutFd()
	return ok && term.IsTerminal(fd)
}

// TerminalWidth is the width of the terminal on stdout, 0 when unknown or
// not a terminal.
func (s *IOStreams) TerminalWidth() int {
	if s.stdoutTTY != nil {
		return s.stdoutWidth
	}
	fd, ok := s.stdoutFd()
	if !ok || !term.IsTerminal(fd) {
		return 0
	}
	w, _, err := term.GetSize(fd)
	if err != nil {
		return 0
	}
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
