package dnsbl

import (
	"net/netip"
	"strconv"
	"strings"
)

const hexDigits = "0123456789abcdef"

// Reversed is the label sequence an address is asked under (RFC 5782
// §2.1 for IPv4, §2.4 for IPv6): the octets of an IPv4 address in
// reverse order, or the 32 nibbles of an IPv6 address in reverse order,
// dot-separated, without a trailing dot. An IPv4-mapped address is asked
// as IPv6 (RFC 5782 §5 uses ::FFFF:7F00:2 as the IPv6 test entry); unmap
// user input first, as ParseAddr does.
func Reversed(a netip.Addr) string {
	var b strings.Builder
	if a.Is4() {
		o := a.As4()
		b.Grow(16)
		for i := 3; i >= 0; i-- {
			b.WriteString(strconv.Itoa(int(o[i])))
			if i > 0 {
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	o := a.As16()
	b.Grow(64)
	for i := 15; i >= 0; i-- {
		b.WriteByte(hexDigits[o[i]&0xf])
		b.WriteByte('.')
		b.WriteByte(hexDigits[o[i]>>4])
		if i > 0 {
			b.WriteByte('.')
		}
	}
	return b.String()
}

// QueryName is the name asked of zone about t (RFC 5782 §2.1, §2.4, §3).
func QueryName(t Target, zone string) string {
	if t.Domain != "" {
		return t.Domain + "." + zone + "."
	}
	return Reversed(t.Addr) + "." + zone + "."
}

// zoneFor is the zone asked for list l: KEY.zone for a list with a key.
func zoneFor(l *List, keys Keys) string {
	if k := keys.of(l.Key); k != "" {
		return k + "." + l.Zone
	}
	return l.Zone
}

// redact hides a key in a name that is shown to people.
func redact(name string, keys Keys) string {
	for _, k := range []string{keys.DQS, keys.Abusix} {
		if k != "" {
			name = strings.ReplaceAll(name, k+".", "KEY.")
		}
	}
	return name
}
