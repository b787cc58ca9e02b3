package dnsx

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/miekg/dns"
	"golang.org/x/net/idna"

	"github.com/relayctl/relayctl/internal/textutil"
)

// idnaProfile converts user input to A-labels the way a browser's address
// bar would (UTS #46 lookup), but allows the underscore that DNS labels
// such as _dmarc and selector._domainkey carry.
var idnaProfile = idna.New(idna.MapForLookup(), idna.Transitional(false), idna.StrictDomainName(false))

// Domain turns a domain name as a user typed it into the form relayctl
// works with: A-labels (an IDN is checked as its punycode form), lower
// case, no trailing dot. It rejects what cannot be a host's domain name,
// with an error that wraps ErrBadName.
func Domain(input string) (string, error) {
	s := strings.TrimSpace(input)
	s = strings.TrimSuffix(s, ".")
	if s == "" {
		return "", fmt.Errorf("%q: %w: empty", input, ErrBadName)
	}
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("%q: %w: not valid UTF-8", input, ErrBadName)
	}
	ascii, err := idnaProfile.ToASCII(s)
	if err != nil {
		return "", fmt.Errorf("%q: %w: %s", input, ErrBadName, idnaReason(err))
	}
	ascii = strings.ToLower(ascii)
	if len(ascii) > 253 {
		return "", fmt.Errorf("%q: %w: longer than 253 characters", input, ErrBadName)
	}
	labels := strings.Split(ascii, ".")
	if len(labels) < 2 {
		return "", fmt.Errorf("%q: %w: a domain has at least two labels", input, ErrBadName)
	}
	for _, l := range labels {
		if l == "" {
			return "", fmt.Errorf("%q: %w: empty label", input, ErrBadName)
		}
		if len(l) > 63 {
			return "", fmt.Errorf("%q: %w: label %q is longer than 63 characters", input, ErrBadName, l)
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return "", fmt.Errorf("%q: %w: label %q starts or ends with a hyphen", input, ErrBadName, l)
		}
		for _, c := range l {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return "", fmt.Errorf("%q: %w: character %q not allowed", input, ErrBadName, c)
			}
		}
	}
	if _, ok := dns.IsDomainName(ascii); !ok {
		return "", fmt.Errorf("%q: %w", input, ErrBadName)
	}
	return ascii, nil
}

// idnaReason is what an error of the idna package says, in its words
// without its package prefix (textutil.LibraryText: its errors carry no
// parts to render).
func idnaReason(err error) string { return textutil.LibraryText(err) }

// Fqdn returns name lower-cased with exactly one trailing dot.
func Fqdn(name string) string {
	return dns.Fqdn(strings.ToLower(name))
}
