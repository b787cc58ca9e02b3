package dkimverify

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/relayctl/relayctl/checks/internal/taglist"
)

// Algorithms (RFC 6376 §3.3, RFC 8463 §3).
const (
	RSASHA256     = "rsa-sha256"
	RSASHA1       = "rsa-sha1"
	Ed25519SHA256 = "ed25519-sha256"
)

// Kind is which header field a Signature was read from: the tags and
// their rules differ a little.
type Kind int

const (
	// KindDKIM is a DKIM-Signature (RFC 6376 §3.5).
	KindDKIM Kind = iota
	// KindAMS is an ARC-Message-Signature (RFC 8617 §4.1.2): the tags of
	// a DKIM-Signature but no v=, and i= is the ARC instance.
	KindAMS
)

func (k Kind) field() string {
	if k == KindAMS {
		return "ARC-Message-Signature"
	}
	return "DKIM-Signature"
}

// Signature is a parsed DKIM-Signature or ARC-Message-Signature field.
type Signature struct {
	Kind      Kind     `json:"-"`
	Version   string   `json:"v,omitempty"`
	Algorithm string   `json:"a"`
	Domain    string   `json:"d"`
	Selector  string   `json:"s"`
	Headers   []string `json:"h"` // as written in h=
	// HeaderCanon and BodyCanon are c=, simple when absent (§3.5).
	HeaderCanon Canon `json:"header_canon"`
	BodyCanon   Canon `json:"body_canon"`
	// Identity is i= (the AUID, "@d" when absent) for a DKIM-Signature;
	// empty for an AMS, whose i= is Instance.
	Identity string `json:"i,omitempty"`
	Instance int    `json:"instance,omitempty"`
	// BodyLength is l=, -1 when absent.
	BodyLength int64     `json:"l,omitempty"`
	Timestamp  time.Time `json:"t,omitzero"`
	Expiration time.Time `json:"x,omitzero"`
	BodyHash   []byte    `json:"-"`
	Sig        []byte    `json:"-"`
	// Tags is every tag as written, in order.
	Tags []taglist.Tag `json:"-"`
}

// HashName is the hash part of Algorithm ("sha256").
func (s *Signature) HashName() string {
	_, h, _ := strings.Cut(s.Algorithm, "-")
	return h
}

// KeyType is the key part of Algorithm ("rsa").
func (s *Signature) KeyType() string {
	k, _, _ := strings.Cut(s.Algorithm, "-")
	return k
}

// KeyName is the DNS name of the key record (RFC 6376 §3.6.2.1).
func (s *Signature) KeyName() string { return s.Selector + "._domainkey." + s.Domain }

// sigTags reads signature tag-lists (RFC 6376 §3.2): case-sensitive names
// (a "D=" is not d=), empty values allowed by the grammar and refused
// per tag below.
var sigTags = taglist.Grammar[pkg]{Err: ErrSyntax}

type pkg struct{}

func (pkg) Prefix() string { return "dkimverify: " }

