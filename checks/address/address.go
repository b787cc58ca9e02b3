// Package address parses email addresses as people type them into sign-up
// forms and lists: the addr-spec of RFC 5322 §3.4.1 within the limits of
// RFC 5321 §4.5.3.1 (64 octets of local part, 254 for the whole path
// without its angle brackets), the internationalised addresses of RFC
// 6531 §3.3, and the mistakes people make (a space, two @, a comma for a
// dot, a trailing dot), each reported with its position. It also suggests
// the intended domain when one of the big providers' names was mistyped.
//
// Comments and folding white space (CFWS), obsolete syntax and the
// display-name forms of RFC 5322 are not addresses a list should hold,
// and are refused.
package address

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/smtpwire"
)

// Limits of RFC 5321 §4.5.3.1.1 and §4.5.3.1.3 (with RFC 3696 erratum
// 1690: a path of 256 octets holds an address of 254).
const (
	MaxLocal   = 64
	MaxAddress = 254
)

// Address is a parsed address.
type Address struct {
	// Local is the local part as given (quotes and escapes kept): it is
	// the receiving domain's to interpret (RFC 5321 §2.4), so it is never
	// changed.
	Local string
	// Domain is the domain as A-labels, lower case; for an address
	// literal ("[192.0.2.1]") it is the literal as given.
	Domain string
	// Unicode is the domain as given, when it differs from Domain (an
	// IDN, or a name with capitals).
	Unicode string `json:",omitempty"`
	// Literal is set when the domain is an address literal (RFC 5321
	// §4.1.3).
	Literal bool
	// Quoted is set when the local part is a quoted string.
	Quoted bool
	// UTF8 is set when the local part holds non-ASCII characters, which
	// only an SMTPUTF8 server can take (RFC 6531).
	UTF8 bool
}

// String is the normalized address: the local part as given, the domain
// as A-labels in lower case.
func (a *Address) String() string { return a.Local + "@" + a.Domain }

// Kinds of syntax error, for errors.Is and for a stable finding code.
var (
	ErrEmpty      = errors.New("address: empty")
	ErrNoAt       = errors.New("address: no @")
	ErrTwoAt      = errors.New("address: more than one @")
	ErrSpace      = errors.New("address: white space")
	ErrComma      = errors.New("address: comma")
	ErrDot        = errors.New("address: misplaced dot")
	ErrLocal      = errors.New("address: invalid local part")
	ErrLocalLong  = errors.New("address: local part too long")
	ErrTooLong    = errors.New("address: address too long")
	ErrDomain     = errors.New("address: invalid domain")
	ErrBadUTF8    = errors.New("address: not valid UTF-8")
	ErrQuote      = errors.New("address: unterminated quoted string")
	ErrBadLiteral = errors.New("address: invalid address literal")
)

// SyntaxError is an address that cannot be used, with where it goes
// wrong. Pos is the 1-based position of the offending character, counted
// in characters (not bytes), 0 when the error is about the whole address.
type SyntaxError struct {
	Kind  error
	Pos   int
	Msg   string
	Input string
}

func (e *SyntaxError) Error() string { return "address: " + e.Message() }

// Message is the text for a person: the position, then what is wrong.
func (e *SyntaxError) Message() string {
	if e.Pos > 0 {
		return fmt.Sprintf("character %d: %s", e.Pos, e.Msg)
	}
	return e.Msg
}

func (e *SyntaxError) Unwrap() error { return e.Kind }

func fail(in string, kind error, bytePos int, format string, a ...any) *SyntaxError {
	pos := 0
	if bytePos >= 0 {
		pos = utf8.RuneCountInString(in[:min(bytePos, len(in))]) + 1
	}
	return &SyntaxError{Kind: kind, Pos: pos, Msg: fmt.Sprintf(format, a...), Input: in}
}

