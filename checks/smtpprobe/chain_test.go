package smtpprobe

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
	"github.com/relayctl/relayctl/checks/tlsx/tlstest"
)

// pkiCert is a certificate with its key, for building a chain by hand.
type pkiCert struct {
	cert *x509.Certificate
	key  crypto.Signer
}

// mint makes a certificate signed by parent (self-signed when parent is
// nil): a CA when ca is set, else a server certificate for localhost and
// 127.0.0.1.
func mint(t *testing.T, cn string, parent *pkiCert, ca bool) *pkiCert {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sn, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: sn,
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().AddDate(0, 0, 90),
	}
	if ca {
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	} else {
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.DNSNames = []string{"localhost"}
		tmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
	}
	issuer, signer := tmpl, crypto.Signer(key)
	if parent != nil {
		issuer, signer = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, key.Public(), signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &pkiCert{cert: c, key: key}
}

// A server behind an intermediate CA that sends its certificates out of
// order (leaf, root, intermediate — or with an unrelated certificate in
// between) is still trusted, since verifiers sort the chain themselves,
// but gets smtp.cert-chain-order (info, docs/smtp.md). The same
// certificates in order give nothing.
func TestCertChainOrder(t *testing.T) {
	root := mint(t, "relayctl chain test root", nil, true)
	inter := mint(t, "relayctl chain test intermediate", root, true)
	leaf := mint(t, "localhost", inter, false)
	stranger := mint(t, "relayctl unrelated CA", nil, true)

	cases := []struct {
		name    string
		chain   []*pkiCert
		inOrder bool
	}{
		{"leaf, intermediate, root", []*pkiCert{leaf, inter, root}, true},
		{"leaf, intermediate", []*pkiCert{leaf, inter}, true},
		{"leaf, root, intermediate", []*pkiCert{leaf, root, inter}, false},
		{"leaf, unrelated, intermediate", []*pkiCert{leaf, stranger, inter}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var ders [][]byte
			for _, pc := range c.chain {
				ders = append(ders, pc.cert.Raw)
			}
			cert := tls.Certificate{Certificate: ders, PrivateKey: leaf.key, Leaf: leaf.cert}
			srv := server(t, smtptest.Config{TLS: tlstest.TLSConfig(cert), Implicit: true})
			o := opts(t, nil)
			o.Roots = x509.NewCertPool()
			o.Roots.AddCert(root.cert)
			p, res := probeAt(t, srv.Addr, "localhost", 465, o)
			if p.TLS == nil || p.TLS.Certificate == nil {
				t.Fatalf("no TLS details: %+v (error %q)", p, res.Error)
			}
			var subjects, want []string
			for _, cc := range p.TLS.Chain {
				subjects = append(subjects, cc.Subject)
			}
			for _, pc := range c.chain {
				want = append(want, pc.cert.Subject.String())
			}
			if !slices.Equal(subjects, want) {
				t.Errorf("chain as recorded %q, want as sent %q", subjects, want)
			}
			if p.TLS.ChainInOrder != c.inOrder || !p.TLS.Trusted || !p.TLS.NameMatch || !p.TLS.Verified {
				t.Errorf("tls %+v", p.TLS)
			}
			wellFormed(t, res)
			if c.inOrder {
				wantCodes(t, res)
				if res.Status != checks.StatusOK {
					t.Errorf("status %s", res.Status)
				}
				return
			}
			wantCodes(t, res, CodeCertChainOrder)
			f := findingOf(res, CodeCertChainOrder)
			if f == nil || f.Severity != checks.SeverityInfo || f.Ref != "RFC 8446 §4.4.2" {
				t.Errorf("finding %+v", f)
			}
			// An info finding leaves the status ok (checks.Result.Settle).
			if res.Status != checks.StatusOK {
				t.Errorf("status %s, want ok", res.Status)
			}
		})
	}
}
