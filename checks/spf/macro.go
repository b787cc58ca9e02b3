package spf

import (
	"context"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// macroToken is one piece of a macro-string (RFC 7208 §7.1): a run of
// literal text, or a macro-expand.
type macroToken struct {
	literal bool
	text    string // the literal text, or the macro as written
	off     int    // byte offset in the string

	// For a macro-expand: "%%", "%_" and "%-" have letter 0 and their
	// expansion in text2.
	letter  byte // lower case
	upper   bool // URL-escape the result (RFC 7208 §7.3)
	digits  int  // keep this many right-hand parts; 0 = all
	reverse bool
	delims  string
	text2   string
}

// macroLetters are the letters allowed everywhere; exp text also allows
// c, r and t (RFC 7208 §7.2).
const (
	macroLetters    = "slodiphv"
	macroLettersExp = "slodiphvcrt"
	macroDelims     = ".-+,/_="
)

// scanMacroString splits s into tokens, stopping at the first syntax
// error, which it returns with its offset.
func scanMacroString(s string) ([]macroToken, *SyntaxError) {
	var toks []macroToken
	lit := -1 // start of the current literal run
	flush := func(end int) {
		if lit >= 0 {
			toks = append(toks, macroToken{literal: true, text: s[lit:end], off: lit})
			lit = -1
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c != '%' {
			if lit < 0 {
				lit = i
			}
			i++
			continue
		}
		flush(i)
		if i+1 >= len(s) {
			return toks, &SyntaxError{Col: i, Msg: fmt.Sprintf("%q: a lone %% at the end (write %%%% for a percent sign)", s)}
		}
		switch s[i+1] {
		case '%':
			toks = append(toks, macroToken{text: "%%", off: i, text2: "%"})
			i += 2
			continue
		case '_':
			toks = append(toks, macroToken{text: "%_", off: i, text2: " "})
			i += 2
			continue
		case '-':
			toks = append(toks, macroToken{text: "%-", off: i, text2: "%20"})
			i += 2
			continue
		case '{':
		default:
			return toks, &SyntaxError{Col: i, Msg: fmt.Sprintf("%q: %%%c is not a macro (use %%{x}, %%%%, %%_ or %%-)", s, s[i+1])}
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return toks, &SyntaxError{Col: i, Msg: fmt.Sprintf("%q: macro %%{ is not closed", s)}
		}
		body := s[i+2 : i+end]
		t := macroToken{text: s[i : i+end+1], off: i}
		if body == "" {
			return toks, &SyntaxError{Col: i, Msg: fmt.Sprintf("%q: empty macro %%{}", s)}
		}
		t.letter = body[0] | 0x20
		t.upper = body[0] >= 'A' && body[0] <= 'Z'
		if !isAlpha(body[0]) || !strings.ContainsRune(macroLettersExp, rune(t.letter)) {
			return toks, &SyntaxError{Col: i, Msg: fmt.Sprintf("%q: unknown macro letter %q", s, body[0])}
		}
		j := 1
		for j < len(body) && isDigit(body[j]) {
			j++
		}
		if j > 1 {
			// RFC 7208 §7.3: a DIGIT transformer must be nonzero. Values
			// beyond any real label count are clamped.
			n, err := strconv.Atoi(body[1:j])
			if err != nil || n > 128 {
				n = 128
			}
			if n == 0 {
				return toks, &SyntaxError{Col: i, Msg: fmt.Sprintf("%q: the number of parts in %s must be at least 1", s, t.text)}
			}
			t.digits = n
		}
		if j < len(body) && (body[j] == 'r' || body[j] == 'R') {
			t.reverse = true
			j++
		}
		t.delims = body[j:]
		for ; j < len(body); j++ {
			if !strings.ContainsRune(macroDelims, rune(body[j])) {
				return toks, &SyntaxError{Col: i, Msg: fmt.Sprintf("%q: %q is not a transformer or delimiter in %s (delimiters are %s)", s, body[j], t.text, macroDelims)}
			}
		}
		toks = append(toks, t)
		i += end + 1
	}
	flush(len(s))
	return toks, nil
}

// checkMacroString validates a macro-string; exp allows the letters only
// explanation text may use. It returns the offset of the problem and a
// message, or "" when fine.
func checkMacroString(s string, exp bool) (int, string) {
	toks, err := scanMacroString(s)
	if err != nil {
		return err.Col, err.Msg
	}
	for _, t := range toks {
		if t.literal {
			// macro-literal = %x21-24 / %x26-7E; exp text also allows
			// spaces (RFC 7208 §6.2, §7.1).
			for k := 0; k < len(t.text); k++ {
				if c := t.text[k]; c < 0x21 || c > 0x7e {
					if !(exp && c == ' ') {
						return t.off + k, fmt.Sprintf("%q: character %s not allowed", s, charName(c))
					}
				}
			}
			continue
		}
		if !exp && t.letter != 0 && !strings.ContainsRune(macroLetters, rune(t.letter)) {
			return t.off, fmt.Sprintf("%q: macro %s is only allowed in explanation text (RFC 7208 §7.2)", s, t.text)
		}
	}
	return 0, ""
}

// macroEnv holds what macros expand to during one check_host().
type macroEnv struct {
	e      *evaluator
	domain string // <domain>, the current domain
}

// expand expands a macro-string (RFC 7208 §7.3). exp allows c, r and t.
func (m macroEnv) expand(ctx context.Context, s string, exp bool) (string, error) {
	if off, msg := checkMacroString(s, exp); msg != "" {
		return "", &SyntaxError{Col: off + 1, Msg: msg}
	}
	toks, _ := scanMacroString(s)
	var b strings.Builder
	for _, t := range toks {
		switch {
		case t.literal:
			b.WriteString(t.text)
		case t.letter == 0:
			b.WriteString(t.text2)
		default:
			v := m.value(ctx, t.letter)
			v = transform(v, t.digits, t.reverse, t.delims)
			if t.upper {
				v = urlEscape(v)
			}
			b.WriteString(v)
		}
	}
	return b.String(), nil
}

func (m macroEnv) value(ctx context.Context, letter byte) string {
	e := m.e
	switch letter {
	case 's':
		return e.local + "@" + e.senderDomain
	case 'l':
		return e.local
	case 'o':
		return e.senderDomain
	case 'd':
		return m.domain
	case 'i':
		return dottedIP(e.ip)
	case 'p':
		return e.validatedName(ctx, m.domain)
	case 'v':
		if e.ip.Is4() {
			return "in-addr"
		}
		return "ip6"
	case 'h':
		return e.helo
	case 'c':
		return e.ip.String()
	case 'r':
		if e.receiver == "" {
			return "unknown"
		}
		return e.receiver
	case 't':
		return strconv.FormatInt(e.now().Unix(), 10)
	}
	return ""
}

// dottedIP is the "i" macro: dotted quad for IPv4, dot-separated nibbles
// for IPv6 (RFC 7208 §7.3).
func dottedIP(ip netip.Addr) string {
	if ip.Is4() {
		return ip.String()
	}
	const hex = "0123456789abcdef"
	a := ip.As16()
	var b strings.Builder
	for i, x := range a {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteByte(hex[x>>4])
		b.WriteByte('.')
		b.WriteByte(hex[x&15])
	}
	return b.String()
}

// transform splits v on the delimiters (default "."), reverses the parts
// if asked, keeps the right-most n and joins them with dots (RFC 7208
// §7.3).
func transform(v string, n int, reverse bool, delims string) string {
	if n == 0 && !reverse && (delims == "" || delims == ".") {
		return v
	}
	if delims == "" {
		delims = "."
	}
	parts := splitAny(v, delims)
	if reverse {
		for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
			parts[i], parts[j] = parts[j], parts[i]
		}
	}
	if n > 0 && n < len(parts) {
		parts = parts[len(parts)-n:]
	}
	return strings.Join(parts, ".")
}

// splitAny splits s at every byte found in seps, keeping empty parts.
func splitAny(s, seps string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(seps, s[i]) >= 0 {
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// urlEscape escapes every byte outside the URI unreserved set, for
// upper-case macro letters (RFC 7208 §7.3, RFC 3986 §2.3).
func urlEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAlpha(c) || isDigit(c) || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// hasMacro reports whether a domain-spec depends on the message or the
// client (it holds a %{…} macro), so it cannot be followed without them.
func hasMacro(s string) bool { return strings.Contains(s, "%{") }
