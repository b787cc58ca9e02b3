package bimi

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	rec, err := Parse("v=BIMI1; l=https://a.example/l.svg; a=https://a.example/v.pem; avp=personal; lps=true; x=1;")
	if err != nil || rec.Location != "https://a.example/l.svg" || rec.Authority != "https://a.example/v.pem" ||
		rec.AVP != "personal" || !rec.LPS || len(rec.Unknown) != 1 || len(rec.Tags) != 6 {
		t.Fatalf("%+v %v", rec, err)
	}
	for _, s := range []string{"v=BIMI1;l=", "v = BIMI1 ; l = https://a.example/l.svgz", "v=bimi1; l=https://a.example/x"} {
		if _, err := Parse(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	if r, _ := Parse("v=BIMI1; l=; a="); !r.Declined() {
		t.Error("empty l and a is a declination")
	}
	bad := map[string]string{
		"v=BIMI2; l=":                        `must start with "v=BIMI1"`,
		"l=https://a.example/l.svg; v=BIMI1": `must start with "v=BIMI1"`,
		"v=BIMI1":                            "the required l= tag is missing",
		"v=BIMI1; l=https://a.example/l.svg,https://b.example/l.svg": "one URI only",
		"v=BIMI1; l=http://a.example/l.svg":                          "must use https",
		"v=BIMI1; l=https://a.example/l.jpeg":                        "names a jpeg image",
		"v=BIMI1; l=https://localhost/l.svg":                         "fully qualified",
		"v=BIMI1; l=; l=":                                            "col 14: tag l: duplicate tag (first at col 10)",
		"v=BIMI1; l=; a=ftp://a.example/v.pem":                       "must use https",
		"v=BIMI1; l=; lps=yes":                                       "not true or false",
		"v=BIMI1; l=; avp=logo":                                      "not brand or personal",
		"v=BIMI1; l=;; a=":                                           "empty tag",
		"v=BIMI1; l=; 1x=2":                                          `col 14: invalid tag name "1x"`,
		"v=BIMI1; l=; nothing":                                       `col 14: "nothing" is not a tag=value pair`,
		"junk; v=BIMI1; l=":                                          "v= must be the first tag",
		"v=BIMI1; l=; x=caf\xc3\xa9":                                 `not allowed in a value`,
	}
	for s, want := range bad {
		_, err := Parse(s)
		if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, ErrSyntax) {
			t.Errorf("%q: %v, want %q", s, err, want)
		}
	}
	_, err = Parse("v=BIMI1; l=  http://a.example/l.svg")
	var es Errors
	if !errors.As(err, &es) || es[0].Col != 14 {
		t.Errorf("column: %v", err)
	}
}

func TestInspectSVG(t *testing.T) {
	info, err := inspectSVG([]byte(goodSVG))
	if err != nil || !info.TinyPS || info.Title != "Example Inc" {
		t.Fatalf("%+v %v", info, err)
	}
	bad := map[string]string{
		"":                 "no XML element",
		"<html></html>":    "root element is <html>",
		"<svg><g></svg>":   "malformed XML",
		"\x1f\x8bnot gzip": "broken gzip",
		`<!DOCTYPE x [<!ENTITY a "b">]><svg>&a;</svg>`: "malformed XML",
	}
	for body, want := range bad {
		if _, err := inspectSVG([]byte(body)); !errors.Is(err, ErrNotSVG) || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", body, err, want)
		}
	}
	info, err = inspectSVG([]byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink" x="1" version="1.1"><image x:href="https://t.example/p.png"/><animate/></svg>`))
	if err != nil || info.TinyPS {
		t.Fatalf("%+v %v", info, err)
	}
	all := strings.Join(info.Problems, "|")
	for _, want := range []string{"x= attribute", "embedded image", "another document", "animation", `baseProfile is ""`, `version is "1.1"`, "no <title>"} {
		if !strings.Contains(all, want) {
			t.Errorf("problems %q lack %q", all, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("v=BIMI1; l=https://a.example/l.svg; a=https://a.example/v.pem")
	f.Add("v=BIMI1;l=;a=;;")
	f.Fuzz(func(t *testing.T, s string) {
		rec, err := Parse(s)
		if rec == nil {
			t.Fatal("nil record")
		}
		if err == nil {
			if !IsRecord(s) {
				t.Fatalf("accepted %q without v=BIMI1 first", s)
			}
			if rec.Location != "" && !strings.HasPrefix(strings.ToLower(rec.Location), "https://") {
				t.Fatalf("accepted l=%q", rec.Location)
			}
		}
	})
}

func FuzzInspectSVG(f *testing.F) {
	f.Add([]byte(goodSVG))
	f.Add([]byte("<svg><title>x</title></svg>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := inspectSVG(b)
		if err == nil && info.TinyPS && len(info.Problems) != 0 {
			t.Fatal("tiny-ps with problems")
		}
	})
}
