package spf

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Qualifier is the prefix of a mechanism: what it yields when it matches
// (RFC 7208 §4.6.2).
type Qualifier byte

const (
	QualifierPass     Qualifier = '+'
	QualifierFail     Qualifier = '-'
	QualifierSoftFail Qualifier = '~'
	QualifierNeutral  Qualifier = '?'
)

// Result is the result a matching mechanism with this qualifier produces.
func (q Qualifier) Result() Result {
	switch q {
	case QualifierFail:
		return Fail
	case QualifierSoftFail:
		return SoftFail
	case QualifierNeutral:
		return Neutral
	}
	return Pass
}

// MarshalText writes the qualifier as its character.
func (q Qualifier) MarshalText() ([]byte, error) { return []byte{byte(q)}, nil }

// Mechanism names (RFC 7208 §5).
const (
	MechAll     = "all"
	MechInclude = "include"
	MechA       = "a"
	MechMX      = "mx"
	MechPTR     = "ptr"
	MechIP4     = "ip4"
	MechIP6     = "ip6"
	MechExists  = "exists"
)

// Mechanism is one directive of a record.
type Mechanism struct {
	Qualifier Qualifier `json:"qualifier"`
	// Kind is the mechanism's name in lower case (MechAll, MechInclude…).
	Kind string `json:"kind"`
	// Domain is the domain-spec as written, macros unexpanded; empty when
	// the mechanism has none (a, mx and ptr then use the current domain).
	Domain string `json:"domain,omitempty"`
	// Net is the network of ip4 and ip6.
	Net netip.Prefix `json:"net,omitzero"`
	// CIDR4 and CIDR6 are the dual-cidr-length of a and mx; -1 when not
	// given (then 32 and 128 apply).
	CIDR4 int `json:"cidr4"`
	CIDR6 int `json:"cidr6"`
	// Text is the term as written; Col its 1-based column in the record.
	Text string `json:"text"`
	Col  int    `json:"col"`
}

// QueriesDNS reports whether the mechanism counts against the limit of
// ten DNS-querying terms (RFC 7208 §4.6.4).
func (m Mechanism) QueriesDNS() bool {
	switch m.Kind {
	case MechInclude, MechA, MechMX, MechPTR, MechExists:
		return true
	}
	return false
}

// Modifier is a name=value term (RFC 7208 §6).
type Modifier struct {
	Name  string `json:"name"` // lower case
	Value string `json:"value"`
	Text  string `json:"text"`
	Col   int    `json:"col"`
}

// Record is a parsed SPF record.
type Record struct {
	Text       string      `json:"text"`
	Mechanisms []Mechanism `json:"mechanisms"`
	// Modifiers holds every modifier in order, redirect and exp included.
	Modifiers []Modifier `json:"modifiers,omitempty"`
	Redirect  *Modifier  `json:"-"`
	Exp       *Modifier  `json:"-"`
}

// HasAll reports whether the record has an "all" mechanism, which makes a
// redirect modifier unreachable (RFC 7208 §6.1).
func (r *Record) HasAll() bool {
	for _, m := range r.Mechanisms {
		if m.Kind == MechAll {
			return true
		}
	}
	return false
}

// SyntaxError is one problem in a record, at a 1-based column.
type SyntaxError struct {
	Col  int
	Term string
	Msg  string
}

func (e *SyntaxError) Error() string { return "spf: " + e.Message() }

// Message is the error for a person: its column and what is wrong, without
// the package prefix (checks.Messager).
func (e *SyntaxError) Message() string { return fmt.Sprintf("col %d: %s", e.Col, e.Msg) }

func (e *SyntaxError) Unwrap() error { return ErrSyntax }

// SyntaxErrors is every problem found in one record, in column order.
type SyntaxErrors []*SyntaxError

func (es SyntaxErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Message is every error's Message, joined with "; ".
func (es SyntaxErrors) Message() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Message()
	}
	return strings.Join(parts, "; ")
}

func (es SyntaxErrors) Unwrap() error { return ErrSyntax }

