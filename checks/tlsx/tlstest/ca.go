// Package tlstest makes certificate authorities and server certificates
// for tests — the one test CA of relayctl, for HTTPS (MTA-STS, BIMI) and
// SMTP (send, the probe, check domain --smtp) alike: a fresh ECDSA P-256
// CA, leaf certificates for any DNS names or IP addresses, with an RSA
// key of a chosen size, self-signed, expired or not yet valid when a test
// needs it. Nothing here is for production use.
package tlstest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// CA is a certificate authority made for one test (or one test binary).
type CA struct {
	Cert *x509.Certificate
	key  *ecdsa.PrivateKey
	der  []byte
}

var serial atomic.Int64

// NewCA makes a CA named name, valid from a year ago for ten years, so
// that leaves valid in the past or the future still chain to it.
func NewCA(t testing.TB, name string) *CA {
	t.Helper()
	ca, err := New(name)
	if err != nil {
		t.Fatalf("tlstest: %v", err)
	}
	return ca
}

// New is NewCA without a testing.TB, for a CA shared by a test binary.
func New(name string) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial.Add(1)),
		Subject:               pkix.Name{CommonName: name, Organization: []string{"relayctl tests"}},
		NotBefore:             now.AddDate(-1, 0, 0),
		NotAfter:              now.AddDate(10, 0, 0),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, key: key, der: der}, nil
}

// Pool is a pool that trusts only this CA.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// PEM is the CA certificate in PEM form.
func (ca *CA) PEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.der})
}

// WritePEM writes the CA certificate to a file in the test's temporary
// folder and returns its path (for --ca FILE).
func (ca *CA) WritePEM(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, ca.PEM(), 0o600); err != nil {
		t.Fatalf("tlstest: %v", err)
	}
	return path
}

// LeafOptions change a leaf certificate from the default: valid from an
// hour ago for 90 days, an ECDSA P-256 key, signed by the CA.
type LeafOptions struct {
	// Names are DNS names or IP addresses, before those passed to Issue
	// or Make.
	Names               []string
	NotBefore, NotAfter time.Time
	// RSABits makes an RSA key of that size instead.
	RSABits int
	// SelfSigned signs the certificate with its own key instead of the
	// CA's; the chain sent is then the leaf alone.
	SelfSigned bool
}

// Issue makes a server certificate for the names (DNS names or IP
// addresses; "localhost" and 127.0.0.1 when none) signed by the CA. The
// chain is the leaf, then the CA.
func (ca *CA) Issue(t testing.TB, names ...string) tls.Certificate {
	t.Helper()
	return ca.IssueWith(t, LeafOptions{}, names...)
}

// IssueWith is Issue with a chosen validity period, key or signer.
func (ca *CA) IssueWith(t testing.TB, opt LeafOptions, names ...string) tls.Certificate {
	t.Helper()
	cert, err := ca.Make(opt, names...)
	if err != nil {
		t.Fatalf("tlstest: %v", err)
	}
	return cert
}

// Make is IssueWith without a testing.TB.
func (ca *CA) Make(opt LeafOptions, names ...string) (tls.Certificate, error) {
	var key crypto.Signer
	var err error
	if opt.RSABits > 0 {
		key, err = rsa.GenerateKey(rand.Reader, opt.RSABits)
	} else {
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	if opt.NotBefore.IsZero() {
		opt.NotBefore = now.Add(-time.Hour)
	}
	if opt.NotAfter.IsZero() {
		opt.NotAfter = now.AddDate(0, 0, 90)
	}
	names = append(append([]string(nil), opt.Names...), names...)
	if len(names) == 0 {
		names = []string{"localhost", "127.0.0.1"}
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial.Add(1)),
		Subject:      pkix.Name{CommonName: names[0]},
		NotBefore:    opt.NotBefore,
		NotAfter:     opt.NotAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	parent, signer := ca.Cert, crypto.Signer(ca.key)
	if opt.SelfSigned {
		parent, signer = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), signer)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	chain := [][]byte{der}
	if !opt.SelfSigned {
		chain = append(chain, ca.der)
	}
	return tls.Certificate{Certificate: chain, PrivateKey: key, Leaf: leaf}, nil
}

// TLSConfig is a server configuration presenting cert.
func TLSConfig(cert tls.Certificate) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{cert}}
}

// ServerConfig is a server configuration with a certificate from the CA
// for names (see Issue).
func (ca *CA) ServerConfig(t testing.TB, names ...string) *tls.Config {
	t.Helper()
	return TLSConfig(ca.Issue(t, names...))
}
