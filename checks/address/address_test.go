package address

import (
	"errors"
	"testing"
	"unicode/utf8"
)

func TestParseValid(t *testing.T) {
	for _, tc := range []struct{ in, norm string }{
		{"user@example.com", "user@example.com"},
		{"  User.Name+tag@Example.COM ", "User.Name+tag@example.com"},
		{`"john doe"@example.com`, `"john doe"@example.com`},
		{`"a\"b@c"@example.com`, `"a\"b@c"@example.com`},
		{"δοκιμή@παράδειγμα.δοκιμή", "δοκιμή@xn--hxajbheg2az3al.xn--jxalpdlp"},
		{"用户@例子.广告", "用户@xn--fsqu00a.xn--4rr70v"},
		{"user@[192.0.2.1]", "user@[192.0.2.1]"},
		{"user@[IPv6:2001:db8::1]", "user@[IPv6:2001:db8::1]"},
		{"!#$%&'*+-/=?^_`{|}~@example.org", "!#$%&'*+-/=?^_`{|}~@example.org"},
	} {
		a, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if a.String() != tc.norm {
			t.Errorf("Parse(%q) = %q, want %q", tc.in, a.String(), tc.norm)
		}
	}
}

func TestParseMistakes(t *testing.T) {
	long := ""
	for range 65 {
		long += "a"
	}
	for _, tc := range []struct {
		in   string
		kind error
		pos  int
	}{
		{"", ErrEmpty, 0},
		{"user.example.com", ErrNoAt, 0},
		{"user@@example.com", ErrTwoAt, 6},
		{"user@example.com@x.org", ErrTwoAt, 17},
		{"user@example,com", ErrComma, 13},
		{"us,er@example.com", ErrComma, 3},
		{"user@example.com.", ErrDot, 17},
		{"user.@example.com", ErrDot, 5},
		{".user@example.com", ErrDot, 1},
		{"us..er@example.com", ErrDot, 3},
		{"us er@example.com", ErrSpace, 3},
		{"user@exa mple.com", ErrSpace, 9},
		{"  us er@example.com", ErrSpace, 5},
		{"user@localhost", ErrDomain, 6},
		{"user@-example.com", ErrDomain, 6},
		{"user@exa_mple.com", ErrDomain, 9},
		{"user@", ErrDomain, 5},
		{"@example.com", ErrLocal, 1},
		{`"unclosed@example.com`, ErrQuote, 1},
		{`"a"b@example.com`, ErrLocal, 4},
		{"a(b)@example.com", ErrLocal, 2},
		{"user@[300.1.1.1]", ErrBadLiteral, 6},
		{long + "@example.com", ErrLocalLong, 0},
		{long[:64] + "@" + long[:62] + "." + long[:62] + "." + long[:62] + ".com", ErrTooLong, 0},
		{"é\xffa@example.com", ErrBadUTF8, 2},
	} {
		_, err := Parse(tc.in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) = %v, want a SyntaxError", tc.in, err)
			continue
		}
		if !errors.Is(err, tc.kind) || se.Pos != tc.pos {
			t.Errorf("Parse(%q): %v (kind %v, pos %d), want %v at %d", tc.in, se.Message(), se.Kind, se.Pos, tc.kind, tc.pos)
		}
	}
}

func TestSuggest(t *testing.T) {
	for in, want := range map[string]string{
		"gmial.com":    "gmail.com",
		"gmail.con":    "gmail.com",
		"hotmial.com":  "hotmail.com",
		"yaho.com":     "yahoo.com",
		"outlok.com":   "outlook.com",
		"gmail.com":    "",
		"example.com":  "",
		"mycompany.io": "",
		"gmx.at":       "", // gmx.de and gmx.com are both near: no guess
	} {
		if got := Suggest(in); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"a@b.com", `"x y"@b.org`, "a@@b", "δ@δ.δ", "a@[IPv6:::1]", "a,b@c.d", "\"\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q): %T %v", s, err, err)
			}
			if se.Pos < 0 || se.Pos > utf8.RuneCountInString(s)+1 {
				t.Fatalf("Parse(%q): position %d out of range", s, se.Pos)
			}
			return
		}
		if len(a.Local) > MaxLocal || len(a.String()) > MaxAddress {
			t.Fatalf("Parse(%q) accepted an address over the limits", s)
		}
		// The normalized form parses to itself.
		b, err := Parse(a.String())
		if err != nil || b.String() != a.String() {
			t.Fatalf("Parse(%q) = %q, which parses to %v, %v", s, a.String(), b, err)
		}
	})
}
