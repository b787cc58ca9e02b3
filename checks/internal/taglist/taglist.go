// Package taglist reads the tag=value lists of DKIM key records
// (RFC 6376 §3.2) and DMARC records, whose format reuses them
// (RFC 7489 §6.4). It keeps the 1-based byte column of every tag and
// value, and reports problems as positioned errors that carry the prefix
// of the package using it ("dkim: ", "dmarc: "), so that dkim and dmarc
// can export the types below under their own names.
package taglist

import (
	"fmt"
	"strings"
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

// Grammar is how one protocol reads a tag-list. P names the package the
// errors belong to.
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
}

// Split splits a tag-list into its tags, in order, and the problems
// found on the way; a part in error is left out. Empty parts between
// semicolons are allowed (RFC 6376 §3.2 allows a trailing one; receivers
// accept the others too). Repeated names are kept: see Duplicate.
func (g Grammar[P]) Split(s string) ([]Tag, Errors[P]) {
	var tags []Tag
	var errs Errors[P]
	for start := 0; start <= len(s); {
		end := strings.IndexByte(s[start:], ';')
		if end < 0 {
			end = len(s)
		} else {
			end += start
		}
		if t, err := g.splitTag(s[start:end], start+1); err != nil {
			errs = append(errs, err)
		} else if t != nil {
			tags = append(tags, *t)
		}
		start = end + 1
	}
	return tags, errs
}

// Duplicate records t in seen (each name with the column where it first
// stands) and, when the name was there already, returns the error for
// it: RFC 6376 §3.2 makes a tag-list with a repeated tag invalid, and
// DMARC follows it (RFC 7489 §6.3).
func (g Grammar[P]) Duplicate(seen map[string]int, t Tag) *SyntaxError[P] {
	if first, dup := seen[t.Name]; dup {
		return &SyntaxError[P]{Col: t.Col, Tag: t.Name, Msg: fmt.Sprintf("duplicate tag (first at col %d)", first), Err: g.Err}
	}
	seen[t.Name] = t.Col
	return nil
}

func isWSP(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// splitTag reads one "name = value" part that starts at column col; nil,
// nil for a part that is only whitespace.
func (g Grammar[P]) splitTag(part string, col int) (*Tag, *SyntaxError[P]) {
	bad := func(col int, tag, format string, args ...any) *SyntaxError[P] {
		return &SyntaxError[P]{Col: col, Tag: tag, Msg: fmt.Sprintf(format, args...), Err: g.Err}
	}
	i := 0
	for i < len(part) && isWSP(part[i]) {
		i++
	}
	if i == len(part) {
		return nil, nil
	}
	nameCol := col + i
	eq := strings.IndexByte(part[i:], '=')
	if eq < 0 {
		return nil, bad(nameCol, "", "%q is not a tag=value pair", strings.TrimRight(part[i:], " \t\r\n"))
	}
	name := strings.TrimRight(part[i:i+eq], " \t\r\n")
	if !isTagName(name) {
		return nil, bad(nameCol, "", "invalid tag name %q", name)
	}
	if g.FoldCase {
		name = strings.ToLower(name)
	}
	rest := part[i+eq+1:]
	j := 0
	for j < len(rest) && isWSP(rest[j]) {
		j++
	}
	value := strings.TrimRight(rest[j:], " \t\r\n")
	vcol := nameCol + eq + 1 + j
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
	return &Tag{Name: name, Value: value, Col: nameCol, ValueCol: vcol}, nil
}

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
