package dkimverify

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"strings"

	"github.com/relayctl/relayctl/checks/dkim"
)

// StripTag returns the field with the value of tag name emptied, all
// whitespace around it included: how a signature's own b= is left out of
// what it signs (RFC 6376 §3.7, RFC 8617 §5.1.1).
func StripTag(raw []byte, name string) []byte {
	colon := bytes.IndexByte(raw, ':')
	if colon < 0 {
		return raw
	}
	start := colon + 1
	for start <= len(raw) {
		end := bytes.IndexByte(raw[start:], ';')
		if end < 0 {
			end = len(raw)
		} else {
			end += start
		}
		part := raw[start:end]
		if eq := bytes.IndexByte(part, '='); eq >= 0 && string(bytes.Trim(part[:eq], " \t\r\n")) == name {
			// Keep the line break that ends the field, if the tag is last.
			tail := raw[end:]
			if end == len(raw) {
				tail = raw[len(trimEOL(raw)):]
			}
			out := make([]byte, 0, len(raw))
			out = append(out, raw[:start+eq+1]...)
			return append(out, tail...)
		}
		start = end + 1
	}
	return raw
}

// HeaderFacts are what h= covers of the message's header.
type HeaderFacts struct {
	// FromSigned: a From field is among those signed.
	FromSigned bool `json:"from_signed"`
	// FromOverSigned: h= names From more times than the message has From
	// fields, so a From added later breaks the signature (RFC 6376 §8.15).
	FromOverSigned bool `json:"from_over_signed"`
}

// HeaderFacts says what h= covers of the message's From fields.
func (s *Signature) HeaderFacts(header []Field) HeaderFacts {
	froms, named := 0, 0
	for _, f := range header {
		if f.Is("from") {
			froms++
		}
	}
	for _, h := range s.Headers {
		if strings.EqualFold(h, "from") {
			named++
		}
	}
	return HeaderFacts{FromSigned: froms > 0 && named > 0, FromOverSigned: froms > 0 && named > froms}
}

// HeaderData is the input of the signature's hash: the fields h= names,
// each taken from the bottom of the header up, one instance per mention,
// a name with no instance left adding nothing (RFC 6376 §5.4.2); then
// self, the signature's own field, with b= emptied and no final CRLF
// (§3.7).
func (s *Signature) HeaderData(header []Field, self Field) []byte {
	next := map[string]int{} // lower-case name → index to search above
	var data []byte
	for _, h := range s.Headers {
		lh := strings.ToLower(h)
		i, ok := next[lh]
		if !ok {
			i = len(header)
		}
		for i--; i >= 0; i-- {
			if header[i].Is(lh) {
				break
			}
		}
		if i < 0 {
			next[lh] = 0
			continue
		}
		next[lh] = i
		data = CanonHeader(data, s.HeaderCanon, header[i].Raw)
	}
	data = CanonHeader(data, s.HeaderCanon, StripTag(self.Raw, "b"))
	return bytes.TrimSuffix(data, []byte("\r\n"))
}

// VerifyData checks sig over data with the key: RSA PKCS #1 v1.5 with
// SHA-256 or SHA-1 (RFC 6376 §3.3), or Ed25519 over the SHA-256 of the
// data (RFC 8463 §3).
func VerifyData(algorithm string, key *dkim.KeyRecord, data, sig []byte) bool {
	switch algorithm {
	case RSASHA256, RSASHA1:
		pk, ok := key.PublicKey.(*rsa.PublicKey)
		if !ok {
			return false
		}
		if algorithm == RSASHA1 {
			h := sha1.Sum(data)
			return rsa.VerifyPKCS1v15(pk, crypto.SHA1, h[:], sig) == nil
		}
		h := sha256.Sum256(data)
		return rsa.VerifyPKCS1v15(pk, crypto.SHA256, h[:], sig) == nil
	case Ed25519SHA256:
		pk, ok := key.PublicKey.(ed25519.PublicKey)
		if !ok {
			return false
		}
		h := sha256.Sum256(data)
		return ed25519.Verify(pk, h[:], sig)
	}
	return false
}

// BodyReq is the body hash this signature needs.
func (s *Signature) BodyReq() BodyReq {
	return BodyReq{Canon: s.BodyCanon, Hash: s.HashName(), Length: s.BodyLength}
}

// Check verifies the signature once its key and body hash are known:
// the key's restrictions, l= against the body, bh=, then b= over the
// header (RFC 6376 §6.1.2, §6.1.3). self is the signature's own field.
func (s *Signature) Check(header []Field, self Field, key *dkim.KeyRecord, body BodyHash) *Failure {
	if f := CheckKey(s, key); f != nil {
		return f
	}
	if s.BodyLength > body.Octets {
		return Fail(CauseBodyTooShort, nil, "l=%d but the canonicalized body has %d octets", s.BodyLength, body.Octets)
	}
	if !bytes.Equal(body.Sum, s.BodyHash) {
		return Fail(CauseBodyHashMismatch, nil, "the body hash differs from bh=: the body was changed after signing")
	}
	if !VerifyData(s.Algorithm, key, s.HeaderData(header, self), s.Sig) {
		return Fail(CauseSignatureMismatch, nil, "the signature b= does not verify with the key at %s: a signed header field was changed", s.KeyName())
	}
	return nil
}
