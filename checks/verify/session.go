package verify

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strconv"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/smtpwire"
)

// conn is one SMTP connection to a mail host, driven a step at a time
// through checks/smtpwire. It never sends DATA: the dialogue is EHLO,
// STARTTLS when offered, MAIL FROM, RCPT TO…, RSET, QUIT.
type conn struct {
	c       net.Conn
	br      *bufio.Reader
	timeout time.Duration
	host    string
	caps    *smtpwire.Capabilities
	tls     bool
	stop    func() bool
}

// stepError is a failure of one step that is not a reply: a timeout, a
// closed connection, output that is not SMTP.
type stepError struct {
	Step string // "connect", "greeting", "EHLO", "STARTTLS", "MAIL", "RCPT"
	Err  error
}

func (e *stepError) Error() string   { return "verify: " + e.Message() }
func (e *stepError) Unwrap() error   { return e.Err }
func (e *stepError) Message() string { return e.Step + ": " + netReason(e.Err) }

// netReason says what went wrong on the network in a few words of our
// own, without the Go net package's operation prefixes.
func netReason(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.As(err, &ne) && ne.Timeout():
		return "no answer in time"
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return "the server closed the connection"
	}
	var pe *smtpwire.ProtocolError
	if errors.As(err, &pe) {
		return pe.Message()
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		var se interface{ Unwrap() error }
		if errors.As(oe.Err, &se) && se.Unwrap() != nil {
			return se.Unwrap().Error()
		}
		return oe.Err.Error()
	}
	return checks.Message(err)
}

// dialHost connects to host at addr:port and reads the greeting. A
// refusing greeting is a *smtpwire.Error.
func dialHost(ctx context.Context, d Dialer, host, addr string, port int, timeout time.Duration) (*conn, error) {
	dctx, cancel := context.WithTimeout(ctx, timeout)
	nc, err := d(dctx, "tcp", net.JoinHostPort(addr, strconv.Itoa(port)))
	cancel()
	if err != nil {
		return nil, &stepError{Step: "connect", Err: err}
	}
	c := &conn{c: nc, br: bufio.NewReaderSize(nc, smtpwire.MaxLineLen), timeout: timeout, host: host}
	c.stop = context.AfterFunc(ctx, func() { nc.SetDeadline(time.Unix(1, 0)) })
	r, err := c.read(ctx, "greeting")
	if err != nil {
		c.close()
		return nil, err
	}
	if r.Class() != 2 {
		c.close()
		return nil, smtpwire.Refused("", r)
	}
	return c, nil
}

func (c *conn) deadline(ctx context.Context) {
	d := time.Now().Add(c.timeout)
	if cd, ok := ctx.Deadline(); ok && cd.Before(d) {
		d = cd
	}
	c.c.SetDeadline(d)
}

func (c *conn) read(ctx context.Context, step string) (*smtpwire.Reply, error) {
	c.deadline(ctx)
	r, err := smtpwire.ReadReply(c.br, nil)
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, &stepError{Step: step, Err: err}
	}
	return r, nil
}

// cmd sends one command and reads its reply.
func (c *conn) cmd(ctx context.Context, step, line string) (*smtpwire.Reply, error) {
	c.deadline(ctx)
	if err := smtpwire.WriteCommand(c.c, line); err != nil {
		return nil, &stepError{Step: step, Err: err}
	}
	return c.read(ctx, step)
}

