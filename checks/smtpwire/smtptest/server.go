// Package smtptest runs SMTP servers on loopback for the tests of every
// SMTP client of relayctl (send, the probe, check domain --smtp): a
// well-behaved one built on emersion/go-smtp, and raw listeners
// (StartRaw) that misbehave on purpose. Nothing here listens beyond
// 127.0.0.1. Certificates come from checks/tlsx/tlstest.
//
// The go-smtp server records every message exactly as received —
// envelope, data, TLS and AUTH state — and can be told to require TLS or
// AUTH, take AUTH in clear, act as a closed or an open relay, delay every
// reply, and misbehave: refuse the sender, some recipients or the data,
// fail temporarily a number of times, or never answer the final dot.
package smtptest

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one message the server took (or, with NoDotReply, read).
type Message struct {
	From     string
	To       []string
	Data     []byte
	TLS      bool
	User     string // the authenticated user, if any
	Mech     string
	UTF8     bool // MAIL FROM carried SMTPUTF8
	Body8Bit bool
}

// Config is how the server behaves. The zero value is a plain server on
// 127.0.0.1 named "mx.test.example" that takes everything, with no TLS
// and no AUTH, and offers SIZE (10 MiB), 8BITMIME, SMTPUTF8, DSN and,
// under TLS, REQUIRETLS.
type Config struct {
	// TLS, when set, offers STARTTLS — or, with Implicit, speaks TLS from
	// the first byte (port 465 style).
	TLS      *tls.Config
	Implicit bool
	// Domain is the server's name in its greeting and, with LocalOnly,
	// the one domain it takes mail for (default "mx.test.example").
	Domain string
	// LocalOnly makes a closed relay: RCPT to a domain other than Domain
	// is refused with 554 5.7.1 unless the client authenticated.
	LocalOnly bool
	// RequireTLS refuses MAIL before STARTTLS with 530 5.7.0 (RFC 3207
	// §4); RequireAuth refuses MAIL without AUTH (530).
	RequireTLS  bool
	RequireAuth bool
	// Users (user → password) and Tokens (user → OAuth token) turn on
	// AUTH with Mechs (default: PLAIN LOGIN CRAM-MD5, and XOAUTH2 when
	// there are tokens). AUTH is offered only inside TLS unless
	// InsecureAuth.
	Users        map[string]string
	Tokens       map[string]string
	Mechs        []string
	InsecureAuth bool
	// NoSMTPUTF8 and NoPipelining take those extensions out of the EHLO
	// reply.
	NoSMTPUTF8   bool
	NoPipelining bool
	// Delay holds back the first write after every read (and the
	// greeting): each reply, and each TLS handshake flight, comes that
	// much later.
	Delay time.Duration

	// Hooks return nil to accept, or an *smtp.SMTPError to refuse. n
	// counts calls of that hook from 1 over the server's life.
	Mail func(n int, from string) error
	Rcpt func(n int, to string) error
	Data func(n int, data []byte) error
	// NoDotReply: after reading a message, never answer (the message is
	// recorded; the connection hangs until the client gives up).
	NoDotReply bool
	// Discard keeps only a count of the messages, and no Log
	// (benchmarks).
	Discard bool
}

// Server is a running test server.
type Server struct {
	// Addr is "127.0.0.1:PORT"; Port the port.
	Addr string
	Port int

	cfg  Config
	srv  *smtp.Server
	ln   net.Listener
	done chan struct{}
	log  lockedBuffer

	mu       sync.Mutex
	msgs     []Message
	mails    atomic.Int64
	rcpts    atomic.Int64
	datas    atomic.Int64
	count    atomic.Int64
	conns    atomic.Int64
	inFlight atomic.Int64
	peak     atomic.Int64
}

