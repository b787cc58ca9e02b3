package spamd

import (
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// DefaultPort is spamd's port when an address gives none.
const DefaultPort = 783

// ParseAddr checks a --spamd value and returns it as HOST:PORT for
// Client.Addr: "127.0.0.1:783", "localhost" (port 783), "[::1]:10783",
// or a bare IPv6 address "::1" (port 783). A port must be 1–65535; a
// host name is left to the dialer to resolve.
func ParseAddr(s string) (string, error) {
	bad := func(why string) error {
		return newErr(ErrBadInput, "invalid spamd address "+strconv.Quote(s)+": "+why, nil)
	}
	if s == "" {
		return "", bad("empty")
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return "", bad("it contains spaces or control characters")
	}
	// A bare IPv6 address has colons but no brackets.
	if a, err := netip.ParseAddr(s); err == nil {
		return net.JoinHostPort(a.String(), strconv.Itoa(DefaultPort)), nil
	}
	host, port := s, strconv.Itoa(DefaultPort)
	switch {
	case strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]"):
		host = s[1 : len(s)-1]
	case strings.Contains(s, ":"):
		h, p, err := net.SplitHostPort(s)
		if err != nil {
			return "", bad("want HOST:PORT, or [IPv6]:PORT")
		}
		host, port = h, p
	}
	if host == "" {
		return "", bad("no host")
	}
	if strings.HasPrefix(s, "[") {
		if _, err := netip.ParseAddr(host); err != nil {
			return "", bad("only an IP address goes in brackets")
		}
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return "", bad("the port must be a number from 1 to 65535")
	}
	return net.JoinHostPort(host, strconv.Itoa(n)), nil
}
