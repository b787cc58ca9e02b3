package spf

import (
	"fmt"
	"strings"
)

// targetName turns an expanded domain-spec into the name to query: no
// trailing dot, and, when longer than 253 characters, cut from the left a
// whole label at a time until it fits (RFC 7208 §7.3).
func targetName(s string) string {
	s = strings.TrimSuffix(s, ".")
	for len(s) > 253 {
		i := strings.IndexByte(s, '.')
		if i < 0 {
			return s
		}
		s = s[i+1:]
	}
	return s
}

// validDomain applies RFC 7208 §4.3 to a name as raw text: at least two
// labels, none empty, none longer than 63 bytes, at most 253 in all, and
// not a domain literal such as "[192.0.2.1]".
func validDomain(s string) bool { return InvalidDomain(s) == "" }

// InvalidDomain says why RFC 7208 §4.3 makes check_host() of s return
// none without a query — "" when s is a domain it would look up: a
// domain literal, an empty name or label, a label over 63 octets, a name
// over 253, a single label. The trailing dot is allowed.
func InvalidDomain(s string) string {
	s = strings.TrimSuffix(s, ".")
	switch {
	case s == "":
		return "the name is empty"
	case strings.HasPrefix(s, "["):
		return "a domain literal is not a domain name"
	case len(s) > 253:
		return fmt.Sprintf("the name is %d octets long, over 253", len(s))
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return "a single label is not a multi-label domain name"
	}
	for _, l := range labels {
		if l == "" {
			return "it has an empty label"
		}
		if len(l) > 63 {
			return fmt.Sprintf("a label is %d octets long, over 63", len(l))
		}
	}
	return ""
}

// queryName turns a raw domain name (bytes as they come out of macro
// expansion, dots separating labels) into DNS presentation format, the
// way miekg/dns prints a name it unpacks: the characters that are special
// in a label are escaped with a backslash, unprintable bytes as \DDD.
// Then a name such as "foo:bar/baz.example.com" or one with spaces is
// asked for exactly, and the answer's owner name matches it.
func queryName(raw string) string {
	raw = strings.TrimSuffix(raw, ".")
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '.':
			b.WriteByte('.')
		case c == ' ' || c == '\'' || c == '@' || c == ';' || c == '(' || c == ')' || c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c > 0x7e:
			b.WriteByte('\\')
			b.WriteByte('0' + c/100)
			b.WriteByte('0' + c/10%10)
			b.WriteByte('0' + c%10)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('.')
	return strings.ToLower(b.String())
}

// isSubdomainOf reports whether name equals parent or lies under it,
// without regard to case.
func isSubdomainOf(name, parent string) bool {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	parent = strings.ToLower(strings.TrimSuffix(parent, "."))
	return name == parent || strings.HasSuffix(name, "."+parent)
}
