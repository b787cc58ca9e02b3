package dnsx

import (
	"net"
	"testing"
)

// FuzzServerAddr: any --resolver text either fails or becomes an address
// net.SplitHostPort takes apart into a host and a port, without a panic.
func FuzzServerAddr(f *testing.F) {
	for _, s := range []string{"127.0.0.1", "127.0.0.1:5353", "::1", "[::1]:53", "dns.example", "300.1.1.1", "[", "a:b:c", " ", "[::1", "host:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		addr, err := ServerAddr(s)
		if err != nil {
			if addr != "" {
				t.Fatalf("%q: address %q with error %v", s, addr, err)
			}
			return
		}
		host, port, err := net.SplitHostPort(addr)
		if err != nil || host == "" || port == "" {
			t.Fatalf("%q gave %q, which does not split (%v)", s, addr, err)
		}
	})
}
