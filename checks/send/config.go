package send

import (
	"context"
	"crypto/x509"
	"io"
	"net"
	"strings"
	"time"

	"github.com/relayctl/relayctl/checks/dnsx"
)

// TLSMode is --tls.
type TLSMode string

const (
	// TLSAuto: implicit TLS on port 465; otherwise STARTTLS when the server
	// offers it, and required whenever credentials are to be sent.
	TLSAuto TLSMode = "auto"
	// TLSStartTLS requires STARTTLS (RFC 3207).
	TLSStartTLS TLSMode = "starttls"
	// TLSImplicit starts TLS on connect (RFC 8314 §3.3).
	TLSImplicit TLSMode = "implicit"
	// TLSNone never starts TLS.
	TLSNone TLSMode = "none"
)

// ParseTLSMode validates a --tls value.
func ParseTLSMode(s string) (TLSMode, error) {
	switch m := TLSMode(strings.ToLower(s)); m {
	case TLSAuto, TLSStartTLS, TLSImplicit, TLSNone:
		return m, nil
	}
	return "", errorf(ErrBadInput, "--tls %q: want auto, starttls, implicit or none", s)
}

// Default ports.
const (
	SubmissionPort = 587 // RFC 6409
	ImplicitPort   = 465 // RFC 8314
	RelayPort      = 25  // RFC 5321, MX delivery
)

// Default time limits.
const (
	DefaultTimeout     = 5 * time.Second
	DefaultDataTimeout = 60 * time.Second
	DefaultRetryDelay  = time.Second
	maxRetryDelay      = 60 * time.Second
)

// Dialer opens TCP connections; *net.Dialer is one.
type Dialer interface {
	DialContext(ctx context.Context, network, addr string) (net.Conn, error)
}

// Config is how messages are sent: where, with what security and
// credentials, and how patiently. The zero value plus a Server (or a
// Resolver for MX delivery) works.
type Config struct {
	// Server is HOST[:PORT]; the port defaults to 587. Empty means the MX
	// hosts of the first recipient's domain on MXPort, in preference
	// order, the next one tried when a connection fails.
	Server string
	// MXPort is the port for MX delivery (25; tests change it).
	MXPort int
	// Resolver answers the MX and address questions for MX delivery.
	Resolver dnsx.Resolver

	TLS TLSMode
	// RootCAs, when set, are the trusted roots: with --ca, the system's
	// roots plus the file (tlsx.LoadCA).
	RootCAs *x509.CertPool
	// SkipVerify accepts any certificate (--tls-skip-verify).
	SkipVerify bool
	// TLSVerify requires a verified certificate in MX delivery too
	// (--tls-verify). Without it, MX delivery (port 25, no Server) uses
	// opportunistic TLS as MTAs do (RFC 7435, RFC 3207 §4.1): a
	// certificate that does not verify is used anyway and the record
	// notes why. With a Server, certificates are always verified unless
	// SkipVerify.
	TLSVerify bool
	// EHLO is the name to greet with; when empty,
	// smtpwire.DefaultEHLO(Hostname): this host's name when it is a
	// fully qualified domain name, else smtpwire.FallbackEHLO.
	EHLO string
	// Hostname is this host's name for the default EHLO name (os.Hostname
	// when nil; tests replace it).
	Hostname func() (string, error)

	// Auth is "auto" (or "") or a mechanism: PLAIN, LOGIN, CRAM-MD5,
	// XOAUTH2.
	Auth         string
	User         string
	Password     string
	Token        string
	InsecureAuth bool

	// Timeout limits one step (connect, one command and its reply, the
	// TLS handshake); DataTimeout the wait for the reply to the final dot.
	Timeout     time.Duration
	DataTimeout time.Duration
	// Retries is how many more attempts a temporary failure gets;
	// RetryDelay is the first backoff, doubled each time, with jitter.
	Retries    int
	RetryDelay time.Duration

	// QuitAfter, when set, stops the dialogue after that stage (connect,
	// ehlo, tls, auth, mail, rcpt) with QUIT: a test of the server that
	// sends no message (result "tested").
	QuitAfter string
	// DSNNotify (NOTIFY=, per RCPT), DSNRet (RET=) and EnvID (ENVID=,
	// xtext-encoded) are the RFC 3461 parameters, sent only when the
	// server offers DSN; otherwise the record notes they were not.
	DSNNotify string
	DSNRet    string
	EnvID     string

	// Transcript receives the dialogue (-v), or nil.
	Transcript *Transcript

	// Dialer opens connections (a *net.Dialer when nil).
	Dialer Dialer
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Sleep waits between attempts (a timer honouring ctx when nil).
	Sleep func(ctx context.Context, d time.Duration) error
	// Random is the source of jitter (math/rand when nil); any
	// io.Reader-backed generator will do.
	Random io.Reader
}

// HasCredentials reports whether AUTH is to be done.
func (c *Config) HasCredentials() bool {
	return c.User != "" || c.Password != "" || c.Token != ""
}

func (c *Config) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

func (c *Config) dataTimeout() time.Duration {
	if c.DataTimeout > 0 {
		return c.DataTimeout
	}
	if t := c.timeout(); t > DefaultDataTimeout {
		return t
	}
	return DefaultDataTimeout
}

func (c *Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// opportunistic reports whether an unverified certificate is acceptable:
// MX delivery without --tls-verify.
func (c *Config) opportunistic() bool {
	return c.Server == "" && !c.TLSVerify && !c.SkipVerify
}

func (c *Config) tlsMode() TLSMode {
	if c.TLS == "" {
		return TLSAuto
	}
	return c.TLS
}

// secrets lists what must never be printed for this configuration.
func (c *Config) secrets() *secrets {
	// The AUTH blobs too, whichever mechanism is used: a server may echo
	// any of them, and a secret's base64 inside a blob's base64 depends
	// on where it falls.
	s := newSecrets(c.Password, c.Token)
	if c.Password != "" {
		s.add(plainBlob(c.User, c.Password))
	}
	if c.Token != "" {
		s.add(xoauth2Blob(c.User, c.Token))
	}
	return s
}

// ParseServer splits HOST[:PORT] (or [IPv6]:PORT), defaulting the port.
func ParseServer(s string, defaultPort int) (host string, port int, err error) {
	if s == "" || strings.ContainsAny(s, " \t\r\n/") {
		return "", 0, errorf(ErrBadInput, "server %q", s)
	}
	host, portStr, err := net.SplitHostPort(s)
	if err != nil {
		// No port: a bare host, or a bare IPv6 address.
		host, portStr = strings.Trim(s, "[]"), ""
		if strings.Count(s, ":") == 1 {
			return "", 0, errorf(ErrBadInput, "server %q: bad port", s)
		}
	}
	if host == "" {
		return "", 0, errorf(ErrBadInput, "server %q: no host", s)
	}
	port = defaultPort
	if portStr == "" && strings.HasSuffix(s, ":") {
		return "", 0, errorf(ErrBadInput, "server %q: empty port", s)
	}
	if portStr != "" {
		n := 0
		for _, c := range portStr {
			if c < '0' || c > '9' {
				return "", 0, errorf(ErrBadInput, "server %q: port %q is not a number", s, portStr)
			}
			n = n*10 + int(c-'0')
			if n > 65535 {
				break
			}
		}
		if n < 1 || n > 65535 {
			return "", 0, errorf(ErrBadInput, "server %q: port %q is not a number from 1 to 65535", s, portStr)
		}
		port = n
	}
	return host, port, nil
}