// versionTag opens every SPF record (RFC 7208 §4.5).
const versionTag = "v=spf1"

// IsSPF reports whether a TXT record is an SPF version 1 record: it starts
// with "v=spf1", in any case, followed by a space or nothing (RFC 7208
// §4.5). Other TXT records at the name are not SPF's business.
func IsSPF(txt string) bool {
	if len(txt) < len(versionTag) || !strings.EqualFold(txt[:len(versionTag)], versionTag) {
		return false
	}
	return len(txt) == len(versionTag) || txt[len(versionTag)] == ' '
}

// Parse reads an SPF record. It finds every syntax error, not just the
// first (RFC 7208 §4.6: errors anywhere in the record count even where
// evaluation would not reach them); the Record holds the terms that did
// parse, and the error is a SyntaxErrors.
func Parse(txt string) (*Record, error) {
	rec := &Record{Text: txt}
	var errs SyntaxErrors
	fail := func(col int, term, format string, args ...any) {
		errs = append(errs, &SyntaxError{Col: col, Term: term, Msg: fmt.Sprintf(format, args...)})
	}
	if !IsSPF(txt) {
		fail(1, "", "record does not start with %q followed by a space", versionTag)
		return rec, errs
	}
	i := len(versionTag)
	for i < len(txt) {
		// Terms are separated by one or more spaces, and only by spaces
		// (RFC 7208 §4.6.1, §12: terms = *( 1*SP ( directive / modifier ) )).
		if txt[i] == ' ' {
			i++
			continue
		}
		start := i
		for i < len(txt) && txt[i] != ' ' {
			i++
		}
		parseTerm(rec, txt[start:i], start+1, fail)
	}
	if len(errs) > 0 {
		return rec, errs
	}
	return rec, nil
}

type failFunc func(col int, term, format string, args ...any)

func parseTerm(rec *Record, term string, col int, fail failFunc) {
	for j := 0; j < len(term); j++ {
		if c := term[j]; c < 0x21 || c > 0x7e {
			fail(col+j, term, "character %s in %q: only printable ASCII is allowed, and terms are separated by spaces only", charName(c), term)
			return
		}
	}
	// A modifier is name "=" …, where the name comes before any ":" or "/"
	// (RFC 7208 §4.6.1); anything else is a mechanism.
	if k := strings.IndexAny(term, "=:/"); k >= 0 && term[k] == '=' {
		parseModifier(rec, term, term[:k], term[k+1:], col, fail)
		return
	}
	parseMechanism(rec, term, col, fail)
}

func charName(c byte) string {
	switch c {
	case '\t':
		return "TAB"
	case '\r':
		return "CR"
	case '\n':
		return "LF"
	case 0:
		return "NUL"
	}
	return fmt.Sprintf("0x%02X", c)
}

