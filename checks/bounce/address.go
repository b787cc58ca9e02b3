package bounce

import (
	"strings"
)

// isAddress reports whether s looks like an email address: a local part,
// one "@", a domain with a dot (or an address literal), and no spaces or
// control characters.
func isAddress(s string) bool {
	if len(s) < 5 || len(s) > 320 {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || at == len(s)-1 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '(' || c == ')' {
			if c != ' ' || s[0] != '"' {
				return false
			}
		}
	}
	dom := s[at+1:]
	if strings.HasPrefix(dom, "[") {
		return strings.HasSuffix(dom, "]")
	}
	if !strings.Contains(dom, ".") || strings.HasPrefix(dom, ".") || strings.HasSuffix(dom, ".") ||
		strings.Contains(dom, "..") {
		return false
	}
	return true
}

// addressIn finds the first email address in s: one in angle brackets
// first, else a bare word with an "@". The result is trimmed of quotes
// and brackets; "" when there is none.
func addressIn(s string) string {
	s = strings.TrimSpace(s)
	for from := 0; from < len(s); {
		i := strings.IndexByte(s[from:], '<')
		if i < 0 {
			break
		}
		i += from
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break
		}
		cand := cleanAddress(s[i+1 : i+j])
		if isAddress(cand) {
			return cand
		}
		from = i + j + 1
	}
	for _, w := range strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == ',' || r == ';' || r == '\t' || r == '<' || r == '>' || r == '(' || r == ')'
	}) {
		if !strings.Contains(w, "@") {
			continue
		}
		cand := cleanAddress(w)
		if isAddress(cand) {
			return cand
		}
	}
	return ""
}

// cleanAddress trims what surrounds an address in running text.
func cleanAddress(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "mailto:"), "MAILTO:")
	if strings.HasPrefix(strings.TrimLeft(s, "<"), `"`) && strings.Contains(s, `"@`) {
		// A quoted local part (RFC 5321 §4.1.2) keeps its quotes.
		s = strings.Trim(s, `<>'(){}[]:;,.`+"`")
	} else {
		s = strings.Trim(s, `<>"'(){}[]:;,.`+"`")
	}
	if strings.HasPrefix(strings.ToLower(s), "rfc822;") {
		s = strings.TrimSpace(s[7:])
	}
	s = strings.Trim(s, "<> ")
	// An address with a quoted local part keeps its quotes.
	return s
}

// normalizeRecipient returns an address as records carry it: the local
// part as written, the domain in lower case.
func normalizeRecipient(s string) string {
	s = cleanAddress(s)
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return s
	}
	return s[:at+1] + strings.ToLower(s[at+1:])
}
