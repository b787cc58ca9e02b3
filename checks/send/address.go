package send

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"github.com/relayctl/relayctl/internal/textutil"
)

// Address is one mailbox: the display name and the address as it goes on
// the envelope — the domain as an A-label, the local part as typed.
type Address struct {
	Name string
	Addr string
}

// NoSingleLine rejects CR and LF (and NUL) in a value meant for one line
// of the message head or the SMTP dialogue: a header injection attempt
// (RFC 5322 §2.2, RFC 5321 §2.3.8).
func NoSingleLine(what, v string) error {
	if i := strings.IndexAny(v, "\r\n\x00"); i >= 0 {
		return errorf(ErrInjection, "%s %q has a line break or NUL at byte %d", what, textutil.Clip(v, 80), i+1)
	}
	return nil
}

// ParseAddressList parses a flag value: one or more addresses separated by
// commas, each "user@example.com" or "Name <user@example.com>". What is
// wrong with a bad one is said in words: "missing @", "the domain part
// is empty", "unbalanced angle brackets".
func ParseAddressList(what, v string) ([]Address, error) {
	if err := NoSingleLine(what, v); err != nil {
		return nil, err
	}
	for _, part := range splitAddresses(v) {
		if why := addressProblem(part); why != "" {
			return nil, errorf(ErrBadInput, "%s %q: %s", what, textutil.Clip(part, 80), why)
		}
	}
	list, err := mail.ParseAddressList(v)
	if err != nil {
		return nil, errorf(ErrBadInput, "%s %q: %s", what, textutil.Clip(v, 80), mailErrorText(err))
	}
	out := make([]Address, 0, len(list))
	for _, a := range list {
		norm, err := normalizeAddr(a.Address)
		if err != nil {
			return nil, errorf(ErrBadInput, "%s %q: %v", what, textutil.Clip(v, 80), err)
		}
		out = append(out, Address{Name: a.Name, Addr: norm})
	}
	return out, nil
}

// NullSender is how --from (or a batch row's "from") asks for the null
// reverse-path, MAIL FROM:<> (RFC 5321 §4.5.5): for bounces and probes.
const NullSender = "<>"

// ParseSender is ParseAddress that also takes the null sender "<>",
// returned as an Address with an empty Addr.
func ParseSender(what, v string) (Address, error) {
	if strings.TrimSpace(v) == NullSender {
		return Address{}, nil
	}
	return ParseAddress(what, v)
}

// IsNull reports the null sender.
func (a Address) IsNull() bool { return a.Addr == "" }

// splitAddresses cuts a list at the commas outside quotes, comments and
// angle brackets.
func splitAddresses(v string) []string {
	var out []string
	quoted, esc, angle, comment, start := false, false, 0, 0, 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case esc:
			esc = false
		case c == '\\' && (quoted || comment > 0):
			esc = true
		case c == '"' && comment == 0:
			quoted = !quoted
		case quoted:
		case c == '(':
			comment++
		case c == ')' && comment > 0:
			comment--
		case comment > 0:
		case c == '<':
			angle++
		case c == '>':
			angle--
		case c == ',' && angle == 0:
			out = append(out, v[start:i])
			start = i + 1
		}
	}
	return append(out, v[start:])
}

// addressProblem says in words what makes one address (with or without
// a display name) unusable, or "" when nothing obvious is: net/mail
// checks the rest.
func addressProblem(part string) string {
	p := strings.TrimSpace(stripComments(part))
	if p == "" {
		return "an empty address (two commas, or a comma at an end)"
	}
	spec := p
	open, close := strings.Count(p, "<"), strings.Count(p, ">")
	if open != close || open > 1 || open == 1 && strings.Index(p, ">") < strings.Index(p, "<") {
		if !strings.Contains(p, "\"") {
			return "unbalanced angle brackets: want one \"<\" and one \">\" around the address"
		}
	}
	if i := strings.LastIndexByte(p, '<'); i >= 0 {
		spec = p[i+1:]
		if j := strings.IndexByte(spec, '>'); j >= 0 {
			if strings.TrimSpace(spec[j+1:]) != "" && !strings.HasPrefix(strings.TrimSpace(spec[j+1:]), "(") {
				return "text after the closing \">\""
			}
			spec = spec[:j]
		}
	}
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return "the angle brackets hold no address"
	}
	at := strings.LastIndexByte(spec, '@')
	if at < 0 {
		return "missing @ between the local part and the domain"
	}
	if at == 0 {
		return "the local part (before the @) is empty"
	}
	if at == len(spec)-1 {
		return "the domain part (after the @) is empty"
	}
	if !strings.HasPrefix(spec, "\"") && strings.Count(spec, "@") > 1 {
		return "more than one @ (a local part with an @ must be quoted)"
	}
	if !strings.HasPrefix(spec, "\"") && strings.ContainsAny(spec[:at], " \t") && open == 0 {
		return "a space in the local part: a display name needs the address in angle brackets, \"Name <user@example.com>\""
	}
	if d := spec[at+1:]; strings.Contains(d, "..") || strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") {
		return "the domain part has an empty label (\"..\", or a dot at its start or end)"
	}
	return ""
}

