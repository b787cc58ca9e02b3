package cmdutil

import (
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks/dnsx"
)

// FuzzCheckServer: what --resolver validation accepts is an address the
// resolver can use — an IP address or a host name with a port from 1 to
// 65535 — and a resolver builds from it; nothing panics.
func FuzzCheckServer(f *testing.F) {
	for _, s := range []string{"127.0.0.1", "127.0.0.1:5353", "[::1]:53", "dns.example:53", "300.1.1.1", "1.2.3", "a..b", "[zz::1]:53", "127.0.0.1:0", "fe80::1%eth0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if checkServer(s) != nil {
			return
		}
		addr, err := dnsx.ServerAddr(s)
		if err != nil {
			t.Fatalf("%q accepted, but ServerAddr fails: %v", s, err)
		}
		host, port, _ := net.SplitHostPort(addr)
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			t.Fatalf("%q accepted with port %q", s, port)
		}
		if _, err := netip.ParseAddr(host); err != nil {
			labels := strings.Split(strings.TrimSuffix(host, "."), ".")
			if strings.Trim(labels[len(labels)-1], "0123456789") == "" || !hostName(labels) {
				t.Fatalf("%q accepted: host %q is neither an IP address nor a host name", s, host)
			}
		}
		if _, err := dnsx.New(dnsx.Config{Servers: []string{s}}); err != nil {
			t.Fatalf("%q accepted, but no resolver builds from it: %v", s, err)
		}
	})
}
