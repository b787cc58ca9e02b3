// Package imapfetch reads the messages of an IMAP mailbox (IMAP4rev1,
// RFC 3501; IMAP4rev2, RFC 9051) one at a time, for "relayctl report
// fetch": implicit TLS (imaps, RFC 8314 §3.3) or STARTTLS, certificates
// verified, and optionally moves each processed message to another
// mailbox (MOVE, RFC 6851). The client is github.com/emersion/go-imap
// v2. Every step has a deadline and ends when ctx is done.
package imapfetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/relayctl/relayctl/checks"
)

const pkg = "imapfetch"

// Kinds of errors (errors.Is).
var (
	ErrURL     = errors.New("imapfetch: invalid IMAP URL")
	ErrConnect = errors.New("imapfetch: cannot connect")
	ErrLogin   = errors.New("imapfetch: login failed")
	ErrIMAP    = errors.New("imapfetch: IMAP command failed")
)

// Mailbox is a parsed imaps://USER@HOST[:PORT]/MAILBOX or
// imap://USER@HOST[:PORT]/MAILBOX (STARTTLS) URL (RFC 5092, the parts
// relayctl uses).
type Mailbox struct {
	// TLS is "implicit" (imaps, port 993) or "starttls" (imap, port 143).
	TLS     string
	User    string
	Host    string
	Port    string
	Mailbox string
}

// Addr is HOST:PORT.
func (m Mailbox) Addr() string { return net.JoinHostPort(m.Host, m.Port) }

// String is the URL without a password.
func (m Mailbox) String() string {
	scheme := "imaps"
	if m.TLS == "starttls" {
		scheme = "imap"
	}
	return scheme + "://" + url.User(m.User).String() + "@" + m.Addr() + "/" + m.Mailbox
}

// ParseURL reads an IMAP URL. A password in it is refused: it would be
// in the shell history and the process list.
func ParseURL(s string) (Mailbox, error) {
	u, err := url.Parse(s)
	if err != nil {
		return Mailbox{}, checks.NewError(pkg, ErrURL, fmt.Sprintf("%q is not a URL", s))
	}
	var m Mailbox
	switch u.Scheme {
	case "imaps":
		m.TLS, m.Port = "implicit", "993"
	case "imap":
		m.TLS, m.Port = "starttls", "143"
	default:
		return m, checks.NewError(pkg, ErrURL, "want imaps://USER@HOST[:PORT]/MAILBOX (or imap:// for STARTTLS)")
	}
	if u.User == nil || u.User.Username() == "" {
		return m, checks.NewError(pkg, ErrURL, "the URL names no user: imaps://USER@HOST/MAILBOX")
	}
	if _, ok := u.User.Password(); ok {
		return m, checks.NewError(pkg, ErrURL, "the URL carries a password: give it in RELAYCTL_IMAP_PASSWORD or --password-file instead")
	}
	m.User = u.User.Username()
	m.Host = u.Hostname()
	if m.Host == "" {
		return m, checks.NewError(pkg, ErrURL, "the URL names no host")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return m, checks.NewError(pkg, ErrURL, "invalid port "+p)
		}
		m.Port = p
	}
	m.Mailbox = strings.TrimPrefix(u.Path, "/")
	if m.Mailbox == "" {
		m.Mailbox = "INBOX"
	}
	return m, nil
}

// Options are what Fetch connects with.
type Options struct {
	Password string
	// RootCAs verify the server (nil: the system's roots).
	RootCAs *x509.CertPool
	// Timeout bounds each step: the connection, the TLS handshake, each
	// command (0: 30s).
	Timeout time.Duration
	// MoveTo, when set, is the mailbox each processed message is moved
	// to (created if missing).
	MoveTo string
}

// Message is one message of the mailbox.
type Message struct {
	UID  uint32
	Data []byte
}

// Stats say what Fetch did.
type Stats struct {
	Messages int
	Moved    int
}

