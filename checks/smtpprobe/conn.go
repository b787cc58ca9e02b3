package smtpprobe

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/relayctl/relayctl/checks/smtpwire"
	"github.com/relayctl/relayctl/internal/textutil"
)

// Limits on the transcript a probe keeps.
const (
	maxTranscript   = 200 // lines kept in Probe.Transcript
	maxTranscriptLn = 300 // bytes kept of one transcript line
)

// session is one SMTP connection: the current stream (plain or TLS), a
// bounded line reader, a deadline per step and the transcript.
type session struct {
	conn    net.Conn
	br      *bufio.Reader
	timeout time.Duration
	p       *Probe
}

func newSession(conn net.Conn, timeout time.Duration, p *Probe) *session {
	s := &session{timeout: timeout, p: p}
	s.setConn(conn)
	return s
}

// setConn switches to a new stream (after a TLS handshake).
func (s *session) setConn(c net.Conn) {
	s.conn = c
	s.br = bufio.NewReaderSize(c, smtpwire.MaxLineLen)
}

// step starts a new step: the deadline is the per-step timeout from now,
// or the context's deadline when that comes first. A context already
// cancelled leaves a deadline in the past, so that every read and write
// fails at once (watchContext does the same when it is cancelled later).
func (s *session) step(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d := time.Now().Add(s.timeout)
	if cd, ok := ctx.Deadline(); ok && cd.Before(d) {
		d = cd
	}
	s.conn.SetDeadline(d)
	if ctx.Err() != nil {
		s.conn.SetDeadline(time.Unix(1, 0))
		return ctx.Err()
	}
	return nil
}

// watchContext unblocks any read or write in flight when ctx is done. The
// returned function stops watching.
func watchContext(ctx context.Context, c net.Conn) func() bool {
	return context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
}

// send writes one command line. The command is the probe's own text, so
// it carries no CR or LF of its own (smtpwire refuses one that would).
func (s *session) send(ctx context.Context, line string) error {
	s.note("C: " + line)
	if err := smtpwire.WriteCommand(s.conn, line); errors.Is(err, smtpwire.ErrLineBreak) {
		return err
	} else if err != nil {
		return s.wrap(ctx, err)
	}
	return nil
}

// cmd sends a command and reads its reply, both within one step.
func (s *session) cmd(ctx context.Context, line string) (*smtpwire.Reply, error) {
	if err := s.step(ctx); err != nil {
		return nil, err
	}
	if err := s.send(ctx, line); err != nil {
		return nil, err
	}
	return s.read(ctx)
}

// readReply reads one reply within a new step.
func (s *session) readReply(ctx context.Context) (*smtpwire.Reply, error) {
	if err := s.step(ctx); err != nil {
		return nil, err
	}
	return s.read(ctx)
}

// read reads one complete reply (smtpwire.ReadReply), every line noted
// in the transcript.
func (s *session) read(ctx context.Context) (*smtpwire.Reply, error) {
	r, err := smtpwire.ReadReply(s.br, func(line string) { s.note("S: " + line) })
	if errors.Is(err, smtpwire.ErrProtocol) {
		return nil, err
	}
	return r, s.wrap(ctx, err)
}

// wrap turns a network error into one of the package's: a timeout, a
// closed connection, or the context's error.
func (s *session) wrap(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return netError(err)
}

func netError(err error) error {
	var ne net.Error
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return newError(ErrTimeout, "timed out", err)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, net.ErrClosed):
		return newError(ErrClosed, "the server closed the connection", err)
	}
	return err
}

// note adds a line to the transcript, bounded.
func (s *session) note(line string) {
	s.p.note(line)
}

func (p *Probe) note(line string) {
	if len(p.Transcript) >= maxTranscript {
		if len(p.Transcript) == maxTranscript {
			p.Transcript = append(p.Transcript, "… (transcript cut)")
		}
		return
	}
	p.Transcript = append(p.Transcript, textutil.Clip(strings.TrimRight(line, "\r\n"), maxTranscriptLn))
}
