package smtpprobe

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/relayctl/relayctl/checks/dnsx"
)

// Target is one HOST[:PORT] argument of "check smtp".
type Target struct {
	// Host is the normalised host name (A-label, lower case, no trailing
	// dot) or the IP address as text.
	Host string
	// Addr is the address when Host is an IP literal.
	Addr netip.Addr
	// Port is the port named, or 0 for DefaultPorts.
	Port int
}

// ParseTarget reads HOST, HOST:PORT, an IPv4 or IPv6 address, or
// [IPv6]:PORT. Errors wrap ErrBadTarget.
func ParseTarget(s string) (Target, error) {
	var t Target
	in := strings.TrimSpace(s)
	if in == "" {
		return t, newError(ErrBadTarget, "invalid target: empty", nil)
	}
	host, port := in, ""
	if a, err := netip.ParseAddr(strings.Trim(in, "[]")); err == nil && (!strings.HasPrefix(in, "[") || strings.HasSuffix(in, "]")) {
		host = a.String()
	} else if h, p, err := net.SplitHostPort(in); err == nil {
		host, port = h, p
	} else if strings.Count(in, ":") > 0 {
		return t, newError(ErrBadTarget, fmt.Sprintf("invalid target %q: want HOST, HOST:PORT or [IPv6]:PORT", s), nil)
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return t, newError(ErrBadTarget, fmt.Sprintf("invalid target %q: port %q is not a number from 1 to 65535", s, port), nil)
		}
		t.Port = n
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if a.Zone() != "" {
			return t, newError(ErrBadTarget, fmt.Sprintf("invalid target %q: an address with a zone cannot be probed", s), nil)
		}
		t.Addr = a.Unmap()
		t.Host = t.Addr.String()
		return t, nil
	}
	if !utf8.ValidString(host) {
		return t, newError(ErrBadTarget, fmt.Sprintf("invalid target %q: not valid UTF-8", s), nil)
	}
	name, err := dnsx.Domain(host)
	if err == nil {
		// The name must stay the same when normalised again, so that
		// the report's target can be typed back in.
		_, err = dnsx.Domain(name)
	}
	if err != nil {
		return t, newError(ErrBadTarget, fmt.Sprintf("invalid target %q", s), err)
	}
	t.Host = name
	return t, nil
}

// String is the target as reports name it: the host, with ":PORT" when
// a port was named ([v6]:PORT for an IPv6 address).
func (t Target) String() string {
	if t.Port == 0 {
		return t.Host
	}
	return net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
}

// Ports are the ports to probe: the one named, or DefaultPorts.
func (t Target) Ports() []int {
	if t.Port != 0 {
		return []int{t.Port}
	}
	return DefaultPorts
}