// Parse reads one address. Surrounding white space is dropped (a list's
// lines carry it); white space inside is an error. Errors are
// *SyntaxError.
func Parse(in string) (*Address, error) {
	s := strings.TrimSpace(in)
	off := strings.Index(in, s) // positions are reported in the input as given
	if s == "" {
		return nil, fail(in, ErrEmpty, -1, "empty address")
	}
	if !utf8.ValidString(s) {
		i := 0
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		return nil, fail(in, ErrBadUTF8, off+i, "not valid UTF-8")
	}
	at, err := splitAt(s)
	if err != nil {
		err.Pos += utf8.RuneCountInString(in[:off])
		err.Input = in
		return nil, err
	}
	local, domain := s[:at], s[at+1:]
	a := &Address{Local: local}
	if err := parseLocal(local, a); err != nil {
		return nil, shift(err, in, off)
	}
	if err := parseDomain(domain, a); err != nil {
		return nil, shift(err, in, off+at+1)
	}
	if len(local) > MaxLocal {
		return nil, fail(in, ErrLocalLong, -1, "the local part is %d octets long; RFC 5321 §4.5.3.1.1 allows %d", len(local), MaxLocal)
	}
	if n := len(local) + 1 + len(a.Domain); n > MaxAddress {
		return nil, fail(in, ErrTooLong, -1, "the address is %d octets long; RFC 5321 §4.5.3.1.3 allows %d", n, MaxAddress)
	}
	return a, nil
}

// shift moves a position found in a part of s to the input as given.
func shift(err *SyntaxError, in string, byteOff int) *SyntaxError {
	if err.Pos > 0 {
		err.Pos += utf8.RuneCountInString(in[:byteOff])
	}
	err.Input = in
	return err
}

// splitAt finds the @ that separates the local part from the domain: the
// last one outside a quoted string. A second @ outside quotes is the
// common typing mistake "a@@b.com" or "a@b.com@c.com".
func splitAt(s string) (int, *SyntaxError) {
	at := -1
	quoted, escaped := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case escaped:
			escaped = false
		case quoted && c == '\\':
			escaped = true
		case c == '"' && (i == 0 || quoted):
			quoted = !quoted
		case c == '@' && !quoted:
			if at >= 0 {
				return 0, fail(s, ErrTwoAt, i, "a second @ (the first is at character %d); an address has exactly one", utf8.RuneCountInString(s[:at])+1)
			}
			at = i
		}
	}
	if quoted {
		return 0, fail(s, ErrQuote, 0, "the quoted local part is never closed")
	}
	if at < 0 {
		return 0, fail(s, ErrNoAt, -1, "no @: an address is local-part@domain")
	}
	if at == 0 {
		return 0, fail(s, ErrLocal, 0, "nothing before the @")
	}
	if at == len(s)-1 {
		return 0, fail(s, ErrDomain, at, "nothing after the @")
	}
	return at, nil
}

// isAtext is atext of RFC 5322 §3.2.3, widened by RFC 6531 §3.3 to every
// non-ASCII character.
func isAtext(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	case r >= 0x80:
		return r != utf8.RuneError && !isSpace(r) && r >= 0xa0
	}
	return strings.ContainsRune("!#$%&'*+-/=?^_`{|}~", r)
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\r' || r == '\n' || r == 0xa0 || r == 0x3000 || r == 0x2002 || r == 0x2003 || r == 0x200b
}

func parseLocal(l string, a *Address) *SyntaxError {
	if strings.HasPrefix(l, `"`) {
		return parseQuoted(l, a)
	}
	// dot-atom-text = 1*atext *("." 1*atext) (RFC 5322 §3.2.3)
	for i, r := range l {
		switch {
		case r == '.':
			if i == 0 {
				return fail(l, ErrDot, i, "the local part starts with a dot")
			}
			if i == len(l)-1 {
				return fail(l, ErrDot, i, "the local part ends with a dot (a trailing dot before the @)")
			}
			if l[i+1] == '.' {
				return fail(l, ErrDot, i, "two dots in a row")
			}
		case isSpace(r):
			return fail(l, ErrSpace, i, "a space in the local part")
		case r == ',':
			return fail(l, ErrComma, i, "a comma in the local part (a dot was meant, or two addresses were run together)")
		case r == '"':
			return fail(l, ErrLocal, i, "a quote inside the local part: quote the whole local part or none of it")
		case !isAtext(r):
			return fail(l, ErrLocal, i, "%q is not allowed in an unquoted local part", r)
		case r >= 0x80:
			a.UTF8 = true
		}
	}
	return nil
}

