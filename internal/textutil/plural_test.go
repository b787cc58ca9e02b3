package textutil

import "testing"

func TestPlural(t *testing.T) {
	for _, c := range []struct {
		n          int
		word, text string
	}{{0, "hops", "0 hops"}, {1, "hop", "1 hop"}, {2, "hops", "2 hops"}, {-1, "hops", "-1 hops"}} {
		if got := Plural(c.n, "hop", "hops"); got != c.word {
			t.Errorf("Plural(%d) = %q, want %q", c.n, got, c.word)
		}
		if got := Count(c.n, "hop", "hops"); got != c.text {
			t.Errorf("Count(%d) = %q, want %q", c.n, got, c.text)
		}
	}
}
