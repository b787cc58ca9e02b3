package dane

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// pki is a small test PKI: root → intermediate → leaf, made fresh per test.
type pki struct {
	root, inter, leaf *x509.Certificate
	// other is a CA that issued nothing here.
	other *x509.Certificate
}

type certSpec struct {
	name      string
	ca        bool
	notBefore time.Time
	notAfter  time.Time
}

var serial int64

func makeCert(t testing.TB, spec certSpec, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial++
	if spec.notBefore.IsZero() {
		spec.notBefore = time.Now().Add(-time.Hour)
	}
	if spec.notAfter.IsZero() {
		spec.notAfter = time.Now().Add(24 * time.Hour)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial),
		Subject:               pkix.Name{CommonName: spec.name},
		NotBefore:             spec.notBefore,
		NotAfter:              spec.notAfter,
		BasicConstraintsValid: true,
		IsCA:                  spec.ca,
	}
	if spec.ca {
		tmpl.KeyUsage = x509.KeyUsageCertSign
	} else {
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.DNSNames = []string{spec.name}
	}
	signer, signerKey := tmpl, key
	if parent != nil {
		signer, signerKey = parent, parentKey
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c, key
}

// newPKI makes root → inter → leaf (for mx.example.net); interSpec
// changes the intermediate's dates.
func newPKI(t testing.TB, interSpec certSpec) *pki {
	t.Helper()
	root, rootKey := makeCert(t, certSpec{name: "Test Root", ca: true}, nil, nil)
	interSpec.name, interSpec.ca = "Test Intermediate", true
	inter, interKey := makeCert(t, interSpec, root, rootKey)
	leaf, _ := makeCert(t, certSpec{name: "mx.example.net"}, inter, interKey)
	other, _ := makeCert(t, certSpec{name: "Other Root", ca: true}, nil, nil)
	return &pki{root: root, inter: inter, leaf: leaf, other: other}
}

// tlsa builds the record that matches c with these parameters.
func tlsa(usage, selector, mtype uint8, c *x509.Certificate) *dns.TLSA {
	content := c.Raw
	if selector == SelectorSPKI {
		content = c.RawSubjectPublicKeyInfo
	}
	switch mtype {
	case MatchSHA256:
		s := sha256.Sum256(content)
		content = s[:]
	case MatchSHA512:
		s := sha512.Sum512(content)
		content = s[:]
	}
	return &dns.TLSA{
		Hdr:          dns.RR_Header{Name: "_25._tcp.mx.example.net.", Rrtype: dns.TypeTLSA, Class: dns.ClassINET, Ttl: 300},
		Usage:        usage,
		Selector:     selector,
		MatchingType: mtype,
		Certificate:  hex.EncodeToString(content),
	}
}

// rr is the record's zone-file line at owner.
func rr(owner string, t *dns.TLSA) string {
	return fmt.Sprintf("%s 300 IN TLSA %d %d %d %s", owner, t.Usage, t.Selector, t.MatchingType, t.Certificate)
}
