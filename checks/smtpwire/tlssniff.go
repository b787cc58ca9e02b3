package smtpwire

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"time"
)

// LooksLikeTLS reports whether b starts like a TLS record rather than an
// SMTP reply: a content type from 20 to 23 (change_cipher_spec, alert,
// handshake, application_data) and a legacy version byte of 3 (RFC 8446
// §5.1; 0x16 0x03 is a handshake, such as a ServerHello). Two bytes are
// enough: no SMTP reply starts with a control character.
func LooksLikeTLS(b []byte) bool {
	return len(b) >= 2 && b[0] >= 0x14 && b[0] <= 0x17 && b[1] == 0x03
}

// DialFunc opens a connection, as (*net.Dialer).DialContext does.
type DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// AnswersTLS reports whether addr answers a TLS ClientHello: it dials a
// new connection and starts a handshake (the certificate unchecked,
// nothing else sent), within timeout. A completed handshake, or a TLS
// alert from the server, is a yes: the port speaks TLS from the first
// byte (RFC 8314 implicit TLS). It is how a silent banner is told from
// a server that is slow or dead.
func AnswersTLS(ctx context.Context, dial DialFunc, addr, serverName string, timeout time.Duration) bool {
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	nc, err := dial(ctx, "tcp", addr)
	if err != nil {
		return false
	}
	defer nc.Close()
	tc := tls.Client(nc, &tls.Config{ServerName: serverName, InsecureSkipVerify: true})
	err = tc.HandshakeContext(ctx)
	// A received alert comes back as a "remote error" (crypto/tls).
	var oe *net.OpError
	return err == nil || errors.As(err, &oe) && oe.Op == "remote error"
}
