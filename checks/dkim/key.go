// Package dkim checks a domain's DKIM public keys (DomainKeys Identified
// Mail, RFC 6376): the key records at <selector>._domainkey.<domain> for
// the selectors the user names, or a list of common ones. Key records are
// parsed by RFC 6376 §3.6.1, judged by RFC 8301 (key sizes, SHA-1) and
// RFC 8463 (Ed25519).
//
// go-msgauth's dkim package parses key records only inside its verifier
// (unexported), and stops at the first problem without positions, so the
// parser here is our own.
package dkim

import (
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/relayctl/relayctl/checks/internal/taglist"
)

// Sentinel errors. A *SyntaxError wraps one of them.
var (
	ErrSyntax             = errors.New("dkim: syntax error")
	ErrUnsupportedKeyType = errors.New("dkim: unsupported key type")
)

// SyntaxError is one problem in a key record, at a 1-based byte column
// (0 for the record as a whole) and tag. Its Err is ErrSyntax or
// ErrUnsupportedKeyType.
type SyntaxError = taglist.SyntaxError[pkg]

// Errors is every problem ParseKey found, in record order.
type Errors = taglist.Errors[pkg]

// Tag is one tag=value pair as written.
type Tag = taglist.Tag

// pkg puts "dkim: " in front of every error message.
type pkg struct{}

func (pkg) Prefix() string { return "dkim: " }

// Key types (RFC 6376 §3.6.1 k=, RFC 8463).
const (
	KeyRSA     = "rsa"
	KeyEd25519 = "ed25519"
)

// Public key encodings found in p=.
const (
	EncodingSPKI  = "spki"  // SubjectPublicKeyInfo, what RFC 6376 §3.6.1 asks for
	EncodingPKCS1 = "pkcs1" // a bare RSAPublicKey (RFC 6376 erratum 3017)
	EncodingRaw   = "raw"   // the 32 bytes of an Ed25519 key (RFC 8463 §4.2)
)

// KeyRecord is a parsed DKIM key record. Absent tags have their defaults:
// k=rsa, s=* (all services), h absent means every hash algorithm.
type KeyRecord struct {
	Version  string   `json:"v,omitempty"`
	KeyType  string   `json:"k"`
	HashAlgs []string `json:"h,omitempty"`
	Services []string `json:"s"`
	Flags    []string `json:"t,omitempty"`
	Notes    string   `json:"n,omitempty"`
	// Revoked is set when p= is empty (RFC 6376 §3.6.1).
	Revoked bool `json:"revoked"`
	// Bits is the RSA modulus size, or 256 for Ed25519; 0 when the key
	// could not be read.
	Bits     int    `json:"bits"`
	Encoding string `json:"encoding,omitempty"`
	Tags     []Tag  `json:"tags"`
	Unknown  []Tag  `json:"unknown,omitempty"`
	// PublicKey is the decoded key: *rsa.PublicKey or ed25519.PublicKey.
	PublicKey any `json:"-"`
}

// HasFlag reports whether t= carries the flag.
func (k *KeyRecord) HasFlag(f string) bool {
	for _, x := range k.Flags {
		if x == f {
			return true
		}
	}
	return false
}

// AllowsHash reports whether h= permits the hash algorithm (an absent h
// permits all).
func (k *KeyRecord) AllowsHash(alg string) bool {
	if k.HashAlgs == nil {
		return true
	}
	for _, h := range k.HashAlgs {
		if h == alg {
			return true
		}
	}
	return false
}

// ForEmail reports whether s= covers email (s=* or s=email).
func (k *KeyRecord) ForEmail() bool {
	for _, s := range k.Services {
		if s == "*" || s == "email" {
			return true
		}
	}
	return false
}

// LooksLikeKey tells a DKIM key record from other TXT records at the same
// name (a wildcard SPF record, a verification token): it starts with
// v=DKIM1 or has a p= or k= tag.
func LooksLikeKey(txt string) bool {
	tags, _ := keyTags.Split(txt)
	for i, t := range tags {
		if t.Name == "p" || t.Name == "k" || i == 0 && t.Name == "v" && strings.HasPrefix(t.Value, "DKIM") {
			return true
		}
	}
	return false
}