// parseQuoted reads quoted-string (RFC 5322 §3.2.4, RFC 5321 §4.1.2):
// DQUOTE *(qtextSMTP / quoted-pairSMTP) DQUOTE, where a quoted pair is a
// backslash and any printable ASCII character or space.
func parseQuoted(l string, a *Address) *SyntaxError {
	a.Quoted = true
	i := 1
	for i < len(l) {
		r, n := utf8.DecodeRuneInString(l[i:])
		switch {
		case r == '\\':
			if i+1 >= len(l) || l[i+1] < ' ' || l[i+1] > '~' {
				return fail(l, ErrLocal, i, "a backslash must escape a printable character")
			}
			i += 2
			continue
		case r == '"':
			if i != len(l)-1 {
				return fail(l, ErrLocal, i+1, "text after the closing quote of the local part")
			}
			if i == 1 {
				return fail(l, ErrLocal, 0, "an empty quoted local part")
			}
			return nil
		case r < ' ' || r == 0x7f:
			return fail(l, ErrLocal, i, "a control character in the quoted local part")
		case r >= 0x80:
			a.UTF8 = true
		}
		i += n
	}
	return fail(l, ErrQuote, 0, "the quoted local part is never closed")
}

func parseDomain(d string, a *Address) *SyntaxError {
	if strings.HasPrefix(d, "[") {
		return parseLiteral(d, a)
	}
	for i, r := range d {
		switch {
		case isSpace(r):
			return fail(d, ErrSpace, i, "a space in the domain")
		case r == ',':
			return fail(d, ErrComma, i, "a comma in the domain (a dot was meant)")
		case r == '.' && i == 0:
			return fail(d, ErrDot, i, "the domain starts with a dot")
		case r == '.' && i == len(d)-1:
			return fail(d, ErrDot, i, "a trailing dot after the domain")
		case r == '.' && d[i+1] == '.':
			return fail(d, ErrDot, i, "two dots in a row in the domain")
		case r == '_':
			// dnsx allows it for _dmarc-style names; a mail host has none
			// (RFC 5321 §4.1.2 Domain is letters, digits and hyphens).
			return fail(d, ErrDomain, i, "an underscore is not allowed in a mail domain")
		}
	}
	if err := checkLabels(d); err != nil {
		return err
	}
	ascii, err := dnsx.Domain(d)
	if err != nil {
		return fail(d, ErrDomain, 0, "not a valid domain name (an internationalised name must convert to A-labels, RFC 5890)")
	}
	a.Domain = ascii
	if ascii != d {
		a.Unicode = d
	}
	return nil
}

// parseLiteral reads an address literal (RFC 5321 §4.1.3).
func parseLiteral(d string, a *Address) *SyntaxError {
	if !strings.HasSuffix(d, "]") {
		return fail(d, ErrBadLiteral, 0, "an address literal must end with ]")
	}
	if err := smtpwire.ValidEHLOName(d); err != nil {
		return fail(d, ErrBadLiteral, 0, "an address literal is [192.0.2.1] or [IPv6:2001:db8::1]")
	}
	a.Domain, a.Literal = d, true
	return nil
}

// checkLabels says what is wrong with the labels of an ASCII domain in
// our own words (RFC 1035 §2.3.1, RFC 5321 §4.1.2): at least two labels
// of letters, digits and inner hyphens, each at most 63 octets. Non-ASCII
// labels are left to the IDNA conversion.
func checkLabels(d string) *SyntaxError {
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return fail(d, ErrDomain, 0, "the domain has a single label; a mail domain has at least two (example.com)")
	}
	pos := 0
	for _, l := range labels {
		ascii := true
		for _, r := range l {
			if r >= 0x80 {
				ascii = false
			}
		}
		if ascii {
			if len(l) > 63 {
				return fail(d, ErrDomain, pos, "a label longer than 63 characters")
			}
			if l[0] == '-' || l[len(l)-1] == '-' {
				return fail(d, ErrDomain, pos, "a label starts or ends with a hyphen")
			}
			for i := 0; i < len(l); i++ {
				c := l[i]
				if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
					return fail(d, ErrDomain, pos+i, "%q is not allowed in a domain", c)
				}
			}
		}
		pos += len(l) + 1
	}
	return nil
}