// ParseSignature reads the value of a DKIM-Signature (kind KindDKIM) or
// ARC-Message-Signature (KindAMS) field, with ARC's own rules for the
// latter (no rsa-sha1, no ARC-Seal among the signed fields: RFC 8617
// §4.1.2); f is the field, for error
// columns. It returns every problem found; the Signature is nil when
// there is one. An error unwraps to ErrSyntax or, for a= c= q= values it
// does not know, ErrUnsupportedAlgorithm.
func ParseSignature(f Field, kind Kind) (*Signature, error) {
	p := TagParser{Field: f, Kind: kind.field()}
	tags := p.Split()
	s := &Signature{Kind: kind, HeaderCanon: Simple, BodyCanon: Simple, BodyLength: -1, Tags: tags}
	have := map[string]bool{}
	var t, x int64 = -1, -1
	for _, tag := range tags {
		v := tag.Value
		have[tag.Name] = true
		switch tag.Name {
		case "v":
			if kind == KindDKIM {
				if v != "1" {
					p.Fail(tag, ErrSyntax, "version %q, want 1", v)
				}
				s.Version = v
			}
		case "a":
			switch v {
			case RSASHA1:
				if kind == KindAMS {
					// RFC 8617 §4.1.3 names rsa-sha256 only, and RFC 8301
					// §3.1 retires rsa-sha1.
					p.Fail(tag, ErrUnsupportedAlgorithm, "rsa-sha1 is not allowed in ARC (RFC 8301 §3.1)")
					break
				}
				s.Algorithm = v
			case RSASHA256, Ed25519SHA256:
				s.Algorithm = v
			case "":
				p.Fail(tag, ErrSyntax, "empty algorithm")
			default:
				want := "rsa-sha256, ed25519-sha256 or rsa-sha1"
				if kind == KindAMS {
					want = "rsa-sha256"
				}
				p.Fail(tag, ErrUnsupportedAlgorithm, "algorithm %q, want %s", v, want)
			}
		case "b":
			s.Sig = p.Base64(tag)
		case "bh":
			s.BodyHash = p.Base64(tag)
		case "c":
			s.HeaderCanon, s.BodyCanon = p.canon(tag)
		case "d":
			if !ValidDomain(v) {
				p.Fail(tag, ErrSyntax, "%q is not a domain name", v)
			}
			s.Domain = strings.ToLower(v)
		case "s":
			if !ValidDomain(v) {
				p.Fail(tag, ErrSyntax, "%q is not a selector (dot-separated DNS labels)", v)
			}
			s.Selector = strings.ToLower(v)
		case "h":
			// An empty name between colons, or an empty h=, is against
			// RFC 6376's grammar but signs nothing more or less; it is
			// skipped, as the ARC test suite expects of validators. (For
			// DKIM-Signature, h= without From fails below.)
			for _, h := range strings.Split(v, ":") {
				h = strings.Trim(h, " \t\r\n")
				if h == "" {
					continue
				}
				if strings.ContainsAny(h, " \t\r\n") {
					p.Fail(tag, ErrSyntax, "%q is not a colon-separated list of header field names", v)
					s.Headers = nil
					break
				}
				s.Headers = append(s.Headers, h)
			}
		case "i":
			if kind == KindAMS {
				s.Instance = p.Instance(tag)
			} else {
				if !strings.Contains(v, "@") {
					p.Fail(tag, ErrSyntax, "identity %q has no @", v)
				}
				s.Identity = v
			}
		case "l":
			n, ok := p.Number(tag)
			if ok {
				s.BodyLength = n
			}
		case "q":
			if !hasItem(v, "dns/txt") {
				p.Fail(tag, ErrUnsupportedAlgorithm, "query methods %q do not include dns/txt", v)
			}
		case "t":
			if n, ok := p.Number(tag); ok {
				t = n
				s.Timestamp = time.Unix(n, 0).UTC()
			}
		case "x":
			if n, ok := p.Number(tag); ok {
				x = n
				s.Expiration = time.Unix(n, 0).UTC()
			}
		}
	}
	required := []string{"a", "b", "bh", "d", "h", "s"}
	if kind == KindDKIM {
		required = append([]string{"v"}, required...)
	} else {
		required = append(required, "i")
	}
	for _, name := range required {
		if !have[name] {
			p.Fail(taglist.Tag{Name: name}, ErrSyntax, "required tag %s is missing", name)
		}
	}
	if kind == KindAMS && hasField(s.Headers, "ARC-Seal") {
		// RFC 8617 §4.1.2: an AMS must not sign ARC-Seal fields.
		p.Fail(p.Tag("h"), ErrSyntax, "h= signs ARC-Seal, which an AMS must not (RFC 8617 §4.1.2)")
	}
	if kind == KindDKIM && have["h"] && !hasField(s.Headers, "from") {
		// RFC 6376 §5.4 and §6.1.1: the From field must be signed.
		p.Fail(p.Tag("h"), ErrSyntax, "h= does not include From")
	}
	if kind == KindDKIM && s.Identity != "" && s.Domain != "" {
		// RFC 6376 §3.5 i=: the domain of the AUID is d= or below it.
		_, dom, _ := strings.Cut(s.Identity, "@")
		if !SubdomainOf(dom, s.Domain) {
			p.Fail(p.Tag("i"), ErrSyntax, "identity %q is not in d=%s or a subdomain of it", s.Identity, s.Domain)
		}
	}
	if kind == KindDKIM && s.Identity == "" && s.Domain != "" {
		s.Identity = "@" + s.Domain
	}
	if t >= 0 && x >= 0 && x < t {
		// RFC 6376 §3.5 x=: it must be after t=.
		p.Fail(p.Tag("x"), ErrSyntax, "expiration x=%d is before the timestamp t=%d", x, t)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

// hasField reports whether the h= names hs include name.
func hasField(hs []string, name string) bool {
	for _, h := range hs {
		if strings.EqualFold(h, name) {
			return true
		}
	}
	return false
}

func hasItem(list, item string) bool {
	for _, x := range strings.Split(list, ":") {
		if strings.EqualFold(strings.TrimSpace(x), item) {
			return true
		}
	}
	return false
}

// TagParser reads the tag-list of a signature or seal field and collects
// positioned errors. The arc package uses it for ARC-Seal.
type TagParser struct {
	Field Field
	Kind  string // the field name to show in errors
	off   int    // column of the value's first byte, minus one
	tags  []taglist.Tag
	errs  SyntaxErrors
}

// Split reads the value's tags, refusing repeated ones (RFC 6376 §3.2).
func (p *TagParser) Split() []taglist.Tag {
	raw := p.Field.Raw
	for i, c := range raw {
		if c == ':' {
			p.off = i + 1
			break
		}
	}
	value := string(p.Field.Value())
	tags, errs := sigTags.Split(value)
	for _, e := range errs {
		p.add(e.Col, e.Tag, e.Err, e.Msg)
	}
	// RFC 6376 §3.2: tag-spec *( ";" tag-spec ) [ ";" ]: one semicolon
	// may end the list, but no empty tag-spec stands between two. (Key
	// records in DNS are read more leniently by checks/dkim.)
	for i, start := 0, 0; i < len(value); i++ {
		if value[i] != ';' {
			continue
		}
		if strings.Trim(value[start:i], " \t\r\n") == "" {
			p.add(i+1, "", ErrSyntax, "empty tag between semicolons")
		}
		start = i + 1
	}
	seen := map[string]int{}
	for _, t := range tags {
		if err := sigTags.Duplicate(seen, t); err != nil {
			p.add(err.Col, err.Tag, err.Err, err.Msg)
			continue
		}
		p.tags = append(p.tags, t)
	}
	return p.tags
}

func (p *TagParser) add(col int, tag string, kind error, msg string) {
	if col > 0 {
		col += p.off
	}
	p.errs = append(p.errs, &SyntaxError{Field: p.Kind, Col: col, Tag: tag, Msg: msg, Err: kind})
}

// Fail records a problem with tag t.
func (p *TagParser) Fail(t taglist.Tag, kind error, format string, args ...any) {
	p.add(t.Col, t.Name, kind, fmt.Sprintf(format, args...))
}

// Tag returns the tag named name (its zero value when absent).
func (p *TagParser) Tag(name string) taglist.Tag {
	for _, t := range p.tags {
		if t.Name == name {
			return t
		}
	}
	return taglist.Tag{Name: name}
}

// Err returns the problems found, or nil.
func (p *TagParser) Err() error {
	if len(p.errs) == 0 {
		return nil
	}
	return p.errs
}

// Base64 decodes a b= or bh= value, whose whitespace is ignored (RFC 6376
// §3.5).
func (p *TagParser) Base64(t taglist.Tag) []byte {
	v := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, t.Value)
	if v == "" {
		p.Fail(t, ErrSyntax, "empty value")
		return nil
	}
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		p.Fail(t, ErrSyntax, "not valid base64")
		return nil
	}
	return b
}