// ParseKey parses a DKIM key record (the TXT record's strings joined). It
// returns the record as far as it could be read and an Errors value
// listing every problem, or nil. A revoked key (empty p=) is not an error.
func ParseKey(txt string) (*KeyRecord, error) {
	k := &KeyRecord{KeyType: KeyRSA, Services: []string{"*"}}
	tags, errs := keyTags.Split(txt)
	fail := func(t Tag, err error, format string, args ...any) {
		errs = append(errs, &SyntaxError{Col: t.Col, Tag: t.Name, Msg: fmt.Sprintf(format, args...), Err: err})
	}
	seen := map[string]int{}
	var p *Tag
	for i, t := range tags {
		if err := keyTags.Duplicate(seen, t); err != nil {
			errs = append(errs, err)
			continue
		}
		k.Tags = append(k.Tags, t)
		v := t.Value
		switch t.Name {
		case "v":
			// RFC 6376 §3.6.1: if present, v must be the first tag, DKIM1.
			if i != 0 {
				fail(t, ErrSyntax, "v must be the first tag")
			} else if v != "DKIM1" {
				fail(t, ErrSyntax, "version %q, want DKIM1", v)
			} else {
				k.Version = v
			}
		case "k":
			switch v {
			case KeyRSA, KeyEd25519:
				k.KeyType = v
			default:
				k.KeyType = v
				fail(t, ErrUnsupportedKeyType, "key type %q, want rsa or ed25519", v)
			}
		case "h":
			list, ok := colonList(v)
			if !ok {
				fail(t, ErrSyntax, "hash algorithms %q, want names separated by colons, e.g. sha256", v)
				continue
			}
			for i := range list {
				list[i] = strings.ToLower(list[i])
			}
			k.HashAlgs = list
		case "s":
			list, ok := colonList(v)
			if !ok && v != "*" {
				fail(t, ErrSyntax, "service types %q, want * or email", v)
				continue
			}
			if v == "*" {
				list = []string{"*"}
			}
			k.Services = list
		case "t":
			list, ok := colonList(v)
			if !ok {
				fail(t, ErrSyntax, "flags %q, want letters separated by colons, e.g. y or s", v)
				continue
			}
			k.Flags = list
		case "n":
			k.Notes = v
		case "p":
			tt := t
			p = &tt
		default:
			k.Unknown = append(k.Unknown, t)
		}
	}
	if p == nil {
		errs = append(errs, &SyntaxError{Tag: "p", Msg: "required tag p (the public key) is missing", Err: ErrSyntax})
	} else if err := k.decodeKey(*p); err != nil {
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return k, nil
	}
	return k, errs
}

// decodeKey reads p= for the record's key type.
func (k *KeyRecord) decodeKey(t Tag) *SyntaxError {
	bad := func(format string, args ...any) *SyntaxError {
		return &SyntaxError{Col: t.Col, Tag: "p", Msg: fmt.Sprintf(format, args...), Err: ErrSyntax}
	}
	// The value may be folded with whitespace (RFC 6376 §3.6.1: FWS
	// allowed between base64 characters).
	b64 := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, t.Value)
	if b64 == "" {
		k.Revoked = true
		return nil
	}
	der, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return bad("the public key is not valid base64 (%v)", err)
	}
	switch k.KeyType {
	case KeyRSA:
		pub, perr := x509.ParsePKIXPublicKey(der)
		enc := EncodingSPKI
		if perr != nil {
			rk, err := x509.ParsePKCS1PublicKey(der)
			if err != nil {
				return bad("the public key is neither a SubjectPublicKeyInfo nor an RSAPublicKey: its DER encoding does not parse as either")
			}
			pub, enc = rk, EncodingPKCS1
		}
		switch pk := pub.(type) {
		case *rsa.PublicKey:
			k.PublicKey, k.Bits, k.Encoding = pk, pk.N.BitLen(), enc
		case ed25519.PublicKey:
			return bad("p= holds an Ed25519 key but k=rsa; add k=ed25519 and publish the bare 32-byte key")
		default:
			return bad("p= holds a %T, not an RSA key", pub)
		}
	case KeyEd25519:
		if len(der) == ed25519.PublicKeySize {
			k.PublicKey, k.Bits, k.Encoding = ed25519.PublicKey(der), 256, EncodingRaw
			return nil
		}
		if pub, err := x509.ParsePKIXPublicKey(der); err == nil {
			if _, ok := pub.(ed25519.PublicKey); ok {
				return bad("p= holds a SubjectPublicKeyInfo; RFC 8463 §4.2 wants the bare 32-byte Ed25519 key")
			}
		}
		return bad("an Ed25519 key is 32 bytes, p= holds %d", len(der))
	}
	return nil
}
