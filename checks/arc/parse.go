package arc

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/relayctl/relayctl/checks/dkimverify"
)

// Field names (RFC 8617 §4.1).
const (
	FieldSeal    = "ARC-Seal"
	FieldAMS     = "ARC-Message-Signature"
	FieldResults = "ARC-Authentication-Results"
)

// ChainStatus is a cv= value (RFC 8617 §4.4).
type ChainStatus string

const (
	CVNone ChainStatus = "none"
	CVPass ChainStatus = "pass"
	CVFail ChainStatus = "fail"
)

// Seal is a parsed ARC-Seal field (RFC 8617 §4.1.3).
type Seal struct {
	Instance  int         `json:"i"`
	Algorithm string      `json:"a"`
	Domain    string      `json:"d"`
	Selector  string      `json:"s"`
	CV        ChainStatus `json:"cv"`
	Timestamp time.Time   `json:"t,omitzero"`
	Sig       []byte      `json:"-"`
}

// KeyName is the DNS name of the seal's key (RFC 8617 §4.1.3 uses DKIM
// keys, RFC 6376 §3.6.2.1).
func (s *Seal) KeyName() string { return s.Selector + "._domainkey." + s.Domain }

// ParseSeal reads an ARC-Seal field. Its tags follow DKIM's rules
// (RFC 6376 §3.2); a, b, cv, d, i and s are required, and h= is not
// allowed: the seal covers the ARC sets, not header fields (RFC 8617
// §4.1.3). Errors are dkimverify.SyntaxErrors.
func ParseSeal(f dkimverify.Field) (*Seal, error) {
	p := dkimverify.TagParser{Field: f, Kind: FieldSeal}
	s := &Seal{}
	have := map[string]bool{}
	for _, t := range p.Split() {
		have[t.Name] = true
		switch t.Name {
		case "i":
			s.Instance = p.Instance(t)
		case "a":
			s.Algorithm = algorithm(t.Value, func(format string, args ...any) {
				p.Fail(t, dkimverify.ErrUnsupportedAlgorithm, format, args...)
			})
		case "b":
			s.Sig = p.Base64(t)
		case "cv":
			switch ChainStatus(t.Value) {
			case CVNone, CVPass, CVFail:
				s.CV = ChainStatus(t.Value)
			default:
				p.Fail(t, dkimverify.ErrSyntax, "chain status %q, want none, pass or fail", t.Value)
			}
		case "d":
			if !dkimverify.ValidDomain(t.Value) {
				p.Fail(t, dkimverify.ErrSyntax, "%q is not a domain name", t.Value)
			}
			s.Domain = strings.ToLower(t.Value)
		case "s":
			if !dkimverify.ValidDomain(t.Value) {
				p.Fail(t, dkimverify.ErrSyntax, "%q is not a selector", t.Value)
			}
			s.Selector = strings.ToLower(t.Value)
		case "t":
			if n, ok := p.Number(t); ok {
				s.Timestamp = time.Unix(n, 0).UTC()
			}
		case "h":
			p.Fail(t, dkimverify.ErrSyntax, "an ARC-Seal has no h= tag (RFC 8617 §4.1.3)")
		}
	}
	for _, name := range []string{"i", "a", "b", "cv", "d", "s"} {
		if !have[name] {
			p.Fail(p.Tag(name), dkimverify.ErrSyntax, "required tag %s is missing", name)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

// algorithm checks an ARC a= value: rsa-sha256, or ed25519-sha256 by
// RFC 8463; rsa-sha1 is refused (RFC 8301 §3.1; RFC 8617 §4.1.3 names
// rsa-sha256 only). It returns "" after reporting a problem.
func algorithm(v string, bad func(string, ...any)) string {
	switch v {
	case dkimverify.RSASHA256, dkimverify.Ed25519SHA256:
		return v
	case dkimverify.RSASHA1:
		bad("rsa-sha1 is not allowed in ARC (RFC 8301 §3.1)")
	default:
		bad("algorithm %q, want rsa-sha256", v)
	}
	return ""
}

// ParseAMS reads an ARC-Message-Signature: dkimverify's parser of the
// DKIM tags, which holds ARC's rules for an AMS too (rsa-sha256 or
// ed25519-sha256 only, no ARC-Seal among the signed fields).
func ParseAMS(f dkimverify.Field) (*dkimverify.Signature, error) {
	return dkimverify.ParseSignature(f, dkimverify.KindAMS)
}

// instanceOf reads the i= tag of an ARC-Seal or ARC-Message-Signature
// alone, for grouping fields into sets before they are parsed in full.
func instanceOf(f dkimverify.Field, kind string) (int, error) {
	p := dkimverify.TagParser{Field: f, Kind: kind}
	var n int
	found := false
	for _, t := range p.Split() {
		if t.Name == "i" {
			n, found = p.Instance(t), true
		}
	}
	if !found {
		p.Fail(p.Tag("i"), dkimverify.ErrSyntax, "required tag i (the instance) is missing")
	}
	if n == 0 {
		if err := p.Err(); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// ParseResultsInstance reads the instance that starts an
// ARC-Authentication-Results value, "i=N;" (RFC 8617 §4.1.1), and
// returns it with the rest: the RFC 8601 payload, as written.
func ParseResultsInstance(f dkimverify.Field) (int, string, error) {
	v := string(f.Value())
	bad := func(msg string) (int, string, error) {
		return 0, "", &dkimverify.SyntaxError{Field: FieldResults, Msg: msg, Err: dkimverify.ErrSyntax}
	}
	semi := strings.IndexByte(v, ';')
	if semi < 0 {
		return bad("no \";\" after the instance i=")
	}
	name, num, ok := strings.Cut(v[:semi], "=")
	if !ok || strings.Trim(name, " \t\r\n") != "i" {
		return bad(fmt.Sprintf("%q does not start with the instance i=", truncate(strings.TrimSpace(v[:semi]), 40)))
	}
	num = strings.Trim(num, " \t\r\n")
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || n > dkimverify.MaxInstance || strings.Trim(num, "0123456789") != "" {
		return bad(fmt.Sprintf("instance %q, want a number from 1 to %d", truncate(num, 20), dkimverify.MaxInstance))
	}
	return n, strings.TrimSpace(v[semi+1:]), nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