// Number reads a decimal value of at most 76 digits (RFC 6376 §3.5 l=,
// t=, x=); values past int64 are refused.
func (p *TagParser) Number(t taglist.Tag) (int64, bool) {
	v := t.Value
	if v == "" || len(v) > 76 || strings.Trim(v, "0123456789") != "" {
		p.Fail(t, ErrSyntax, "%q is not a number", v)
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		p.Fail(t, ErrSyntax, "%s is too large", v)
		return 0, false
	}
	return n, true
}

// MaxInstance is the highest ARC instance (RFC 8617 §4.2.1).
const MaxInstance = 50

// Instance reads an ARC i= value: 1 to 50 (RFC 8617 §4.2.1).
func (p *TagParser) Instance(t taglist.Tag) int {
	n, err := strconv.Atoi(t.Value)
	if err != nil || n < 1 || n > MaxInstance || strings.Trim(t.Value, "0123456789") != "" {
		p.Fail(t, ErrSyntax, "instance %q, want a number from 1 to %d", t.Value, MaxInstance)
		return 0
	}
	return n
}

func (p *TagParser) canon(t taglist.Tag) (Canon, Canon) {
	h, b, slash := strings.Cut(t.Value, "/")
	hc, ok1 := canonName(h)
	bc := Simple
	ok2 := true
	if slash {
		bc, ok2 = canonName(b)
	}
	if !ok1 || !ok2 {
		p.Fail(t, ErrUnsupportedAlgorithm, "canonicalization %q, want simple or relaxed, optionally /simple or /relaxed", t.Value)
	}
	return hc, bc
}

func canonName(s string) (Canon, bool) {
	switch Canon(s) {
	case Simple, Relaxed:
		return Canon(s), true
	}
	return Simple, false
}

// ValidDomain reports whether s is a dot-separated list of DNS labels of
// letters, digits, hyphens and underscores, none empty, none over 63
// bytes, 253 in all.
func ValidDomain(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	for _, l := range strings.Split(s, ".") {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i] | 0x20
			if !(c >= 'a' && c <= 'z' || l[i] >= '0' && l[i] <= '9' || l[i] == '-' || l[i] == '_') {
				return false
			}
		}
	}
	return true
}

// SubdomainOf reports whether sub is domain or a name below it, without
// regard to case.
func SubdomainOf(sub, domain string) bool {
	sub, domain = strings.ToLower(strings.TrimSuffix(sub, ".")), strings.ToLower(strings.TrimSuffix(domain, "."))
	return sub == domain || strings.HasSuffix(sub, "."+domain)
}
