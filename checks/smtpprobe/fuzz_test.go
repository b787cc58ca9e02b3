package smtpprobe

import "testing"

func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"mx.example.com", "mx.example.com:25", "[::1]:465", "192.0.2.1", "2001:db8::1", "[x]:1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tg, err := ParseTarget(s)
		if err != nil {
			return
		}
		if tg.Host == "" || tg.Port < 0 || tg.Port > 65535 {
			t.Fatalf("%q: %+v", s, tg)
		}
		// What String prints parses back to the same target.
		back, err := ParseTarget(tg.String())
		if err != nil || back != tg {
			t.Fatalf("%q → %q → %+v, %v", s, tg.String(), back, err)
		}
	})
}
