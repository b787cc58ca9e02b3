package mtasts

import (
	"strings"
	"testing"
)

func FuzzParsePolicy(f *testing.F) {
	f.Add([]byte(goodPolicy))
	f.Add([]byte("version: STSv1\nmode: none\nmax_age: 0\n"))
	f.Add([]byte("mx: *.a.b\r\n\r\n x:y\n:\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := ParsePolicy(body)
		if p == nil {
			t.Fatal("nil policy")
		}
		if err == nil {
			// A policy without errors has what senders need.
			if p.Version != "STSv1" || p.MaxAge < 0 || p.MaxAge > MaxMaxAge || (p.Mode != ModeNone && len(p.MX) == 0) {
				t.Fatalf("accepted an incomplete policy %+v from %q", p, body)
			}
			for _, m := range p.MX {
				if checkPattern(m) != "" || m != strings.ToLower(m) {
					t.Fatalf("accepted pattern %q", m)
				}
			}
		}
	})
}

func FuzzParseRecord(f *testing.F) {
	f.Add("v=STSv1; id=20160831085700Z;")
	f.Add("v=STSv1;id=1;;")
	f.Add("v = stsv1 ; id=x")
	f.Fuzz(func(t *testing.T, txt string) {
		rec, err := ParseRecord(txt)
		if rec == nil {
			t.Fatal("nil record")
		}
		if err == nil {
			if !IsRecord(txt) || rec.ID == "" || len(rec.ID) > maxIDLen || !allAlnum(rec.ID) {
				t.Fatalf("accepted %q as %+v", txt, rec)
			}
		}
	})
}

func FuzzMatchMX(f *testing.F) {
	f.Add("*.example.com", "mail.example.com")
	f.Fuzz(func(t *testing.T, pattern, host string) {
		if MatchMX(pattern, host) && !strings.HasPrefix(pattern, "*.") &&
			!strings.EqualFold(strings.TrimSuffix(pattern, "."), strings.TrimSuffix(host, ".")) {
			t.Fatalf("%q matched %q", pattern, host)
		}
	})
}
