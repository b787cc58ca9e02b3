package spamd

import (
	"bufio"
	"context"
	"errors"
	"net"
	"strconv"
	"time"
)

// Defaults of a Client.
const (
	// DefaultMaxSize is spamc's default --max-size, 500 KB.
	DefaultMaxSize = 500 * 1024
	// HardMaxSize is the largest MaxSize spamc accepts, 256 MB.
	HardMaxSize = 256 * 1024 * 1024
	// DefaultDialTimeout limits the connection to spamd.
	DefaultDialTimeout = 10 * time.Second
	// DefaultTimeout limits the rest of the exchange: sending the
	// message, the scan (network tests can take tens of seconds) and the
	// reply.
	DefaultTimeout = 60 * time.Second
)

// protocolVersion is what the client speaks: SPAMC/1.5, the version
// spamc of SpamAssassin 3.x and 4.x sends.
const protocolVersion = "SPAMC/1.5"

// Client talks to one spamd. Its zero value with Addr set works; it holds
// no connection, so one Client may be used by many goroutines at once.
type Client struct {
	// Addr is spamd's HOST:PORT, as ParseAddr returns it:
	// "127.0.0.1:783", "[::1]:783", "spamd.internal:783".
	Addr string
	// User, when set, is sent as the User header: spamd then scans with
	// that user's preferences (unless it runs with --nouser-config). It
	// must be a user name as the protocol defines one: letters, digits,
	// '-', '_', and for virtual users '.', '@' and '+'.
	User string
	// DialTimeout limits the connection (DefaultDialTimeout when 0);
	// Timeout the exchange after it (DefaultTimeout when 0). A context
	// deadline that comes sooner wins.
	DialTimeout time.Duration
	Timeout     time.Duration
	// MaxSize is the largest message sent (DefaultMaxSize when 0, at most
	// HardMaxSize). A larger message is not sent: Report returns a
	// *TooLargeError without connecting.
	MaxSize int
	// Dial opens the connection (net.Dialer's DialContext when nil).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

func (c *Client) maxSize() int {
	switch {
	case c.MaxSize <= 0:
		return DefaultMaxSize
	case c.MaxSize > HardMaxSize:
		return HardMaxSize
	}
	return c.MaxSize
}

func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

func (c *Client) dialTimeout() time.Duration {
	if c.DialTimeout > 0 {
		return c.DialTimeout
	}
	return DefaultDialTimeout
}

// validUser reports whether u may go in a User header: no spaces, colons
// or line breaks that would end the header or inject another.
func validUser(u string) bool {
	if len(u) == 0 || len(u) > 128 {
		return false
	}
	for _, r := range u {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case r == '-', r == '_', r == '.', r == '@', r == '+':
		default:
			return false
		}
	}
	return true
}

// Ping asks spamd whether it is alive (the PING command) and returns nil
// when it answers PONG.
func (c *Client) Ping(ctx context.Context) error {
	rep, err := c.exchange(ctx, "PING", nil)
	if err != nil {
		return err
	}
	if rep.text != "PONG" {
		return newErr(ErrProtocol, "spamd answered PING with "+strconv.Quote(printable(rep.text, 80))+", not PONG", nil)
	}
	return nil
}

// Report has spamd scan msg (the REPORT command) and returns its verdict,
// score, threshold and rule hits. msg is sent as it is (CRLF or LF line
// ends both do); one over MaxSize is not sent (*TooLargeError).
func (c *Client) Report(ctx context.Context, msg []byte) (*Report, error) {
	if max := c.maxSize(); len(msg) > max {
		return nil, &TooLargeError{Size: len(msg), Max: max}
	}
	if msg == nil {
		msg = []byte{} // a Content-length of 0, not none
	}
	rep, err := c.exchange(ctx, "REPORT", msg)
	if err != nil {
		return nil, err
	}
	if rep.spam == nil {
		return nil, newErr(ErrProtocol, "spamd's reply has no Spam header", nil)
	}
	r := &Report{
		Server:    c.Addr,
		Protocol:  "SPAMD/" + rep.version,
		Size:      len(msg),
		Spam:      rep.spam.spam,
		Score:     rep.spam.score,
		Threshold: rep.spam.threshold,
		Text:      string(rep.body),
	}
	r.Rules, r.Table = parseTable(r.Text)
	return r, nil
}

