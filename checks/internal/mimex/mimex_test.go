package mimex

import (
	"bytes"
	"testing"
)

func TestNormalizeNewlines(t *testing.T) {
	for in, want := range map[string]string{
		"":              "",
		"a\nb":          "a\nb",
		"a\r\nb\r\n":    "a\nb\n",
		"a\rb\r":        "a\nb\n",
		"\r\r\n\n\r":    "\n\n\n\n",
		"x\r\n\r\ny\rz": "x\n\ny\nz",
	} {
		if got := NormalizeNewlines([]byte(in)); string(got) != want {
			t.Errorf("NormalizeNewlines(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDecodeQP(t *testing.T) {
	for in, want := range map[string]string{
		"plain text":      "plain text",
		"caf=C3=A9":       "caf\xc3\xa9",
		"soft=\nbreak":    "softbreak",
		"soft= \t\nbreak": "softbreak",
		"=ZZkept":         "=ZZkept",
		"end=":            "end",
		"a=3Db=3d":        "a=b=",
		"=4":              "=4",
		"x=\n":            "x",
	} {
		if got := DecodeQP([]byte(in)); !bytes.Equal(got, []byte(want)) {
			t.Errorf("DecodeQP(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitMultipart(t *testing.T) {
	parts, closed := SplitMultipart([]byte("pre\n--b\none\n--b\ntwo\n--b--\nepilogue"), "b")
	if !closed || len(parts) != 2 || string(parts[0]) != "one" || string(parts[1]) != "two" {
		t.Errorf("parts %q closed %v", parts, closed)
	}
	parts, closed = SplitMultipart([]byte("--b\none\n--b\ncut"), "b")
	if closed || len(parts) != 2 || string(parts[1]) != "cut" {
		t.Errorf("unclosed: parts %q closed %v", parts, closed)
	}
}
