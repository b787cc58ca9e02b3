package cfws

import (
	"strings"
	"testing"
)

func TestLex(t *testing.T) {
	s := `from a.example (b [192.0.2.1] (x (y)) \) z) "q \" s" <p@q>; w`
	toks, err := Lex(s, ";", "[<")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		kind Kind
		text string
	}{
		{Word, "from"}, {Word, "a.example"}, {Comment, `b [192.0.2.1] (x (y)) \) z`}, {Quoted, `q " s`},
		{Angle, "p@q"}, {Special, ";"}, {Word, "w"},
	}
	if len(toks) != len(want) {
		t.Fatalf("%d tokens: %+v", len(toks), toks)
	}
	for i, w := range want {
		if toks[i].Kind != w.kind || toks[i].Text != w.text {
			t.Errorf("token %d = %v %q, want %v %q", i, toks[i].Kind, toks[i].Text, w.kind, w.text)
		}
		if raw := s[toks[i].Pos:toks[i].End]; toks[i].Kind == Word && raw != w.text {
			t.Errorf("token %d raw %q", i, raw)
		}
	}
}

func TestLexErrors(t *testing.T) {
	for _, c := range []struct {
		in  string
		pos int
	}{
		{"a (b (c)", 2}, {`a "b`, 2}, {"a [b", 2}, {"a <b", 2}, {`a (b \)`, 2},
	} {
		toks, err := Lex(c.in, ";", "[<")
		if err == nil || err.Pos != c.pos {
			t.Errorf("%q: err %v, want at %d", c.in, err, c.pos)
		}
		if len(toks) != 1 || toks[0].Text != "a" {
			t.Errorf("%q: tokens before the error %+v", c.in, toks)
		}
	}
}

func TestStripCommentsAndUnfold(t *testing.T) {
	if got := StripComments(`2 Dec (a (b) "c") 2026 "(kept)"`); got != `2 Dec   2026 "(kept)"` {
		t.Errorf("StripComments = %q", got)
	}
	if got := StripComments("x (unclosed"); got != "x  " {
		t.Errorf("StripComments unclosed = %q", got)
	}
	if got := Unfold("a\r\n\tb\n c"); got != "a\tb c" {
		t.Errorf("Unfold = %q", got)
	}
}

func TestDeepNestingIsLinear(t *testing.T) {
	s := strings.Repeat("(", 1<<20) + strings.Repeat(")", 1<<20)
	toks, err := Lex(s, ";", "[<")
	if err != nil || len(toks) != 1 || len(toks[0].Text) != len(s)-2 {
		t.Fatalf("deep comment: %v, %d tokens", err, len(toks))
	}
}

func FuzzLex(f *testing.F) {
	for _, s := range []string{`a (b (c)) "d\"" [e] <f>; g`, "((", `"\`, "[", "<", `(\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		toks, err := Lex(s, ";=", "[<")
		end := 0
		for _, tk := range toks {
			if tk.Pos < end || tk.End <= tk.Pos || tk.End > len(s) {
				t.Fatalf("token %+v out of order or range in %q", tk, s)
			}
			end = tk.End
		}
		if err != nil && (err.Pos < end || err.Pos >= len(s)) {
			t.Fatalf("error at %d after tokens ending %d in %d bytes", err.Pos, end, len(s))
		}
		_ = StripComments(s)
	})
}

func TestLexField(t *testing.T) {
	s, toks, err := LexField("a\r\n (b);\r\n c", 100, ";", "")
	if err != nil || s != "a (b); c" || len(toks) != 4 || toks[1].Kind != Comment || toks[1].Pos != 2 {
		t.Errorf("LexField = %q %+v %v", s, toks, err)
	}
	if _, toks, err := LexField(strings.Repeat("a", 101), 100, ";", ""); err == nil || !err.TooLong || toks != nil {
		t.Errorf("over the bound: %+v %v", toks, err)
	}
	if _, _, err := LexField("(", 100, ";", ""); err == nil || err.TooLong || err.Pos != 0 {
		t.Errorf("lex error: %v", err)
	}
	if err := (&Error{Pos: 3, Msg: "x"}); err.Error() != "offset 3: x" {
		t.Errorf("Error() = %q", err.Error())
	}
}

func TestIsDigits(t *testing.T) {
	for s, want := range map[string]bool{"0": true, "0123456789": true, "": false, "1a": false, " 1": false, "-1": false} {
		if IsDigits(s) != want {
			t.Errorf("IsDigits(%q) = %v", s, !want)
		}
	}
}

func TestLowerKeepsOffsets(t *testing.T) {
	for _, s := range []string{"ABC", "abc", "\x9bVERSION=TLS", "İX", ""} {
		l := Lower(s)
		if len(l) != len(s) {
			t.Errorf("Lower(%q) = %q: length changed", s, l)
		}
	}
	if Lower("\x9bVERSION=Tls") != "\x9bversion=tls" {
		t.Error("Lower does not fold ASCII")
	}
}
