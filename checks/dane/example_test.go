package dane_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"fmt"
	"math/big"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks/dane"
)

// A server's self-signed certificate and the "3 1 1" record that pins
// its key: DANE-EE ignores who issued the certificate.
func ExampleMatch() {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "mx.example.net"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	leaf, _ := x509.ParseCertificate(der)

	sum := sha256.Sum256(leaf.RawSubjectPublicKeyInfo)
	rec := &dns.TLSA{Usage: 3, Selector: 1, MatchingType: 1, Certificate: hex.EncodeToString(sum[:])}
	res := dane.Match([]*dns.TLSA{rec}, []*x509.Certificate{leaf})
	fmt.Println(res.Matched, res.Usage, res.Depth)

	stale := &dns.TLSA{Usage: 3, Selector: 1, MatchingType: 1, Certificate: hex.EncodeToString(make([]byte, 32))}
	res = dane.Match([]*dns.TLSA{stale}, []*x509.Certificate{leaf})
	fmt.Println(res.Matched, res.Reason)
	// Output:
	// true DANE-EE 0
	// false none of the 1 usable TLSA records matches the server certificate or any certificate in its chain
}

func ExampleParse() {
	r := dane.Parse(&dns.TLSA{Usage: 1, Selector: 1, MatchingType: 1, Certificate: "00"})
	fmt.Println(r.Text, r.Usable, r.Problem)
	// Output: PKIX-EE SPKI SHA2-256 false pkix-usage
}
