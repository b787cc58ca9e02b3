package smtpprobe

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/relayctl/relayctl/checks/tlsx"
	"github.com/relayctl/relayctl/internal/textutil"
)

// TLSInfo is what the handshake showed.
type TLSInfo struct {
	// Version is "TLS1.3", "TLS1.2", "TLS1.1" or "TLS1.0".
	Version     string `json:"version"`
	CipherSuite string `json:"cipher_suite"`
	// KeyExchange is the group of the key exchange ("X25519MLKEM768",
	// "X25519", "P-256"…); "RSA" for the legacy RSA key exchange.
	KeyExchange string `json:"key_exchange"`
	// ServerName is the TLS server name the probe sent (none for an IP).
	ServerName string `json:"server_name,omitempty"`
	// Certificate is the server's own (leaf) certificate.
	Certificate *Certificate `json:"certificate,omitempty"`
	// Chain is every certificate the server sent, leaf first.
	Chain []ChainCert `json:"chain"`
	// ChainInOrder: each certificate sent is signed by the next one.
	ChainInOrder bool `json:"chain_in_order"`
	// Trusted: the chain leads to a trusted root (the system's, or
	// --ca), leaving the validity dates aside; TrustError says why not.
	Trusted    bool   `json:"trusted"`
	TrustError string `json:"trust_error,omitempty"`
	// NameMatch: the certificate is valid for the host probed.
	NameMatch bool   `json:"name_match"`
	NameError string `json:"name_error,omitempty"`
	// Verified: what a strict client would accept — trusted, name match
	// and within its dates.
	Verified bool `json:"verified"`
	// Roots is "system" or "custom" (--ca).
	Roots string `json:"roots"`
}