// Start runs a server until the test ends.
func Start(t testing.TB, cfg Config) *Server {
	t.Helper()
	s, err := Listen(cfg)
	if err != nil {
		t.Fatalf("smtptest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Listen runs a server on a free loopback port until Close.
func Listen(cfg Config) (*Server, error) {
	if cfg.Domain == "" {
		cfg.Domain = "mx.test.example"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{Addr: ln.Addr().String(), Port: ln.Addr().(*net.TCPAddr).Port, cfg: cfg, done: make(chan struct{})}
	srv := smtp.NewServer(smtp.BackendFunc(s.newSession))
	srv.Domain = cfg.Domain
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.AllowInsecureAuth = cfg.InsecureAuth
	srv.EnableSMTPUTF8 = !cfg.NoSMTPUTF8
	srv.EnableDSN = true
	srv.EnableREQUIRETLS = true
	srv.MaxMessageBytes = 10 << 20
	srv.MaxRecipients = 0
	srv.ErrorLog = log.New(io.Discard, "", 0)
	if !cfg.Discard {
		srv.Debug = &s.log
	}
	if cfg.TLS != nil && !cfg.Implicit {
		srv.TLSConfig = cfg.TLS
	}
	s.srv = srv
	var l net.Listener = &countingListener{Listener: ln, s: s}
	if cfg.Implicit && cfg.TLS != nil {
		l = tls.NewListener(l, cfg.TLS)
	}
	s.ln = l
	go srv.Serve(l)
	return s, nil
}

// Close stops the server and releases hung sessions.
func (s *Server) Close() {
	select {
	case <-s.done:
		return
	default:
	}
	close(s.done)
	// Close the listener too: Serve may not have registered it yet.
	s.ln.Close()
	s.srv.Close()
}

// Messages returns a copy of what the server took, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Count is the number of messages read (kept or discarded).
func (s *Server) Count() int { return int(s.count.Load()) }

// Conns is the number of connections accepted.
func (s *Server) Conns() int { return int(s.conns.Load()) }

// Peak is the largest number of connections open at once.
func (s *Server) Peak() int { return int(s.peak.Load()) }

// Host is the server's address without the port.
func (s *Server) Host() string { h, _, _ := net.SplitHostPort(s.Addr); return h }

// Log is every line the server read and wrote, in plain text (the
// server's debug output; empty with Discard).
func (s *Server) Log() string { return s.log.String() }

// countingListener counts connections, and wraps each in what the
// configuration asks for.
type countingListener struct {
	net.Listener
	s *Server
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.s.conns.Add(1)
	n := l.s.inFlight.Add(1)
	for {
		p := l.s.peak.Load()
		if n <= p || l.s.peak.CompareAndSwap(p, n) {
			break
		}
	}
	if l.s.cfg.NoPipelining {
		c = &noPipelining{Conn: c}
	}
	return &delayConn{Conn: c, s: l.s, delay: l.s.cfg.Delay, pending: true}, nil
}

// noPipelining drops the PIPELINING line go-smtp always advertises.
type noPipelining struct{ net.Conn }

func (c *noPipelining) Write(b []byte) (int, error) {
	if i := bytes.Index(b, []byte("250-PIPELINING\r\n")); i >= 0 {
		nb := append(append([]byte(nil), b[:i]...), b[i+len("250-PIPELINING\r\n"):]...)
		if _, err := c.Conn.Write(nb); err != nil {
			return 0, err
		}
		return len(b), nil
	}
	return c.Conn.Write(b)
}

// delayConn sleeps before the first write after each read, and keeps the
// count of connections open.
type delayConn struct {
	net.Conn
	s       *Server
	delay   time.Duration
	mu      sync.Mutex
	pending bool
	closed  atomic.Bool
}

func (c *delayConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.mu.Lock()
		c.pending = true
		c.mu.Unlock()
	}
	return n, err
}

func (c *delayConn) Write(b []byte) (int, error) {
	c.mu.Lock()
	wait := c.pending && c.delay > 0
	c.pending = false
	c.mu.Unlock()
	if wait {
		time.Sleep(c.delay)
	}
	return c.Conn.Write(b)
}

func (c *delayConn) Close() error {
	if !c.closed.Swap(true) {
		c.s.inFlight.Add(-1)
	}
	return c.Conn.Close()
}

// lockedBuffer is a bytes.Buffer safe for many connections.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// session is one SMTP session.
type session struct {
	s    *Server
	c    *smtp.Conn
	msg  Message
	user string
	mech string
}

func (s *Server) newSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{s: s, c: c}, nil
}

func (ss *session) isTLS() bool {
	_, ok := ss.c.TLSConnectionState()
	return ok || ss.s.cfg.Implicit && ss.s.cfg.TLS != nil
}

func (ss *session) Reset() { ss.msg = Message{} }

func (ss *session) Logout() error { return nil }

func (ss *session) Mail(from string, opts *smtp.MailOptions) error {
	n := int(ss.s.mails.Add(1))
	if ss.s.cfg.RequireTLS && !ss.isTLS() {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Must issue a STARTTLS command first"}
	}
	if ss.s.cfg.RequireAuth && ss.user == "" {
		return smtp.ErrAuthRequired
	}
	if h := ss.s.cfg.Mail; h != nil {
		if err := h(n, from); err != nil {
			return err
		}
	}
	ss.msg = Message{From: from}
	if opts != nil {
		ss.msg.UTF8 = opts.UTF8
		ss.msg.Body8Bit = opts.Body == smtp.Body8BitMIME
	}
	return nil
}

func (ss *session) Rcpt(to string, opts *smtp.RcptOptions) error {
	n := int(ss.s.rcpts.Add(1))
	if _, domain, _ := strings.Cut(to, "@"); ss.s.cfg.LocalOnly && ss.user == "" && !strings.EqualFold(domain, ss.s.cfg.Domain) {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Relay access denied"}
	}
	if h := ss.s.cfg.Rcpt; h != nil {
		if err := h(n, to); err != nil {
			return err
		}
	}
	ss.msg.To = append(ss.msg.To, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	n := int(ss.s.datas.Add(1))
	var data []byte
	if ss.s.cfg.Discard {
		io.Copy(io.Discard, r)
	} else {
		b, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		data = b
	}
	if h := ss.s.cfg.Data; h != nil {
		if err := h(n, data); err != nil {
			return err
		}
	}
	m := ss.msg
	m.Data = data
	m.TLS = ss.isTLS()
	m.User, m.Mech = ss.user, ss.mech
	ss.s.count.Add(1)
	if !ss.s.cfg.Discard {
		ss.s.mu.Lock()
		ss.s.msgs = append(ss.s.msgs, m)
		ss.s.mu.Unlock()
	}
	if ss.s.cfg.NoDotReply {
		<-ss.s.done
		return errors.New("closing")
	}
	return nil
}

// AuthMechanisms makes the session an smtp.AuthSession when the server
// has users.
func (ss *session) AuthMechanisms() []string {
	if len(ss.s.cfg.Users) == 0 && len(ss.s.cfg.Tokens) == 0 {
		return nil
	}
	if ss.s.cfg.Mechs != nil {
		return ss.s.cfg.Mechs
	}
	m := []string{sasl.Plain, sasl.Login, "CRAM-MD5"}
	if len(ss.s.cfg.Tokens) > 0 {
		m = append(m, "XOAUTH2")
	}
	return m
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	ok := func(user string) { ss.user, ss.mech = user, mech }
	users := ss.s.cfg.Users
	switch strings.ToUpper(mech) {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, user, pass string) error {
			if p, found := users[user]; found && p == pass && (identity == "" || identity == user) {
				ok(user)
				return nil
			}
			return smtp.ErrAuthFailed
		}), nil
	case sasl.Login:
		return &loginServer{check: func(user, pass string) error {
			if p, found := users[user]; found && p == pass {
				ok(user)
				return nil
			}
			return smtp.ErrAuthFailed
		}}, nil
	case "CRAM-MD5":
		return &cramServer{users: users, ok: ok}, nil
	case "XOAUTH2":
		return &xoauth2Server{tokens: ss.s.cfg.Tokens, ok: ok}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

var _ smtp.AuthSession = (*session)(nil)
