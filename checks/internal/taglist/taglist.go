// Package taglist reads the semicolon-separated name=value lists of mail
// DNS records: the tag-lists of DKIM key records (RFC 6376 §3.2), which
// DMARC records (RFC 7489 §6.4) and BIMI assertion records reuse, and the
// field lists of MTA-STS (RFC 8461 §3.1) and TLS-RPT (RFC 8460 §3)
// records, whose grammars share one shape. A Grammar says which rules
// apply. It keeps the 1-based byte column of every tag and value, and
// reports problems as positioned errors of the package using it
// ("dkim: ", "dmarc: "), so each can export the types under its own name.
package taglist

import (
	"fmt"
	"strings"

	"github.com/relayctl/relayctl/internal/textutil"
)

// Tag is one tag=value pair as written.
type Tag struct {
	Name  string `json:"name"`  // as written, or lower case under FoldCase
	Value string `json:"value"` // whitespace around it removed
	Col   int    `json:"col"`   // 1-based byte column of the name
	// ValueCol is the 1-based byte column of the value: the first byte
	// after "=" and the whitespace following it, even when the value is
	// empty.
	ValueCol int `json:"-"`
}

// Grammar is how one protocol reads its name=value list. P names the
// package the errors belong to.
type Grammar[P Prefix] struct {
	// Err is the sentinel every SyntaxError from Split and Duplicate
	// wraps.
	Err error
	// FoldCase matches tag names without regard to case and returns them
	// in lower case: DMARC's ABNF literals are case-insensitive
	// (RFC 7489 §6.4), while DKIM's tag names are case-sensitive.
	FoldCase bool
	// RequireValue makes an empty value an error: every DMARC tag's
	// value has at least one character, while an empty DKIM p= means a
	// revoked key.
	RequireValue bool
	// NoEmpty makes an empty part an error, except a last one that
	// follows a ";" (a trailing delimiter): BIMI, MTA-STS and TLS-RPT
	// records have no empty tags, while DKIM receivers accept them.
	NoEmpty bool
	// Fields reads the field lists of RFC 8461 §3.1 and RFC 8460 §3
	// instead of RFC 6376 tag-lists: white space is SP and HTAB only (no
	// folding), none may stand around "=" (the field is kept, and the
	// error reported), names are ext-names (ExtName), values are left to
	// each field's own grammar, and messages say "field".
	Fields bool
}

func (g Grammar[P]) isWSP(c byte) bool {
	if g.Fields {
		return c == ' ' || c == '\t' // RFC 5234 WSP
	}
	return isWSP(c)
}

func (g Grammar[P]) leadingWSP(s string) int {
	i := 0
	for i < len(s) && g.isWSP(s[i]) {
		i++
	}
	return i
}

func (g Grammar[P]) trimWSP(s string) string {
	i := len(s)
	for i > 0 && g.isWSP(s[i-1]) {
		i--
	}
	return s[:i]
}

// Split splits a tag-list into its tags, in order, and the problems
// found on the way; a part in error is left out. Without NoEmpty, empty
// parts between semicolons are allowed (RFC 6376 §3.2 allows a trailing
// one; receivers accept the others too). Repeated names are kept: see
// Duplicate, and Read.
func (g Grammar[P]) Split(s string) ([]Tag, Errors[P]) { return g.SplitAt(s, 1) }

// SplitAt is Split for s standing at 1-based column col of a record,
// after a ";" when col > 1 (the rest of a record whose version the caller
// read): columns count from the start of the record.
func (g Grammar[P]) SplitAt(s string, col int) ([]Tag, Errors[P]) {
	var tags []Tag
	var errs Errors[P]
	for start := 0; start <= len(s); {
		end := strings.IndexByte(s[start:], ';')
		last := end < 0
		if last {
			end = len(s)
		} else {
			end += start
		}
		part := s[start:end]
		if lead := g.leadingWSP(part); g.NoEmpty && lead == len(part) && !(last && (start > 0 || col > 1)) {
			errs = append(errs, g.emptyPart(col+start+lead))
			start = end + 1
			continue
		}
		t, err := g.splitTag(part, col+start)
		if err != nil {
			errs = append(errs, err)
		}
		if t != nil {
			tags = append(tags, *t)
		}
		start = end + 1
	}
	return tags, errs
}

func (g Grammar[P]) emptyPart(col int) *SyntaxError[P] {
	msg := `empty field (two ";" in a row)`
	if !g.Fields {
		msg = `empty tag (two ";" in a row, or nothing at all)`
	}
	return &SyntaxError[P]{Col: col, Msg: msg, Err: g.Err}
}

// Read is SplitAt that keeps each name once: a tag whose name came
// before is dropped, with its Duplicate error. The tags stay in record
// order; the errors are the split's, then the duplicates'.
func (g Grammar[P]) Read(s string, col int) ([]Tag, Errors[P]) {
	tags, errs := g.SplitAt(s, col)
	seen := map[string]int{}
	out := tags[:0]
	for _, t := range tags {
		if err := g.Duplicate(seen, t); err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, t)
	}
	return out, errs
}

