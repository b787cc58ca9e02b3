package textutil

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly", 7, "exactly"},
		{"abcdefgh", 3, "abc…"},
		{"ééé", 3, "é…"}, // the second é would be split: dropped
		{"a\xffb", 10, "a\uFFFDb"},
		{"", 0, ""},
	} {
		if got := Clip(c.in, c.n); got != c.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

func FuzzClip(f *testing.F) {
	f.Add("hello", 3)
	f.Add("\xff\xfeé", 1)
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 0 || n > 1<<16 {
			return
		}
		got := Clip(s, n)
		valid := strings.ToValidUTF8(s, "\uFFFD")
		if !utf8.ValidString(got) || len(valid) <= n && got != valid || len(valid) > n && len(got) > n+len("…") {
			t.Fatalf("Clip(%q, %d) = %q", s, n, got)
		}
	})
}
