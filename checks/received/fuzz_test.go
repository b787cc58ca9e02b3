package received

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	for _, c := range mtaCases {
		f.Add(c.value)
	}
	for _, s := range []string{"", ";", "from (((", "from a by b; 2 Dec 2026 14:00 +0000 id x", "(qmail 1 invoked by uid 2); 1 Jan 2000 00:00 -0000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := Parse(s)
		if h == nil || h.Raw != s {
			t.Fatal("header or raw text lost")
		}
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %T %v is not a *SyntaxError", err, err)
			}
			if se.Col < 0 || se.Col > len(s)+1 {
				t.Fatalf("col %d outside %d bytes", se.Col, len(s))
			}
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrNoDate) && !errors.Is(err, ErrBadDate) && !errors.Is(err, ErrTooLong) {
				t.Fatalf("error without a sentinel: %v", err)
			}
		}
		if h.From.Text != "" && utf8.ValidString(s) && !strings.Contains(s, h.From.Text) && !strings.ContainsAny(s, "\r\n") {
			t.Fatalf("From.Text %q not in the input", h.From.Text)
		}
		if h.From.IP.IsValid() && (h.From.IP.Is4In6() || h.From.IP.Zone() != "") {
			t.Fatalf("address not normalised: %v", h.From.IP)
		}
	})
}

func FuzzParseSPF(f *testing.F) {
	for _, s := range []string{
		"pass (x) client-ip=192.0.2.1; envelope-from=\"a@b\"; helo=h;",
		"Pass (mailfrom) identity=mailfrom; client-ip=2001:db8::5; receiver=<UNKNOWN> ",
		"none", "fail client-ip=", "softfail envelope-from=<SRS0=a=b=c=d@e>", "pass (", "pass k=\"v",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseSPF(s)
		if r == nil || r.Raw != s {
			t.Fatal("result or raw text lost")
		}
		if err == nil {
			if r.Result == "" {
				t.Fatal("no error and no result")
			}
			return
		}
		var se *SyntaxError
		if !errors.As(err, &se) || se.Col < 0 || se.Col > len(s)+1 {
			t.Fatalf("bad error %v", err)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"Wed, 2 Dec 2026 13:10:11 +0000 (UTC)", "2 Dec 26 13:10 PST", "Wed Dec  2 13:10:11 2026", "2026-12-02T13:10:11Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err == nil && d.IsZero() {
			t.Fatalf("%q: zero time without error", s)
		}
		if err != nil && !errors.Is(err, ErrBadDate) {
			t.Fatalf("%q: %v", s, err)
		}
	})
}
