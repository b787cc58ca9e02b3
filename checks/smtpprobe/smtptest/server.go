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
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Config shapes a well-behaved server.
type Config struct {
	// TLS enables STARTTLS (or, with Implicit, TLS from the first byte).
	TLS      *tls.Config
	Implicit bool
	// RequireTLS refuses MAIL before STARTTLS with 530 (RFC 3207 §4).
	RequireTLS bool
	// AuthBeforeTLS offers AUTH PLAIN in plain text and accepts it.
	AuthBeforeTLS bool
	// Auth offers AUTH PLAIN (under TLS only, unless AuthBeforeTLS).
	Auth bool
	// OpenRelay accepts RCPT to any domain from anyone.
	OpenRelay bool
	// Domain is the server's name in its greeting and the one domain it
	// accepts mail for (default "mx.test.example").
	Domain string
	// Delay holds back the first write after every read (and the
	// greeting): each reply, and each TLS handshake flight, comes that
	// much later.
	Delay time.Duration
}

// Server is a running go-smtp server on 127.0.0.1.
type Server struct {
	// Addr is "127.0.0.1:PORT".
	Addr string
	// Port is the listening port.
	Port int

	cfg      Config
	srv      *smtp.Server
	ln       net.Listener
	log      lockedBuffer
	messages atomic.Int64
	conns    atomic.Int64
	inFlight atomic.Int64
	peak     atomic.Int64
}

// Start runs a server until Close.
func Start(cfg Config) (*Server, error) {
	if cfg.Domain == "" {
		cfg.Domain = "mx.test.example"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, ln: ln, Addr: ln.Addr().String(), Port: ln.Addr().(*net.TCPAddr).Port}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, c: c}, nil
	}))
	srv.Domain = cfg.Domain
	srv.TLSConfig = cfg.TLS
	srv.AllowInsecureAuth = cfg.AuthBeforeTLS
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.MaxMessageBytes = 10 << 20
	srv.EnableSMTPUTF8 = true
	srv.EnableDSN = true
	srv.EnableREQUIRETLS = true
	srv.Debug = &s.log
	srv.ErrorLog = log.New(io.Discard, "", 0)
	s.srv = srv
	var l net.Listener = &countingListener{Listener: ln, s: s}
	if cfg.Implicit && cfg.TLS != nil {
		l = tls.NewListener(l, cfg.TLS)
	}
	go srv.Serve(l)
	return s, nil
}

// Close stops the server.
func (s *Server) Close() error {
	return s.srv.Close()
}

// Log is every line the server read and wrote, in plain text (the
// server's debug output).
func (s *Server) Log() string { return s.log.String() }

// Messages counts messages received (DATA or BDAT that completed).
func (s *Server) Messages() int64 { return s.messages.Load() }

// Conns counts connections accepted.
func (s *Server) Conns() int64 { return s.conns.Load() }

// Peak is the largest number of connections open at once.
func (s *Server) Peak() int64 { return s.peak.Load() }

type session struct {
	s      *Server
	c      *smtp.Conn
	authed bool
}

func (ss *session) isTLS() bool {
	_, ok := ss.c.TLSConnectionState()
	return ok
}

func (ss *session) Reset()        {}
func (ss *session) Logout() error { return nil }

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.cfg.RequireTLS && !ss.isTLS() {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Must issue a STARTTLS command first"}
	}
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	_, domain, _ := strings.Cut(to, "@")
	if ss.s.cfg.OpenRelay || ss.authed || strings.EqualFold(domain, ss.s.cfg.Domain) {
		return nil
	}
	return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Relay access denied"}
}

func (ss *session) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	ss.s.messages.Add(1)
	return nil
}

func (ss *session) AuthMechanisms() []string {
	if ss.s.cfg.Auth || ss.s.cfg.AuthBeforeTLS {
		return []string{sasl.Plain}
	}
	return nil
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, errors.New("unsupported mechanism")
	}
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user == "user" && pass == "secret" {
			ss.authed = true
			return nil
		}
		return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Bad credentials"}
	}), nil
}

// countingListener counts connections and delays replies.
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
	return &delayConn{Conn: c, s: l.s, delay: l.s.cfg.Delay, pending: true}, nil
}

// delayConn sleeps before the first write after each read.
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
