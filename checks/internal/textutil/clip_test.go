package textutil

import (
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	for _, c := range []struct {
		s    string
		n    int
		want string
	}{
		{"short", 80, "short"},
		{"exactly", 7, "exactly"},
		{"abcdef", 3, "abc…"},
		{"", 0, ""},
		{"abc", 0, "…"},
		{"abc", -1, "abc"},
		// "é" is two bytes: a cut inside it falls back to before it.
		{"aé", 2, "a…"},
		{"aéb", 3, "aé…"},
		{"a\xffb", 80, "a\uFFFDb"},
	} {
		got := Clip(c.s, c.n)
		if got != c.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", c.s, c.n, got, c.want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("Clip(%q, %d) = %q is not valid UTF-8", c.s, c.n, got)
		}
	}
}

func FuzzClip(f *testing.F) {
	f.Add("héllo wörld", 4)
	f.Fuzz(func(t *testing.T, s string, n int) {
		got := Clip(s, n)
		if !utf8.ValidString(got) {
			t.Fatalf("Clip(%q, %d) = %q: invalid UTF-8", s, n, got)
		}
		if n >= 0 && len(got) > n+len("…") {
			t.Fatalf("Clip(%q, %d) = %q: longer than %d bytes and the mark", s, n, got, n)
		}
	})
}
