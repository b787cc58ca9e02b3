package mx

import (
	"net/netip"
	"testing"
)

func TestGenericPTR(t *testing.T) {
	cases := []struct {
		name, addr string
		generic    bool
	}{
		{"ec2-93-184-216-34.compute-1.amazonaws.com", "93.184.216.34", true},
		{"34.216.184.93.bc.googleusercontent.com", "93.184.216.34", true},
		{"static.34.216.184.93.clients.your-server.de", "93.184.216.34", true},
		{"ip093184216034.example.net", "93.184.216.34", false}, // one run of digits: not spelled out
		{"pool-1-2-3-4.dsl.example.net", "5.6.7.8", true},      // "pool", "dsl"
		{"dynamic-host.example.net", "5.6.7.8", true},
		{"mx1.example.com", "93.184.216.34", false},
		{"mail-out-34.example.com", "93.184.216.34", false},
		{"smtp.provider.net", "2606:2800:220:1::1", false},
		{"cust-2606.dhcp.example.net", "2606:2800:220:1::1", true},
		{"93-184-216-3400.example.net", "93.184.216.34", false},
	}
	for _, c := range cases {
		why := genericPTR(c.name, netip.MustParseAddr(c.addr))
		if (why != "") != c.generic {
			t.Errorf("genericPTR(%q, %s) = %q, want generic=%v", c.name, c.addr, why, c.generic)
		}
	}
}

func FuzzGenericPTR(f *testing.F) {
	f.Add("ec2-93-184-216-34.compute-1.amazonaws.com", "93.184.216.34")
	f.Add("1.2.3.4.5.6.7.8.9", "4.3.2.1")
	f.Add("", "::1")
	f.Add("99999999999999999999999.0.0.0", "0.0.0.0")
	f.Fuzz(func(t *testing.T, name, addr string) {
		a, err := netip.ParseAddr(addr)
		if err != nil {
			return
		}
		genericPTR(name, a)
		// Spelling the address out must always be recognised.
		if a.Is4() {
			if genericPTR(a.String()+"."+name, a) == "" {
				t.Errorf("%s.%s not recognised as generic", a, name)
			}
		}
	})
}

func FuzzIPLiteral(f *testing.F) {
	for _, s := range []string{"192.0.2.1.", "[IPv6:2001:db8::1]", "mx.example.com.", "", ".", "[", "::ffff:1.2.3.4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, ok := ipLiteral(s)
		if ok != a.IsValid() {
			t.Fatalf("ipLiteral(%q) = %v, %v", s, a, ok)
		}
		if ok {
			if b, ok2 := ipLiteral(a.String() + "."); !ok2 || b != a {
				t.Fatalf("round trip of %q failed", s)
			}
		}
	})
}
