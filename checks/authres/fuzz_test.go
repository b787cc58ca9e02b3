package authres

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"mx.example.com; dkim=pass header.i=@example.net header.s=s1 header.b=AbCd; arc=pass (i=2 x=y)",
		"example.org 1; none",
		`example.com (c) 1; dkim=fail reason="a; b" (2048-bit; x) header.d=example.net`,
		"spf=pass (sender IP is 192.0.2.10) smtp.mailfrom=example.net;compauth=pass reason=100",
		"example.com; dkim / 1 = pass", "x; a=b=c", "x; =", "x; (", `x; a="`, ";;;",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := Parse(s)
		check(t, s, h, err)
		a, err := ParseARC("i=1; " + s)
		check(t, "i=1; "+s, &a.Header, err)
	})
}

func check(t *testing.T, s string, h *Header, err error) {
	t.Helper()
	if h.Raw != s {
		t.Fatal("raw text lost")
	}
	if err != nil {
		var se *SyntaxError
		if !errors.As(err, &se) || se.Col < 0 || se.Col > len(s)+1 {
			t.Fatalf("%q: bad error %v", s, err)
		}
	}
	for _, r := range h.Results {
		if r.Method == "" || r.Value == "" || r.Method != strings.ToLower(r.Method) || r.Col < 1 || r.Col > len(s) {
			t.Fatalf("%q: bad result %+v", s, r)
		}
	}
}

// A 1 MB field is refused at once; one just under the limit made of
// many results or deep comments is read in linear time.
func TestParseHuge(t *testing.T) {
	t0 := time.Now()
	huge := "example.com; " + strings.Repeat("dkim=pass ", 1<<17)
	if h, err := Parse(huge); !errors.Is(err, ErrTooLong) || h.Raw != huge {
		t.Errorf("1 MB field: %v", err)
	}
	if _, err := ParseARC(huge); !errors.Is(err, ErrTooLong) {
		t.Errorf("1 MB ARC field: %v", err)
	}
	many := "example.com" + strings.Repeat("; dkim=pass header.d=example.net", MaxFieldLen/34)
	h, err := Parse(many)
	if err != nil || len(h.Results) != MaxFieldLen/34 {
		t.Errorf("many results: %d, %v", len(h.Results), err)
	}
	deep := "example.com; dkim=pass (" + strings.Repeat("(", 30000) + strings.Repeat(")", 30000) + ")"
	if h, err := Parse(deep); err != nil || len(h.Results) != 1 {
		t.Errorf("deep comment: %v", err)
	}
	if d := time.Since(t0); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}