// validName checks name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )
// (RFC 7208 §12).
func validName(s string) bool {
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isAlpha(c) && !isDigit(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func parseModifier(rec *Record, term, name, value string, col int, fail failFunc) {
	if !validName(name) {
		fail(col, term, "invalid modifier name %q: a name starts with a letter and holds letters, digits, \"-\", \"_\" and \".\"", name)
		return
	}
	mod := Modifier{Name: strings.ToLower(name), Value: value, Text: term, Col: col}
	vcol := col + len(name) + 1
	switch mod.Name {
	case "redirect", "exp":
		// Each may appear once (RFC 7208 §6), and takes a domain-spec
		// (§6.1, §6.2); an empty one is an error, not an unknown modifier.
		if (mod.Name == "redirect" && rec.Redirect != nil) || (mod.Name == "exp" && rec.Exp != nil) {
			fail(col, term, "%s= appears more than once", mod.Name)
			return
		}
		if value == "" {
			fail(vcol, term, "%s= needs a domain", mod.Name)
			return
		}
		if off, msg := checkDomainSpec(value); msg != "" {
			fail(vcol+off, term, "%s", msg)
			return
		}
		rec.Modifiers = append(rec.Modifiers, mod)
		if mod.Name == "redirect" {
			rec.Redirect = &mod
		} else {
			rec.Exp = &mod
		}
	default:
		// unknown-modifier = name "=" macro-string (RFC 7208 §6, §12).
		if off, msg := checkMacroString(value, true); msg != "" {
			fail(vcol+off, term, "%s", msg)
			return
		}
		rec.Modifiers = append(rec.Modifiers, mod)
	}
}

func parseMechanism(rec *Record, term string, col int, fail failFunc) {
	m := Mechanism{Qualifier: QualifierPass, CIDR4: -1, CIDR6: -1, Text: term, Col: col}
	body := term
	switch body[0] {
	case '+', '-', '~', '?':
		m.Qualifier = Qualifier(body[0])
		body = body[1:]
	}
	bcol := col + len(term) - len(body)
	k := strings.IndexAny(body, ":/")
	name, rest := body, ""
	if k >= 0 {
		name, rest = body[:k], body[k:]
	}
	m.Kind = strings.ToLower(name)
	rcol := bcol + len(name)
	switch m.Kind {
	case MechAll:
		if rest != "" {
			fail(rcol, term, "%q takes no argument", "all")
			return
		}
	case MechInclude, MechExists:
		if !strings.HasPrefix(rest, ":") || len(rest) == 1 {
			fail(rcol, term, "%q needs \":\" and a domain", m.Kind)
			return
		}
		m.Domain = rest[1:]
		if off, msg := checkDomainSpec(m.Domain); msg != "" {
			fail(rcol+1+off, term, "%s", msg)
			return
		}
	case MechA, MechMX:
		dom, cidr := rest, ""
		if strings.HasPrefix(rest, "/") {
			dom, cidr = "", rest
		} else if rest != "" {
			dom, cidr = splitDualCIDR(rest[1:])
			if dom == "" {
				fail(rcol+1, term, "%q: the domain after \":\" is empty", m.Kind)
				return
			}
			m.Domain = dom
			if off, msg := checkDomainSpec(dom); msg != "" {
				fail(rcol+1+off, term, "%s", msg)
				return
			}
		}
		c4, c6, msg := parseDualCIDR(cidr)
		if msg != "" {
			fail(col+len(term)-len(cidr), term, "%s", msg)
			return
		}
		m.CIDR4, m.CIDR6 = c4, c6
	case MechPTR:
		if rest != "" {
			if rest[0] != ':' {
				fail(rcol, term, "%q takes no CIDR length", "ptr")
				return
			}
			if len(rest) == 1 {
				fail(rcol+1, term, "%q: the domain after \":\" is empty", "ptr")
				return
			}
			m.Domain = rest[1:]
			if off, msg := checkDomainSpec(m.Domain); msg != "" {
				fail(rcol+1+off, term, "%s", msg)
				return
			}
		}
	case MechIP4, MechIP6:
		if !strings.HasPrefix(rest, ":") || len(rest) == 1 {
			fail(rcol, term, "%q needs \":\" and an address", m.Kind)
			return
		}
		addrText, cidr := rest[1:], ""
		if s := strings.IndexByte(addrText, '/'); s >= 0 {
			addrText, cidr = addrText[:s], addrText[s+1:]
		}
		addr, err := netip.ParseAddr(addrText)
		// RFC 7208 §5.6: ip4 takes a dotted quad (no leading zeros, no
		// short forms), ip6 an RFC 4291 address; neither takes a zone.
		if err != nil || addr.Zone() != "" || (m.Kind == MechIP4) != addr.Is4() {
			fail(rcol+1, term, "%q is not an %s address", addrText, map[string]string{MechIP4: "IPv4", MechIP6: "IPv6"}[m.Kind])
			return
		}
		bits := addr.BitLen()
		if s := strings.IndexByte(rest[1:], '/'); s >= 0 {
			maxDigits := 2
			if m.Kind == MechIP6 {
				maxDigits = 3
			}
			n, ok := cidrLength(cidr, maxDigits, addr.BitLen())
			if !ok {
				fail(rcol+1+s, term, "invalid CIDR length %q for %s (0 to %d, no leading zeros)", "/"+cidr, m.Kind, addr.BitLen())
				return
			}
			bits = n
		}
		m.Net = netip.PrefixFrom(addr, bits).Masked()
	default:
		if name == "" {
			fail(col, term, "empty mechanism name in %q", term)
		} else {
			fail(bcol, term, "unknown mechanism %q", name)
		}
		return
	}
	rec.Mechanisms = append(rec.Mechanisms, m)
}

// splitDualCIDR separates "domain/24//64" into the domain-spec and the
// dual-cidr-length (RFC 7208 §5.3, §5.4). The CIDR part is recognised
// only at the end and only when made of digits.
func splitDualCIDR(s string) (dom, cidr string) {
	dom = s
	if i := strings.LastIndex(dom, "//"); i >= 0 && allDigits(dom[i+2:]) {
		dom = dom[:i]
	}
	if i := strings.LastIndexByte(dom, '/'); i >= 0 && allDigits(dom[i+1:]) && (i == 0 || dom[i-1] != '/') {
		dom = dom[:i]
	}
	return dom, s[len(dom):]
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// parseDualCIDR reads dual-cidr-length = [ ip4-cidr-length ] [ "/"
// ip6-cidr-length ] (RFC 7208 §5.6); -1 stands for "not given".
func parseDualCIDR(s string) (c4, c6 int, msg string) {
	c4, c6 = -1, -1
	if s == "" {
		return c4, c6, ""
	}
	orig := s
	bad := func() (int, int, string) {
		return -1, -1, fmt.Sprintf("invalid CIDR length %q: expected /N (0-32), //N (0-128) or /N//M, no leading zeros", orig)
	}
	if i := strings.Index(s, "//"); i >= 0 {
		n, ok := cidrLength(s[i+2:], 3, 128)
		if !ok {
			return bad()
		}
		c6 = n
		s = s[:i]
	}
	if s != "" {
		if s[0] != '/' {
			return bad()
		}
		n, ok := cidrLength(s[1:], 2, 32)
		if !ok {
			return bad()
		}
		c4 = n
	}
	return c4, c6, ""
}

// cidrLength reads "0" / %x31-39 0*N DIGIT, at most max.
func cidrLength(s string, maxDigits, max int) (int, bool) {
	if !allDigits(s) || len(s) > maxDigits || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > max {
		return 0, false
	}
	return n, true
}

// checkDomainSpec validates domain-spec = macro-string domain-end, where
// domain-end = ( "." toplabel [ "." ] ) / macro-expand (RFC 7208 §7.1).
// It returns the offset of the problem and a message, or "" when fine.
func checkDomainSpec(s string) (int, string) {
	if s == "" {
		return 0, "empty domain"
	}
	if off, msg := checkMacroString(s, false); msg != "" {
		return off, msg
	}
	// Ending in a macro-expand is enough.
	toks, _ := scanMacroString(s)
	if last := toks[len(toks)-1]; !last.literal {
		return 0, ""
	}
	lit := toks[len(toks)-1].text
	trimmed := strings.TrimSuffix(lit, ".")
	dot := strings.LastIndexByte(trimmed, '.')
	if dot < 0 {
		return 0, fmt.Sprintf("%q is not a domain: it must end in a dot and a top-level label (or a macro)", s)
	}
	top := trimmed[dot+1:]
	if !validTopLabel(top) {
		off := len(s) - len(lit) + dot + 1
		return off, fmt.Sprintf("%q is not a domain: top-level label %q must be letters, digits and inner hyphens, not all digits", s, top)
	}
	return 0, ""
}

// validTopLabel checks toplabel = ( *alphanum ALPHA *alphanum ) /
// ( 1*alphanum "-" *( alphanum / "-" ) alphanum ) (RFC 7208 §7.1).
func validTopLabel(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	letter, dash := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isAlpha(c):
			letter = true
		case isDigit(c):
		case c == '-':
			dash = true
		default:
			return false
		}
	}
	return letter || dash
}
