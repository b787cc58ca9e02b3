// Package tlsx holds the TLS helpers relayctl's checks share: loading the
// certificate authority a user names with --ca (check domain's MTA-STS
// and BIMI fetches, check smtp and check domain --smtp all trust it the
// same way).
package tlsx

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/internal/textutil"
)

// Sentinel errors.
var (
	ErrNoCertificates = errors.New("tlsx: no PEM certificate in the file")
	ErrBadCertificate = errors.New("tlsx: invalid certificate")
)

// LoadCA reads the PEM certificates in path and returns a pool that
// trusts them in addition to the system's roots (only them when the
// system has none). It fails when the file cannot be read, holds no
// CERTIFICATE block, or a block does not parse.
func LoadCA(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, checks.WrapError("tlsx", nil, "cannot read the CA file", err)
	}
	certs, err := ParseCerts(b)
	if err != nil {
		return nil, &inFile{err, path}
	}
	return PoolWith(certs...), nil
}

// ParseCerts returns every CERTIFICATE block of a PEM bundle, skipping
// other blocks (a private key in the same file is ignored).
func ParseCerts(pemData []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	rest := pemData
	for {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, checks.NewError("tlsx", ErrBadCertificate, fmt.Sprintf("invalid certificate: certificate %d: %s", len(out)+1, textutil.LibraryText(err)))
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, checks.NewError("tlsx", ErrNoCertificates, "no PEM certificate in the file")
	}
	return out, nil
}

// inFile says which file a parse error is about: "… (ca.pem)".
type inFile struct {
	err  error
	path string
}

func (e *inFile) Error() string   { return e.err.Error() + " (" + e.path + ")" }
func (e *inFile) Message() string { return checks.Message(e.err) + " (" + e.path + ")" }
func (e *inFile) Unwrap() error   { return e.err }

// PoolWith returns the system roots plus certs, or a pool of certs
// alone when the system roots cannot be loaded.
func PoolWith(certs ...*x509.Certificate) *x509.CertPool {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	for _, c := range certs {
		pool.AddCert(c)
	}
	return pool
}