// Certificate describes the leaf certificate.
type Certificate struct {
	Subject   string    `json:"subject"`
	Issuer    string    `json:"issuer"`
	SANs      []string  `json:"sans"`
	Serial    string    `json:"serial"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	// DaysLeft is whole days until NotAfter, truncated; negative once
	// expired by a day or more.
	DaysLeft           int    `json:"days_left"`
	Expired            bool   `json:"expired"`
	NotYetValid        bool   `json:"not_yet_valid"`
	KeyType            string `json:"key_type"` // RSA, ECDSA, Ed25519
	KeyBits            int    `json:"key_bits"`
	SignatureAlgorithm string `json:"signature_algorithm"`
	SelfSigned         bool   `json:"self_signed"`
	// SHA256 is the fingerprint of the DER certificate, hex.
	SHA256 string `json:"sha256"`
}

// ChainCert is one certificate of the chain as sent.
type ChainCert struct {
	Subject  string    `json:"subject"`
	Issuer   string    `json:"issuer"`
	NotAfter time.Time `json:"not_after"`
}

// clientConfig accepts any certificate — the probe verifies it itself
// afterwards, so that a bad one still yields every detail — and every
// protocol version and cipher suite Go has, so that an old server still
// shows what it negotiates.
func clientConfig(host string) *tls.Config {
	var suites []uint16
	for _, cs := range tls.CipherSuites() {
		suites = append(suites, cs.ID)
	}
	for _, cs := range tls.InsecureCipherSuites() {
		suites = append(suites, cs.ID)
	}
	cfg := &tls.Config{
		InsecureSkipVerify: true,
		MinVersion:         tls.VersionTLS10,
		CipherSuites:       suites,
	}
	if _, err := netip.ParseAddr(host); err != nil {
		cfg.ServerName = host // RFC 6066 §3: no SNI for an IP address
	}
	return cfg
}

// handshake runs the TLS handshake over the session's stream and records
// its details; false when it failed and the probe stops.
func (p *Probe) handshake(ctx context.Context, s *session, opt Options) bool {
	cfg := clientConfig(p.Host)
	if err := s.step(ctx); err != nil {
		p.fail(StageHandshake, FailureTLS, err)
		return false
	}
	t := time.Now()
	tc := tlsClient(s.conn, cfg)
	err := tc.HandshakeContext(ctx)
	p.Timings.Handshake = ms(time.Since(t))
	if err != nil {
		err = s.wrap(ctx, err)
		p.fail(StageHandshake, FailureTLS, newError(nil, "TLS handshake failed", err))
		return false
	}
	st := tc.ConnectionState()
	p.ConnectionState = &st
	p.Chain = st.PeerCertificates
	p.TLS = describeTLS(&st, p.Host, opt)
	p.note(fmt.Sprintf("-- TLS: %s %s %s", p.TLS.Version, p.TLS.CipherSuite, p.TLS.KeyExchange))
	s.setConn(tc)
	return true
}

var tlsClient = tls.Client

func describeTLS(st *tls.ConnectionState, host string, opt Options) *TLSInfo {
	info := &TLSInfo{
		Version:     tlsx.VersionName(st.Version),
		CipherSuite: tls.CipherSuiteName(st.CipherSuite),
		KeyExchange: "RSA",
		ServerName:  st.ServerName,
		Chain:       []ChainCert{},
		Roots:       "system",
	}
	if opt.Roots != nil {
		info.Roots = "custom"
	}
	if st.CurveID != 0 {
		info.KeyExchange = st.CurveID.String()
	}
	certs := st.PeerCertificates
	if len(certs) == 0 {
		info.TrustError = "the server sent no certificate"
		return info
	}
	now := opt.now()
	info.Certificate = describeCert(certs[0], now)
	for _, c := range certs {
		info.Chain = append(info.Chain, ChainCert{Subject: c.Subject.String(), Issuer: c.Issuer.String(), NotAfter: c.NotAfter.UTC()})
	}
	info.ChainInOrder = chainInOrder(certs)
	if err := trust(certs, opt.Roots, now); err != nil {
		info.TrustError = err.Error()
	} else {
		info.Trusted = true
	}
	if err := certs[0].VerifyHostname(host); err != nil {
		info.NameError = nameError(certs[0], host)
	} else {
		info.NameMatch = true
	}
	info.Verified = info.Trusted && info.NameMatch && !info.Certificate.Expired && !info.Certificate.NotYetValid
	return info
}

func describeCert(c *x509.Certificate, now time.Time) *Certificate {
	sum := sha256.Sum256(c.Raw)
	cert := &Certificate{
		Subject:            c.Subject.String(),
		Issuer:             c.Issuer.String(),
		SANs:               sans(c),
		Serial:             c.SerialNumber.Text(16),
		NotBefore:          c.NotBefore.UTC(),
		NotAfter:           c.NotAfter.UTC(),
		DaysLeft:           daysLeft(c.NotAfter, now),
		Expired:            now.After(c.NotAfter),
		NotYetValid:        now.Before(c.NotBefore),
		SignatureAlgorithm: c.SignatureAlgorithm.String(),
		SelfSigned:         selfSigned(c),
		SHA256:             hex.EncodeToString(sum[:]),
	}
	cert.KeyType, cert.KeyBits = keyInfo(c)
	return cert
}

// daysLeft counts whole days to t, truncated towards zero: 5 days and
// an hour is 5, expired 3 days and an hour ago is -3 (Expired tells the
// last day's hours apart).
func daysLeft(t, now time.Time) int {
	return int(t.Sub(now) / (24 * time.Hour))
}

func sans(c *x509.Certificate) []string {
	out := slices.Clone(c.DNSNames)
	for _, ip := range c.IPAddresses {
		out = append(out, ip.String())
	}
	if out == nil {
		out = []string{}
	}
	return out
}

func keyInfo(c *x509.Certificate) (string, int) {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return "RSA", k.N.BitLen()
	case *ecdsa.PublicKey:
		return "ECDSA", k.Curve.Params().BitSize
	case ed25519.PublicKey:
		return "Ed25519", 256
	}
	return c.PublicKeyAlgorithm.String(), 0
}

func selfSigned(c *x509.Certificate) bool {
	return string(c.RawIssuer) == string(c.RawSubject) && c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}

// chainInOrder: each certificate is issued and signed by the next
// (RFC 8446 §4.4.2 and RFC 5246 §7.4.2 ask for this order).
func chainInOrder(certs []*x509.Certificate) bool {
	for i := 0; i+1 < len(certs); i++ {
		if string(certs[i].RawIssuer) != string(certs[i+1].RawSubject) || certs[i].CheckSignatureFrom(certs[i+1]) != nil {
			return false
		}
	}
	return true
}

// trust verifies the chain against roots (the system's when nil) for
// server authentication, leaving aside the leaf's validity dates, which
// are judged on their own: when the leaf is outside them, the chain is
// verified at an instant inside them instead.
func trust(certs []*x509.Certificate, roots *x509.CertPool, now time.Time) error {
	leaf := certs[0]
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	// Try now first, then the last and first instants of the leaf's
	// validity: the chain is trusted when it verifies at one of them.
	var err error
	for _, at := range []time.Time{now, leaf.NotAfter.Add(-time.Second), leaf.NotBefore.Add(time.Second)} {
		_, e := leaf.Verify(x509.VerifyOptions{
			Roots:         roots,
			Intermediates: inter,
			CurrentTime:   at,
			KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		})
		if e == nil {
			return nil
		}
		var ci x509.CertificateInvalidError
		if err == nil || !(errors.As(e, &ci) && ci.Reason == x509.Expired) {
			err = e // keep the most telling error: one not about dates
		}
	}
	var ua x509.UnknownAuthorityError
	var ci x509.CertificateInvalidError
	switch {
	case errors.As(err, &ua) && selfSigned(leaf):
		return errors.New("self-signed certificate")
	case errors.As(err, &ua) && len(certs) == 1:
		return fmt.Errorf("issued by an unknown authority (%s), and the server sent no intermediate certificate", leaf.Issuer.CommonName)
	case errors.As(err, &ua):
		return fmt.Errorf("issued by an unknown authority (%s)", leaf.Issuer.CommonName)
	case errors.As(err, &ci) && ci.Reason == x509.Expired:
		return fmt.Errorf("a certificate of the chain is outside its validity period: %s", ci.Cert.Subject)
	}
	return errors.New(textutil.LibraryText(err))
}

// nameError says which names the certificate holds instead.
func nameError(c *x509.Certificate, host string) string {
	names := sans(c)
	if len(names) == 0 && c.Subject.CommonName != "" {
		return fmt.Sprintf("the certificate has no subject alternative names (only CN %q, which clients ignore), so it is not valid for %s", c.Subject.CommonName, host)
	}
	if len(names) > 5 {
		names = append(names[:5:5], fmt.Sprintf("and %d more", len(sans(c))-5))
	}
	return fmt.Sprintf("the certificate is valid for %s, not for %s", strings.Join(names, ", "), host)
}