// stripComments drops RFC 5322 §3.2.2 comments, "(…)" outside quoted
// strings (nested ones too); an unclosed one is left for net/mail.
func stripComments(v string) string {
	if !strings.Contains(v, "(") {
		return v
	}
	var b strings.Builder
	quoted, esc, depth := false, false, 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case esc:
			esc = false
		case c == '\\' && (quoted || depth > 0):
			esc = true
		case c == '"' && depth == 0:
			quoted = !quoted
		case !quoted && c == '(':
			depth++
			continue
		case !quoted && c == ')' && depth > 0:
			depth--
			continue
		}
		if depth == 0 {
			b.WriteByte(c)
		}
	}
	if depth > 0 {
		return v
	}
	return b.String()
}

// mailErrorText puts net/mail's terse errors in words.
func mailErrorText(err error) string {
	msg := strings.ReplaceAll(textutil.LibraryText(err), "mail: ", "")
	for from, to := range map[string]string{
		"no angle-addr":              "a display name must be followed by the address in angle brackets, \"Name <user@example.com>\"",
		"missing @ in addr-spec":     "missing @ between the local part and the domain",
		"no address":                 "no address",
		"unclosed angle-addr":        "unbalanced angle brackets: a \"<\" is never closed",
		"misformatted parenthetical": "an unclosed parenthesis (comment)",
		"expected comma":             "addresses must be separated by commas",
		"unclosed quoted-string":     "an unclosed double quote",
		"no domain in addr-spec":     "the domain part (after the @) is empty",
		"invalid string":             "a character that is not allowed in an address",
	} {
		if strings.Contains(msg, from) {
			return to
		}
	}
	if strings.Contains(msg, "angle-addr") || strings.Contains(msg, "addr-spec") {
		return "not a valid address: want user@example.com or \"Name <user@example.com>\""
	}
	return msg
}

// ParseAddress parses exactly one address.
func ParseAddress(what, v string) (Address, error) {
	l, err := ParseAddressList(what, v)
	if err != nil {
		return Address{}, err
	}
	if len(l) != 1 {
		return Address{}, errorf(ErrBadInput, "%s %q: want one address, got %d", what, textutil.Clip(v, 80), len(l))
	}
	return l[0], nil
}

// normalizeAddr turns the domain into an A-label (IDNA2008, UTS #46), so
// that only a non-ASCII local part needs SMTPUTF8, and lower-cases it.
func normalizeAddr(a string) (string, error) {
	at := strings.LastIndexByte(a, '@')
	if at <= 0 || at == len(a)-1 {
		return "", fmt.Errorf("%q is not local@domain", a)
	}
	if strings.ContainsAny(a, "<>") {
		return "", fmt.Errorf("%q has an angle bracket inside the address", a)
	}
	local, domain := a[:at], a[at+1:]
	if !utf8.ValidString(local) {
		return "", fmt.Errorf("%q is not valid UTF-8", a)
	}
	if strings.HasPrefix(domain, "[") {
		return a, nil // an address literal
	}
	ascii, err := idna.Lookup.ToASCII(strings.TrimSuffix(domain, "."))
	if err != nil {
		return "", fmt.Errorf("domain %q: %v", domain, textutil.LibraryText(err))
	}
	return local + "@" + strings.ToLower(ascii), nil
}

// Domain is the address's domain ("" for the null sender).
func (a Address) Domain() string {
	if a.Addr == "" {
		return ""
	}
	return a.Addr[strings.LastIndexByte(a.Addr, '@')+1:]
}

// header formats the address for a header field: the name encoded per
// RFC 2047 when not ASCII, the address as is (RFC 6532 allows UTF-8 in a
// message sent with SMTPUTF8).
func (a Address) header() string {
	return (&mail.Address{Name: a.Name, Address: a.Addr}).String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
