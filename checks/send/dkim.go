package send

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/relayctl/relayctl/internal/textutil"
)

// DKIMSigner signs messages (RFC 6376) with relaxed/relaxed
// canonicalization: rsa-sha256 for an RSA key, ed25519-sha256 (RFC 8463)
// for an Ed25519 key.
type DKIMSigner struct {
	Domain   string
	Selector string
	key      crypto.Signer
}

// signedHeaders are the fields signed when present (RFC 6376 §5.4.1's
// list, trimmed to what a sent message carries).
var signedHeaders = []string{
	"From", "Reply-To", "Subject", "Date", "To", "Cc", "Message-ID",
	"In-Reply-To", "References", "MIME-Version", "Content-Type",
	"Content-Transfer-Encoding", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post",
}

// ParseDKIMKey reads a PEM private key: PKCS #1 or PKCS #8 RSA, or PKCS #8
// Ed25519. RSA keys under 1024 bits are refused (RFC 8301 §3.2).
func ParseDKIMKey(pemData []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(pemData)
	if block == nil {
		return nil, errorf(ErrBadInput, "DKIM key: no PEM block")
	}
	var key any
	var err error
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	default:
		return nil, errorf(ErrBadInput, "DKIM key: PEM type %q; want PRIVATE KEY or RSA PRIVATE KEY", block.Type)
	}
	if err != nil {
		return nil, errorf(ErrBadInput, "DKIM key: %v", textutil.LibraryText(err))
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < 1024 {
			return nil, errorf(ErrBadInput, "DKIM key: RSA key of %d bits; verifiers ignore keys under 1024 (RFC 8301 §3.2)", k.N.BitLen())
		}
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	}
	return nil, errorf(ErrBadInput, "DKIM key: %T is neither RSA nor Ed25519", key)
}

// NewDKIMSigner checks the domain and selector and returns a signer.
func NewDKIMSigner(key crypto.Signer, domain, selector string) (*DKIMSigner, error) {
	if selector == "" || strings.ContainsAny(selector, " \t\r\n;=") {
		return nil, errorf(ErrBadInput, "DKIM selector %q", selector)
	}
	if domain == "" || strings.ContainsAny(domain, " \t\r\n;=") {
		return nil, errorf(ErrBadInput, "DKIM domain %q", domain)
	}
	return &DKIMSigner{Domain: domain, Selector: selector, key: key}, nil
}

// Algorithm is the a= tag the signer writes.
func (s *DKIMSigner) Algorithm() string {
	if _, ok := s.key.(ed25519.PrivateKey); ok {
		return "ed25519-sha256"
	}
	return "rsa-sha256"
}

// Sign puts a DKIM-Signature field at the top of msg.Data.
func (s *DKIMSigner) Sign(msg *Message) error {
	var keys []string
	for _, h := range signedHeaders {
		if headerValue(msg.Data, h) != "" {
			keys = append(keys, h)
		}
	}
	opts := &dkim.SignOptions{
		Domain:                 s.Domain,
		Selector:               s.Selector,
		Signer:                 s.key,
		Hash:                   crypto.SHA256,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed,
		BodyCanonicalization:   dkim.CanonicalizationRelaxed,
		HeaderKeys:             keys,
	}
	var out bytes.Buffer
	if err := dkim.Sign(&out, bytes.NewReader(msg.Data), opts); err != nil {
		return wrap("DKIM signing", err)
	}
	msg.Data = out.Bytes()
	msg.DKIM = &DKIMInfo{Domain: s.Domain, Selector: s.Selector, Algorithm: s.Algorithm(),
		Canonicalization: "relaxed/relaxed", Headers: keys}
	return nil
}

// DKIMInfo is how a message was signed, for its record.
type DKIMInfo struct {
	Domain           string   `json:"domain"`    // d=
	Selector         string   `json:"selector"`  // s=
	Algorithm        string   `json:"algorithm"` // a=: rsa-sha256 or ed25519-sha256
	Canonicalization string   `json:"canonicalization"`
	Headers          []string `json:"headers"` // h=: the fields signed
}
