package smtpprobe

import (
	"context"
	"crypto/x509"
	"net"
	"time"

	"github.com/relayctl/relayctl/checks/smtpwire"
)

// Defaults.
const (
	// DefaultTimeout limits one step of the dialogue (connect, one reply,
	// the TLS handshake) when Options.Timeout is zero.
	DefaultTimeout = 5 * time.Second
	// DefaultConcurrency bounds the connections in flight per target.
	DefaultConcurrency = 16
	// ExpiringDays is how close to its expiry a certificate gets
	// smtp.cert-expiring.
	ExpiringDays = 14
	// RelayFrom and RelayTo are the envelope of the open-relay test: a
	// sender outside the server's domains (RFC 2606 reserves
	// example.com) and a recipient in a domain that can never exist
	// (RFC 2606 §2 reserves .invalid), so nothing can be delivered even
	// by an open relay — and the test never sends DATA anyway.
	RelayFrom = "relayctl-relay-test@example.com"
	RelayTo   = "relayctl-relay-test@relay-test.invalid"
)

// The default ports when a target names none: SMTP relay (RFC 5321 §4.5.4
// via DNS, port 25), submission with STARTTLS (RFC 6409, 587) and
// submission over implicit TLS (RFC 8314 §3.3, 465).
var DefaultPorts = []int{25, 587, 465}

// Options say how to probe.
type Options struct {
	// EHLO is the name the probe greets with; when empty,
	// smtpwire.DefaultEHLO(Hostname).
	EHLO string
	// Hostname is this host's name for the default EHLO name (os.Hostname
	// when nil; tests replace it).
	Hostname func() (string, error)
	// Timeout limits each step; DefaultTimeout when zero.
	Timeout time.Duration
	// Roots verify the server's chain; the system's roots when nil.
	Roots *x509.CertPool
	// SkipVerify (--tls-skip-verify): the chain and name are still
	// checked and reported in the data, but an untrusted chain or a name
	// mismatch is no finding. Expiry is still judged.
	SkipVerify bool
	// ImplicitTLS forces TLS from the first byte on every port (port 465
	// always uses it).
	ImplicitTLS bool
	// RelayTest runs the opt-in open-relay test: MAIL FROM RelayFrom,
	// RCPT TO RelayTo, then RSET — never DATA.
	RelayTest bool
	// Concurrency bounds connections in flight for one target
	// (DefaultConcurrency when zero or less).
	Concurrency int
	// Now is the clock for certificate expiry (time.Now when nil).
	Now func() time.Time
	// Dial replaces the network dialer (tests); nil means a net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

func (o Options) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return DefaultTimeout
}

func (o Options) ehlo() string {
	if o.EHLO != "" {
		return o.EHLO
	}
	return smtpwire.DefaultEHLO(o.Hostname)
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o Options) concurrency() int {
	if o.Concurrency > 0 {
		return o.Concurrency
	}
	return DefaultConcurrency
}

// implicit says whether port is probed with TLS from the first byte.
func (o Options) implicit(port int) bool {
	return o.ImplicitTLS || port == 465
}
