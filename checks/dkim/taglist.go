package dkim

import (
	"fmt"
	"strings"
)

// colonList splits a colon-separated list of tokens (letters, digits,
// hyphens, "*"), trimming whitespace around the colons.
func colonList(v string) ([]string, bool) {
	var out []string
	for _, item := range strings.Split(v, ":") {
		item = strings.Trim(item, " \t\r\n")
		if item == "" {
			return nil, false
		}
		for i := 0; i < len(item); i++ {
			c := item[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '*') {
				return nil, false
			}
		}
		out = append(out, item)
	}
	return out, true
}

// splitTags splits a tag-list (RFC 6376 §3.2). Tag names are
// case-sensitive in DKIM. Empty parts between semicolons are allowed.
func splitTags(s string) ([]Tag, Errors) {
	var tags []Tag
	var errs Errors
	for start := 0; start <= len(s); {
		end := strings.IndexByte(s[start:], ';')
		if end < 0 {
			end = len(s)
		} else {
			end += start
		}
		if t, err := splitTag(s[start:end], start+1); err != nil {
			errs = append(errs, err)
		} else if t != nil {
			tags = append(tags, *t)
		}
		start = end + 1
	}
	return tags, errs
}

func isWSP(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// splitTag reads one "name = value" part at column col; nil, nil for a
// part that is only whitespace.
func splitTag(part string, col int) (*Tag, *SyntaxError) {
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
		return nil, &SyntaxError{Col: nameCol, Msg: fmt.Sprintf("%q is not a tag=value pair", strings.TrimRight(part[i:], " \t\r\n")), Err: ErrSyntax}
	}
	name := strings.TrimRight(part[i:i+eq], " \t\r\n")
	if !isTagName(name) {
		return nil, &SyntaxError{Col: nameCol, Msg: fmt.Sprintf("invalid tag name %q", name), Err: ErrSyntax}
	}
	rest := part[i+eq+1:]
	j := 0
	for j < len(rest) && isWSP(rest[j]) {
		j++
	}
	value := strings.TrimRight(rest[j:], " \t\r\n")
	vcol := nameCol + eq + 1 + j
	for k := 0; k < len(value); k++ {
		// VALCHAR = %x21-3A / %x3C-7E, with whitespace between (§3.2).
		if c := value[k]; (c < 0x21 || c > 0x7e) && !isWSP(c) {
			return nil, &SyntaxError{Col: vcol + k, Tag: name, Msg: fmt.Sprintf("character %q not allowed in a value", c), Err: ErrSyntax}
		}
	}
	return &Tag{Name: name, Value: value, Col: nameCol}, nil
}

// isTagName matches ALPHA *ALNUMPUNC (RFC 6376 §3.2).
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
