package send

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"github.com/relayctl/relayctl/checks/internal/textutil"
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
// commas, each "user@example.com" or "Name <user@example.com>".
func ParseAddressList(what, v string) ([]Address, error) {
	if err := NoSingleLine(what, v); err != nil {
		return nil, err
	}
	list, err := mail.ParseAddressList(v)
	if err != nil {
		return nil, errorf(ErrBadInput, "%s %q: %v", what, textutil.Clip(v, 80), textutil.LibraryText(err))
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

// Domain is the address's domain.
func (a Address) Domain() string {
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
