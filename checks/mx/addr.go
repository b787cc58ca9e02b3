package mx

import (
	"net/netip"
	"strings"
)

// special is one special-purpose address block (RFC 6890 and the IANA
// registries it set up) that a mail host on the Internet cannot use.
type special struct {
	prefix netip.Prefix
	kind   string
}

var specialBlocks = func() []special {
	list := []struct{ cidr, kind string }{
		{"0.0.0.0/8", "\"this network\" (RFC 791)"},
		{"10.0.0.0/8", "private (RFC 1918)"},
		{"100.64.0.0/10", "carrier-grade NAT (RFC 6598)"},
		{"127.0.0.0/8", "loopback (RFC 1122)"},
		{"169.254.0.0/16", "link-local (RFC 3927)"},
		{"172.16.0.0/12", "private (RFC 1918)"},
		{"192.0.0.0/24", "IETF protocol assignments (RFC 6890)"},
		{"192.0.2.0/24", "documentation (RFC 5737)"},
		{"192.168.0.0/16", "private (RFC 1918)"},
		{"198.18.0.0/15", "benchmarking (RFC 2544)"},
		{"198.51.100.0/24", "documentation (RFC 5737)"},
		{"203.0.113.0/24", "documentation (RFC 5737)"},
		{"224.0.0.0/4", "multicast (RFC 5771)"},
		{"240.0.0.0/4", "reserved (RFC 1112)"},
		{"::/128", "unspecified (RFC 4291)"},
		{"::1/128", "loopback (RFC 4291)"},
		{"100::/64", "discard-only (RFC 6666)"},
		{"2001:db8::/32", "documentation (RFC 3849)"},
		{"3fff::/20", "documentation (RFC 9637)"},
		{"fc00::/7", "unique local (RFC 4193)"},
		{"fe80::/10", "link-local (RFC 4291)"},
		{"ff00::/8", "multicast (RFC 4291)"},
	}
	out := make([]special, len(list))
	for i, b := range list {
		out[i] = special{netip.MustParsePrefix(b.cidr), b.kind}
	}
	return out
}()

// specialKind names the special-purpose block addr belongs to, or returns
// "" for an address that can be reached on the Internet. An IPv4-mapped
// IPv6 address is judged as the IPv4 address it carries.
func specialKind(addr netip.Addr) string {
	a := addr.Unmap()
	for _, b := range specialBlocks {
		if b.prefix.Contains(a) {
			return b.kind
		}
	}
	return ""
}

// ipLiteral reports whether an MX target is an IP address written where a
// host name belongs ("192.0.2.1.", "[192.0.2.1]", "2001:db8::1").
func ipLiteral(target string) (netip.Addr, bool) {
	s := strings.TrimSuffix(target, ".")
	s = strings.TrimPrefix(s, "[")
	s = strings.TrimSuffix(s, "]")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "IPv6:"), "ipv6:")
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a, true
}