// AfterVersion returns what follows the first ";" of a record whose
// version the caller reads itself (MTA-STS, TLS-RPT), and the column it
// starts at; "" and the column after the end when there is no ";".
func AfterVersion(txt string) (rest string, col int) {
	i := strings.IndexByte(txt, ';')
	if i < 0 {
		return "", len(txt) + 1
	}
	return txt[i+1:], i + 2
}

// Has reports whether a tag named name is among tags.
func Has(tags []Tag, name string) bool {
	for _, t := range tags {
		if t.Name == name {
			return true
		}
	}
	return false
}

// Duplicate records t in seen (each name with the column where it first
// stands) and, when the name was there already, returns the error for
// it: RFC 6376 §3.2 makes a tag-list with a repeated tag invalid, and
// DMARC follows it (RFC 7489 §6.3).
func (g Grammar[P]) Duplicate(seen map[string]int, t Tag) *SyntaxError[P] {
	if first, dup := seen[t.Name]; dup {
		msg := fmt.Sprintf("duplicate tag (first at col %d)", first)
		if g.Fields {
			msg = fmt.Sprintf("field appears more than once (first at col %d)", first)
		}
		return &SyntaxError[P]{Col: t.Col, Tag: t.Name, Msg: msg, Err: g.Err}
	}
	seen[t.Name] = t.Col
	return nil
}

func isWSP(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// splitTag reads one "name = value" part that starts at column col; nil,
// nil for a part that is only whitespace. Under Fields, white space
// around "=" gives both the tag (trimmed) and an error.
func (g Grammar[P]) splitTag(part string, col int) (*Tag, *SyntaxError[P]) {
	bad := func(col int, tag, format string, args ...any) *SyntaxError[P] {
		return &SyntaxError[P]{Col: col, Tag: tag, Msg: fmt.Sprintf(format, args...), Err: g.Err}
	}
	i := g.leadingWSP(part)
	if i == len(part) {
		return nil, nil
	}
	nameCol := col + i
	eq := strings.IndexByte(part[i:], '=')
	if eq < 0 {
		f := textutil.Clip(g.trimWSP(part[i:]), clipLen)
		if g.Fields {
			return nil, bad(nameCol, "", "field %q has no \"=\"", f)
		}
		return nil, bad(nameCol, "", "%q is not a tag=value pair", f)
	}
	name := g.trimWSP(part[i : i+eq])
	if g.Fields {
		if !ExtName(name) {
			return nil, bad(nameCol, name, "%q is not a valid field name", textutil.Clip(name, clipLen))
		}
	} else if !isTagName(name) {
		return nil, bad(nameCol, "", "invalid tag name %q", textutil.Clip(name, clipLen))
	}
	if g.FoldCase {
		name = strings.ToLower(name)
	}
	rest := part[i+eq+1:]
	j := g.leadingWSP(rest)
	value := g.trimWSP(rest[j:])
	vcol := nameCol + eq + 1 + j
	tag := &Tag{Name: name, Value: value, Col: nameCol, ValueCol: vcol}
	if g.Fields {
		if len(name) != eq || j > 0 {
			// RFC 8461 §3.1 and RFC 8460 §3 allow white space around
			// the ";" delimiters only.
			return tag, bad(nameCol, name, `no space is allowed around "="`)
		}
		return tag, nil
	}
	for k := 0; k < len(value); k++ {
		// VALCHAR is %x21-3A / %x3C-7E, with whitespace between them
		// (RFC 6376 §3.2 tval, tag-value).
		if c := value[k]; (c < 0x21 || c > 0x7e) && !isWSP(c) {
			return nil, bad(vcol+k, name, "character %q not allowed in a value", c)
		}
	}
	if value == "" && g.RequireValue {
		return nil, bad(nameCol, name, "empty value")
	}
	return tag, nil
}

// clipLen bounds the record text quoted in a message.
const clipLen = 80

// isTagName matches ALPHA *ALNUMPUNC (RFC 6376 §3.2 tag-name).
func isTagName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c|0x20 >= 'a' && c|0x20 <= 'z'
		if i == 0 && !letter {
			return false
		}
		if !letter && !(c >= '0' && c <= '9') && c != '_' {
			return false
		}
	}
	return true
}

// ExtName matches the ext-names of MTA-STS and TLS-RPT (RFC 8461 §3.1
// sts-ext-name and §3.2 sts-policy-ext-name, RFC 8460 §3
// tlsrpt-ext-name): a letter or digit, then up to 31 letters, digits,
// "_", "-" or ".".
func ExtName(s string) bool {
	if s == "" || len(s) > 32 || !isAlnum(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '_' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// ExtValue matches their ext-values (RFC 8461 §3.1 sts-ext-value, RFC 8460
// §3 tlsrpt-ext-value): one or more visible ASCII characters other than
// "=" and ";".
func ExtValue(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x21 || c > 0x7e || c == '=' || c == ';' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