// Fetch logs in, selects the mailbox and calls handle with each message
// in UID order, one in memory at a time. A message handle returns nil for
// is moved to MoveTo (when set); one it returns an error for stays, and
// Fetch stops with that error.
func Fetch(ctx context.Context, mb Mailbox, opt Options, handle func(Message) error) (Stats, error) {
	var st Stats
	timeout := opt.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	tlsConf := &tls.Config{ServerName: mb.Host, RootCAs: opt.RootCAs, MinVersion: tls.VersionTLS12}
	d := net.Dialer{Timeout: timeout}
	dctx, cancel := context.WithTimeout(ctx, timeout)
	raw, err := d.DialContext(dctx, "tcp", mb.Addr())
	cancel()
	if err != nil {
		return st, checks.WrapError(pkg, ErrConnect, "cannot connect to "+mb.Addr(), err)
	}
	conn := &deadlineConn{Conn: raw, timeout: timeout}
	copts := &imapclient.Options{TLSConfig: tlsConf}
	var c *imapclient.Client
	if mb.TLS == "implicit" {
		tc := tls.Client(conn, tlsConf)
		hctx, cancel := context.WithTimeout(ctx, timeout)
		err = tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			raw.Close()
			return st, checks.WrapError(pkg, ErrConnect, "TLS with "+mb.Addr()+" failed", err)
		}
		c = imapclient.New(tc, copts)
	} else {
		c, err = imapclient.NewStartTLS(conn, copts)
		if err != nil {
			raw.Close()
			return st, checks.WrapError(pkg, ErrConnect, "STARTTLS with "+mb.Addr()+" failed", err)
		}
	}
	defer c.Close()
	// The client's commands take no context: closing the connection
	// ends whatever waits.
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	fail := func(kind error, msg string, err error) (Stats, error) {
		if ctx.Err() != nil {
			return st, ctx.Err()
		}
		return st, checks.WrapError(pkg, kind, msg, err)
	}
	if err := c.WaitGreeting(); err != nil {
		return fail(ErrConnect, "no greeting from "+mb.Addr(), err)
	}
	if err := c.Login(mb.User, opt.Password).Wait(); err != nil {
		// The server's words, never the password.
		return fail(ErrLogin, "login as "+mb.User+" failed", err)
	}
	if _, err := c.Select(mb.Mailbox, nil).Wait(); err != nil {
		return fail(ErrIMAP, "cannot open mailbox "+mb.Mailbox, err)
	}
	search, err := c.UIDSearch(&imap.SearchCriteria{}, nil).Wait()
	if err != nil {
		return fail(ErrIMAP, "cannot list the messages of "+mb.Mailbox, err)
	}
	uids := search.AllUIDs()
	if opt.MoveTo != "" && len(uids) > 0 {
		if err := c.Create(opt.MoveTo, nil).Wait(); err != nil && !alreadyExists(err) {
			return fail(ErrIMAP, "cannot create mailbox "+opt.MoveTo, err)
		}
	}
	section := &imap.FetchItemBodySection{Peek: true}
	for _, uid := range uids {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		msgs, err := c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
		if err != nil {
			return fail(ErrIMAP, fmt.Sprintf("cannot fetch message UID %d", uid), err)
		}
		if len(msgs) == 0 {
			continue // expunged meanwhile
		}
		st.Messages++
		if err := handle(Message{UID: uint32(uid), Data: msgs[0].FindBodySection(section)}); err != nil {
			return st, err
		}
		if opt.MoveTo != "" {
			if _, err := c.Move(imap.UIDSetNum(uid), opt.MoveTo).Wait(); err != nil {
				return fail(ErrIMAP, fmt.Sprintf("cannot move message UID %d to %s", uid, opt.MoveTo), err)
			}
			st.Moved++
		}
	}
	if err := c.Logout().Wait(); err != nil && ctx.Err() == nil {
		// Everything was read; a failed goodbye changes nothing.
		_ = err
	}
	return st, nil
}

// alreadyExists reports a CREATE refused because the mailbox exists
// (the ALREADYEXISTS response code of RFC 5530 §3).
func alreadyExists(err error) bool {
	var ie *imap.Error
	return errors.As(err, &ie) && ie.Code == imap.ResponseCodeAlreadyExists
}

// deadlineConn gives every read and write its own deadline, so that a
// server that stops answering fails the step instead of hanging.
type deadlineConn struct {
	net.Conn
	timeout time.Duration
}

func (c *deadlineConn) Read(p []byte) (int, error) {
	c.Conn.SetReadDeadline(time.Now().Add(c.timeout))
	return c.Conn.Read(p)
}

func (c *deadlineConn) Write(p []byte) (int, error) {
	c.Conn.SetWriteDeadline(time.Now().Add(c.timeout))
	return c.Conn.Write(p)
}