// hello says EHLO and, when the server offers STARTTLS (RFC 3207),
// upgrades the connection and says EHLO again. TLS is opportunistic, as
// between MTAs (RFC 7435): the certificate is not verified, and a
// handshake that fails is returned as an error so that the caller can
// connect again without it.
func (c *conn) hello(ctx context.Context, ehlo string, useTLS bool) error {
	r, err := c.cmd(ctx, "EHLO", "EHLO "+ehlo)
	if err != nil {
		return err
	}
	if r.Code != 250 {
		return smtpwire.Refused("EHLO", r)
	}
	c.caps = smtpwire.ParseEHLO(r.Lines)
	if !useTLS || !c.caps.StartTLS {
		return nil
	}
	r, err = c.cmd(ctx, "STARTTLS", "STARTTLS")
	if err != nil {
		return err
	}
	if r.Code != 220 {
		return nil // refused: carry on in clear, as an MTA would
	}
	tc := tls.Client(c.c, &tls.Config{ServerName: c.host, InsecureSkipVerify: true, MinVersion: tls.VersionTLS10}) //nolint:gosec // opportunistic TLS, RFC 7435
	c.deadline(ctx)
	if err := tc.HandshakeContext(ctx); err != nil {
		return &stepError{Step: "STARTTLS", Err: errTLS}
	}
	c.c, c.br, c.tls = tc, bufio.NewReaderSize(tc, smtpwire.MaxLineLen), true
	r, err = c.cmd(ctx, "EHLO", "EHLO "+ehlo)
	if err != nil {
		return err
	}
	if r.Code != 250 {
		return smtpwire.Refused("EHLO", r)
	}
	c.caps = smtpwire.ParseEHLO(r.Lines)
	return nil
}

var errTLS = errors.New("TLS handshake failed")

// mail starts a transaction.
func (c *conn) mail(ctx context.Context, from string, utf8 bool) error {
	line := "MAIL FROM:<" + from + ">"
	if utf8 && c.caps.SMTPUTF8 {
		line += " SMTPUTF8"
	}
	r, err := c.cmd(ctx, "MAIL", line)
	if err != nil {
		return err
	}
	if r.Class() != 2 {
		return smtpwire.Refused("MAIL", r)
	}
	return nil
}

// rcpt asks about one recipient; the reply is the answer, whatever its
// class.
func (c *conn) rcpt(ctx context.Context, addr string) (*smtpwire.Reply, error) {
	return c.cmd(ctx, "RCPT", "RCPT TO:<"+addr+">")
}

// rcpts asks about several recipients at once when the server offers
// PIPELINING (RFC 2920 §3.1: RCPT may be sent without waiting for each
// reply): all the commands in one write, then the replies in order. It
// returns the replies read before any error.
func (c *conn) rcpts(ctx context.Context, addrs []string) ([]*smtpwire.Reply, error) {
	if len(addrs) == 1 || !c.caps.Pipelining {
		var out []*smtpwire.Reply
		for _, a := range addrs {
			r, err := c.rcpt(ctx, a)
			if err != nil {
				return out, err
			}
			out = append(out, r)
		}
		return out, nil
	}
	c.deadline(ctx)
	bw := bufio.NewWriter(c.c)
	for _, a := range addrs {
		if err := smtpwire.WriteCommand(bw, "RCPT TO:<"+a+">"); err != nil {
			return nil, &stepError{Step: "RCPT", Err: err}
		}
	}
	if err := bw.Flush(); err != nil {
		return nil, &stepError{Step: "RCPT", Err: err}
	}
	out := make([]*smtpwire.Reply, 0, len(addrs))
	for range addrs {
		r, err := c.read(ctx, "RCPT")
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// rset ends a transaction and keeps the connection.
func (c *conn) rset(ctx context.Context) error {
	r, err := c.cmd(ctx, "RSET", "RSET")
	if err != nil {
		return err
	}
	if r.Class() != 2 {
		return smtpwire.Refused("RSET", r)
	}
	return nil
}

// quit says goodbye without waiting long for the answer, and closes.
func (c *conn) quit(ctx context.Context) {
	c.c.SetDeadline(time.Now().Add(min(c.timeout, time.Second)))
	if smtpwire.WriteCommand(c.c, "QUIT") == nil {
		smtpwire.ReadReply(c.br, nil)
	}
	c.close()
}

func (c *conn) close() {
	if c.stop != nil {
		c.stop()
	}
	c.c.Close()
}
