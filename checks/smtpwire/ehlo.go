package smtpwire

import (
	"errors"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// Capabilities is what a server said in its 250 reply to EHLO (RFC 5321
// §4.1.1.1): the greeting line, every extension line as sent, and the
// extensions relayctl knows, parsed.
type Capabilities struct {
	// Greeting is the text of the first line (usually the server's name).
	Greeting string `json:"greeting"`
	// Extensions are the other lines, as sent (never null).
	Extensions []string `json:"extensions"`
	// Size is the SIZE limit in bytes (RFC 1870): absent when SIZE is not
	// advertised or its limit is not a number, 0 when it is advertised
	// without a fixed limit.
	Size                *int64 `json:"size,omitempty"`
	Pipelining          bool   `json:"pipelining"`          // RFC 2920
	EightBitMIME        bool   `json:"8bitmime"`            // RFC 6152
	SMTPUTF8            bool   `json:"smtputf8"`            // RFC 6531
	Chunking            bool   `json:"chunking"`            // RFC 3030
	DSN                 bool   `json:"dsn"`                 // RFC 3461
	EnhancedStatusCodes bool   `json:"enhancedstatuscodes"` // RFC 2034
	RequireTLS          bool   `json:"requiretls"`          // RFC 8689
	StartTLS            bool   `json:"starttls"`            // RFC 3207
	// Auth lists the SASL mechanisms of AUTH (RFC 4954), upper case, in
	// the order sent, each once (never null).
	Auth []string `json:"auth"`
}

// ParseEHLO reads the lines of a 250 EHLO reply (Reply.Lines).
func ParseEHLO(lines []string) *Capabilities {
	c := &Capabilities{Extensions: []string{}, Auth: []string{}}
	for i, l := range lines {
		if i == 0 {
			c.Greeting = l
			continue
		}
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		c.Extensions = append(c.Extensions, l)
		kw, params := keyword(l)
		switch kw {
		case "SIZE":
			var n int64
			if f := strings.Fields(params); len(f) > 0 {
				v, err := strconv.ParseInt(f[0], 10, 64)
				if err != nil || v < 0 {
					continue // not a number: SIZE is not usable as sent
				}
				n = v
			}
			c.Size = &n
		case "PIPELINING":
			c.Pipelining = true
		case "8BITMIME":
			c.EightBitMIME = true
		case "SMTPUTF8":
			c.SMTPUTF8 = true
		case "CHUNKING":
			c.Chunking = true
		case "DSN":
			c.DSN = true
		case "ENHANCEDSTATUSCODES":
			c.EnhancedStatusCodes = true
		case "REQUIRETLS":
			c.RequireTLS = true
		case "STARTTLS":
			c.StartTLS = true
		case "AUTH":
			for _, m := range strings.Fields(params) {
				m = strings.ToUpper(m)
				if !slices.Contains(c.Auth, m) {
					c.Auth = append(c.Auth, m)
				}
			}
		}
	}
	return c
}

// keyword splits an extension line into its keyword, upper case, and its
// parameters. Old servers wrote "AUTH=PLAIN LOGIN" for clients that
// predate RFC 4954; it means AUTH PLAIN LOGIN.
func keyword(line string) (kw, params string) {
	kw, params, _ = strings.Cut(line, " ")
	kw = strings.ToUpper(kw)
	if rest, ok := strings.CutPrefix(kw, "AUTH="); ok {
		return "AUTH", strings.TrimSpace(rest + " " + params)
	}
	return kw, params
}

// Has reports whether the server advertised the extension keyword (any
// case: "PIPELINING", "SIZE", "AUTH").
func (c *Capabilities) Has(kw string) bool {
	if c == nil {
		return false
	}
	kw = strings.ToUpper(kw)
	for _, l := range c.Extensions {
		if k, _ := keyword(l); k == kw {
			return true
		}
	}
	return false
}

// FallbackEHLO is the EHLO name when this host's name is not a fully
// qualified domain name. .invalid is reserved (RFC 2606 §2), so the name
// can never belong to someone else, and it is a syntactically valid
// domain where "localhost" is not a fully qualified one.
const FallbackEHLO = "relayctl.invalid"

// DefaultEHLO is the EHLO name every relayctl command greets with when
// --ehlo is not given: this host's name when it is a fully qualified
// domain name (RFC 5321 §4.1.1.1 asks for one), else FallbackEHLO. The
// name is only checked as text, never resolved. hostname is the lookup
// (os.Hostname when nil).
func DefaultEHLO(hostname func() (string, error)) string {
	if hostname == nil {
		hostname = os.Hostname
	}
	h, err := hostname()
	if err != nil {
		return FallbackEHLO
	}
	n, err := dnsx.Domain(h)
	if err != nil || !strings.Contains(n, ".") || strings.HasSuffix(n, ".localdomain") || strings.HasSuffix(n, ".local") {
		return FallbackEHLO
	}
	return n
}

// ErrBadEHLO is an EHLO name that is neither a domain nor an address
// literal.
var ErrBadEHLO = errors.New("smtpwire: invalid EHLO name")

// ValidEHLOName accepts what RFC 5321 §4.1.1.1 allows after EHLO: a
// domain name, or an address literal such as [192.0.2.1] or
// [IPv6:2001:db8::1] (§4.1.3). Its errors are *checks.Error of kind
// ErrBadEHLO whose message says what is wanted; the caller names the
// value ("invalid --ehlo NAME").
func ValidEHLOName(name string) error {
	if lit, ok := strings.CutPrefix(name, "["); ok && strings.HasSuffix(lit, "]") {
		lit = strings.TrimSuffix(lit, "]")
		v6, isV6 := strings.CutPrefix(lit, "IPv6:")
		if a, err := netip.ParseAddr(v6); err == nil && a.Zone() == "" && a.Is6() == isV6 {
			return nil
		}
		return checks.NewError("smtpwire", ErrBadEHLO, "an address literal is [192.0.2.1] or [IPv6:2001:db8::1]")
	}
	if _, err := dnsx.Domain(name); err != nil || name == "" || strings.ContainsAny(name, " \r\n\t") {
		return checks.NewError("smtpwire", ErrBadEHLO, "want a host name or an address literal")
	}
	return nil
}
