package dnsbl

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/relayctl/relayctl/checks"
)

// loopback8 is where every DNSBL answer must be (RFC 5782 §2.1); an
// answer elsewhere is a zone that expired and was parked, or a resolver
// that rewrites NXDOMAIN.
var loopback8 = netip.MustParsePrefix("127.0.0.0/8")

// verdict is what one A answer says.
type verdict int

const (
	notListed verdict = iota
	listed
	refused
	outside
)

// Answered is one return code and what it means.
type Answered struct {
	Code    string `json:"code"`
	Meaning string `json:"meaning"`
	// Severity of the listing this code makes (empty when not a listing).
	Severity checks.Severity `json:"severity,omitempty"`
}

// classified is the reading of one A answer by one list.
type classified struct {
	v        verdict
	codes    []Answered
	severity checks.Severity // the worst code's, when listed
	why      string          // for refused and outside
}

// classify reads the addresses a list answered with.
func (l *List) classify(addrs []netip.Addr) classified {
	var c classified
	if len(addrs) == 0 {
		return c
	}
	for _, a := range addrs {
		if !loopback8.Contains(a) {
			c.v = outside
			c.codes = []Answered{{Code: a.String(), Meaning: "outside 127.0.0.0/8"}}
			c.why = fmt.Sprintf("%s answered %s, outside 127.0.0.0/8 (RFC 5782 §2.1): the zone may have expired and been parked, or the resolver rewrites answers", l.Zone, a)
			return c
		}
	}
	for _, a := range addrs {
		if l.isRefusal(a) {
			c.v = refused
			c.codes = l.meanings(a)
			c.why = fmt.Sprintf("%s refused the query: %s", l.Zone, describe(c.codes))
			return c
		}
	}
	c.v = listed
	for _, a := range addrs {
		for _, m := range l.meanings(a) {
			if m.Severity == "" {
				m.Severity = l.Severity
			}
			if l.Allowlist {
				m.Severity = checks.SeverityInfo
			}
			c.codes = append(c.codes, m)
			c.severity = worse(c.severity, m.Severity)
		}
	}
	return c
}

func worse(a, b checks.Severity) checks.Severity {
	if a == "" || checks.Worse(a.Status(), b.Status()) != a.Status() {
		return b
	}
	return a
}

// errorRange is where lists answer when they will not answer: by common
// convention (Spamhaus's, followed by other lists and by filters such as
// rspamd) an answer in 127.255.255.0/24 is an error code, never a listing.
var errorRange = netip.MustParsePrefix("127.255.255.0/24")

func (l *List) isRefusal(a netip.Addr) bool {
	for _, p := range l.Refused {
		if p.Contains(a) {
			return true
		}
	}
	if l.conventionalError(a) && !l.listsWith(a) {
		return true
	}
	return l.Bitmask && a.Is4() && a.As4()[3]&l.RefusedBits != 0
}

// listsWith reports whether the list documents code a as a listing (not as
// a refusal): only then is an answer in errorRange a listing.
func (l *List) listsWith(a netip.Addr) bool {
	if l.Bitmask {
		return false
	}
	for _, c := range l.Codes {
		if c.Code == a.String() {
			return !strings.HasPrefix(c.Meaning, "refused")
		}
	}
	return false
}

// loopbackAnswer is 127.0.0.1 as an answer. RFC 5782 §5 keeps the
// address 127.0.0.1 out of every IPv4 list, and lists that answer with it
// (URIBL, SURBL) mean "query refused": undocumented, it is a refusal,
// never a listing. (A bitmask list reads it as bit 1, by its own table.)
var loopbackAnswer = netip.AddrFrom4([4]byte{127, 0, 0, 1})

// conventionalError reports whether a is an error code by common
// convention, whatever the list: an answer in errorRange, or 127.0.0.1
// on a list that does not read its answers by bits.
func (l *List) conventionalError(a netip.Addr) bool {
	return errorRange.Contains(a) || a == loopbackAnswer && !l.Bitmask
}

// conventionMeaning is what an undocumented answer in errorRange (or
// 127.0.0.1) means by common convention, with Spamhaus's meaning for the
// codes it defines.
func conventionMeaning(a netip.Addr) string {
	if a == loopbackAnswer {
		return "refused: by common convention (URIBL, SURBL) an answer of 127.0.0.1 is a refusal, not a listing"
	}
	for _, c := range spamhausErrors {
		if c.Code == a.String() {
			return "error code, as Spamhaus uses it: " + strings.TrimPrefix(c.Meaning, "refused: ")
		}
	}
	return "error code: by common convention an answer in 127.255.255.0/24 is a refusal or an error, not a listing"
}

// meanings looks a code up: by bit for a bitmask list, by last octet for
// a list that says so, else whole.
func (l *List) meanings(a netip.Addr) []Answered {
	code := a.String()
	if !l.Bitmask {
		for _, c := range l.Codes {
			if c.Code == code {
				return []Answered{{Code: code, Meaning: c.Meaning, Severity: c.Severity}}
			}
		}
	}
	if l.conventionalError(a) {
		return []Answered{{Code: code, Meaning: conventionMeaning(a)}}
	}
	if l.Bitmask && a.Is4() {
		v := a.As4()[3]
		var out []Answered
		var known uint8
		for _, c := range l.Codes {
			b, err := strconv.Atoi(c.Code)
			if err != nil || b <= 0 || b > 255 {
				continue
			}
			known |= uint8(b)
			if v&uint8(b) != 0 {
				out = append(out, Answered{Code: code, Meaning: c.Meaning, Severity: c.Severity})
			}
		}
		for b := 1; b < 256; b <<= 1 {
			if v&uint8(b) != 0 && known&uint8(b) == 0 {
				out = append(out, Answered{Code: code, Meaning: fmt.Sprintf("bit %d: not documented by the list", b)})
			}
		}
		if len(out) == 0 {
			out = append(out, Answered{Code: code, Meaning: "no bit set: not documented by the list"})
		}
		return out
	}
	if l.LastOctet && a.Is4() {
		last := a.As4()[3]
		for _, c := range l.Codes {
			if ca, err := netip.ParseAddr(c.Code); err == nil && ca.Is4() && ca.As4()[3] == last {
				return []Answered{{Code: code, Meaning: c.Meaning, Severity: c.Severity}}
			}
		}
	}
	return []Answered{{Code: code, Meaning: "code not documented by the list"}}
}

// describe joins codes and meanings for a message; the bits of one
// bitmask answer share its parentheses: "127.0.0.10 (black; red)".
func describe(codes []Answered) string {
	var b strings.Builder
	for i, c := range codes {
		meaning := strings.TrimPrefix(c.Meaning, "refused: ")
		switch {
		case i > 0 && codes[i-1].Code == c.Code:
			b.WriteString("; " + meaning)
			continue
		case i > 0:
			b.WriteString("); ")
		}
		b.WriteString(c.Code + " (" + meaning)
	}
	if len(codes) > 0 {
		b.WriteString(")")
	}
	return b.String()
}