// aLongTimeAgo is a deadline in the past: it makes blocked reads and
// writes return at once.
var aLongTimeAgo = time.Unix(1, 0)

// exchange sends one request (method, the headers, body when the method
// takes one) and reads the reply.
func (c *Client) exchange(ctx context.Context, method string, body []byte) (*reply, error) {
	if c.User != "" && !validUser(c.User) {
		return nil, newErr(ErrBadInput, "invalid spamd user "+strconv.Quote(printable(c.User, 40))+": use letters, digits and - _ . @ +", nil)
	}
	if c.Addr == "" {
		return nil, newErr(ErrBadInput, "no spamd address", nil)
	}
	dial := c.Dial
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	dctx, cancel := context.WithTimeout(ctx, c.dialTimeout())
	conn, err := dial(dctx, "tcp", c.Addr)
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return nil, newErr(nil, "connecting to spamd at "+c.Addr+" was interrupted", ctx.Err())
		}
		return nil, newErr(ErrUnreachable, "cannot connect to spamd at "+c.Addr, netCause(err))
	}
	defer conn.Close()

	timeout := c.timeout()
	deadline := time.Now().Add(timeout)
	ctxDeadline := false
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline, ctxDeadline = d, true
	}
	conn.SetDeadline(deadline)
	// A cancelled context unblocks whatever read or write is under way.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(aLongTimeAgo) })
	defer stop()

	// failed words an error of one stage: sending the request, or
	// reading the reply.
	failed := func(sending bool, err error) error {
		what, stuck := "reading spamd's reply", "did not answer within "+timeout.String()
		if sending {
			what, stuck = "sending the message to spamd", "did not take the message within "+timeout.String()
		}
		switch {
		case ctx.Err() != nil:
			return newErr(nil, what+" was interrupted", ctx.Err())
		case ctxDeadline && isTimeout(err):
			// The context's deadline, reached a moment before its timer.
			return newErr(nil, what+" was interrupted", context.DeadlineExceeded)
		case isTimeout(err):
			return newErr(ErrTimeout, "spamd at "+c.Addr+" "+stuck, nil)
		case errors.Is(err, ErrProtocol), errors.Is(err, ErrServer):
			return err
		}
		return newErr(ErrProtocol, what+" at "+c.Addr, netCause(err))
	}

	br := bufio.NewReaderSize(conn, maxLine)
	werr := writeRequest(conn, method, c.User, body)
	if werr != nil {
		// spamd may have refused the request and closed while the
		// message was still on its way: its status line says why.
		if _, err := readReply(br, method); errors.Is(err, ErrServer) {
			return nil, err
		}
		return nil, failed(true, werr)
	}
	rep, err := readReply(br, method)
	if err != nil {
		return nil, failed(false, err)
	}
	return rep, nil
}

// writeRequest sends the request line, the headers, the blank line and
// the body, then shuts the sending side down (PROTOCOL: each side shuts
// down its side when done writing).
func writeRequest(conn net.Conn, method, user string, body []byte) error {
	bw := bufio.NewWriterSize(conn, 32*1024)
	bw.WriteString(method + " " + protocolVersion + "\r\n")
	// PING takes neither a length nor a user.
	if body != nil {
		bw.WriteString("Content-length: " + strconv.Itoa(len(body)) + "\r\n")
		if user != "" {
			bw.WriteString("User: " + user + "\r\n")
		}
	}
	bw.WriteString("\r\n")
	bw.Write(body)
	if err := bw.Flush(); err != nil {
		return err
	}
	if cw, ok := conn.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	return nil
}
