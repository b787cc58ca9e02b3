package taglist

import (
	"errors"
	"strings"
	"testing"
)

var errTest = errors.New("test: syntax error")

type testPkg struct{}

func (testPkg) Prefix() string { return "test: " }

type otherPkg struct{}

func (otherPkg) Prefix() string { return "other: " }

var (
	dkimLike  = Grammar[testPkg]{Err: errTest}
	dmarcLike = Grammar[testPkg]{Err: errTest, FoldCase: true, RequireValue: true}
)

func TestSplitColumns(t *testing.T) {
	const s = " v = DKIM1 ;;\tP=a b ; n= ;"
	tags, errs := dkimLike.Split(s)
	if errs != nil {
		t.Fatal(errs)
	}
	want := []Tag{
		{Name: "v", Value: "DKIM1", Col: 2, ValueCol: 6},
		{Name: "P", Value: "a b", Col: 15, ValueCol: 17},
		{Name: "n", Value: "", Col: 23, ValueCol: 26},
	}
	if len(tags) != len(want) {
		t.Fatalf("tags = %+v, want %+v", tags, want)
	}
	for i := range want {
		if tags[i] != want[i] {
			t.Errorf("tag %d = %+v, want %+v", i, tags[i], want[i])
		}
		if got := s[tags[i].Col-1:]; !strings.HasPrefix(got, tags[i].Name) {
			t.Errorf("tag %d: the record at col %d reads %q", i, tags[i].Col, got)
		}
		if got := s[tags[i].ValueCol-1:]; !strings.HasPrefix(got, tags[i].Value) {
			t.Errorf("tag %d: the record at value col %d reads %q", i, tags[i].ValueCol, got)
		}
	}
}

func TestSplitFoldCaseAndRequireValue(t *testing.T) {
	tags, errs := dmarcLike.Split("V=DMARC1; P=none; rua=")
	if len(tags) != 2 || tags[0].Name != "v" || tags[1].Name != "p" || tags[1].Value != "none" {
		t.Errorf("tags = %+v", tags)
	}
	if len(errs) != 1 || errs.Error() != "test: col 19: tag rua: empty value" {
		t.Errorf("errs = %v", errs)
	}
	// The same record read case-sensitively with empty values allowed.
	tags, errs = dkimLike.Split("V=DMARC1; P=none; rua=")
	if errs != nil || len(tags) != 3 || tags[0].Name != "V" || tags[2].Value != "" {
		t.Errorf("tags = %+v, errs = %v", tags, errs)
	}
}

func TestSplitErrors(t *testing.T) {
	for _, tt := range []struct {
		g    Grammar[testPkg]
		s    string
		want string
	}{
		{dkimLike, "a=1; junk ; b=2", `test: col 6: "junk" is not a tag=value pair`},
		{dkimLike, "a=1;9x=2", `test: col 5: invalid tag name "9x"`},
		{dkimLike, "a=1; =2", `test: col 6: invalid tag name ""`},
		{dkimLike, "a=1; b-c=2", `test: col 6: invalid tag name "b-c"`},
		{dkimLike, "Ab=x\x7fy", `test: col 5: tag Ab: character '\x7f' not allowed in a value`},
		{dmarcLike, "Ab=x ; c = d e ;", ""},
		{dmarcLike, "Ab=x\x00", `test: col 5: tag ab: character '\x00' not allowed in a value`},
		{dmarcLike, "a= \t", `test: col 1: tag a: empty value`},
		{dkimLike, "a=1; b; c", `test: col 6: "b" is not a tag=value pair; test: col 9: "c" is not a tag=value pair`},
	} {
		_, errs := tt.g.Split(tt.s)
		got := ""
		if errs != nil {
			got = errs.Error()
		}
		if got != tt.want {
			t.Errorf("Split(%q) errors\n got %q\nwant %q", tt.s, got, tt.want)
		}
		for _, e := range errs {
			if !errors.Is(e, errTest) {
				t.Errorf("Split(%q): %v does not wrap the sentinel", tt.s, e)
			}
		}
	}
}

func TestDuplicate(t *testing.T) {
	tags, _ := dmarcLike.Split("v=DMARC1; p=none; P=reject; p=quarantine")
	seen := map[string]int{}
	var got []string
	for _, tag := range tags {
		if err := dmarcLike.Duplicate(seen, tag); err != nil {
			got = append(got, err.Error())
			if !errors.Is(err, errTest) || err.Tag != "p" {
				t.Errorf("%v: tag %q, sentinel %v", err, err.Tag, err.Err)
			}
		}
	}
	want := "test: col 19: tag p: duplicate tag (first at col 11)|test: col 29: tag p: duplicate tag (first at col 11)"
	if strings.Join(got, "|") != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if seen["v"] != 1 || seen["p"] != 11 || len(seen) != 2 {
		t.Errorf("seen = %v", seen)
	}
}

func TestErrorText(t *testing.T) {
	for _, tt := range []struct {
		e    SyntaxError[testPkg]
		want string
	}{
		{SyntaxError[testPkg]{Msg: "empty record"}, "test: empty record"},
		{SyntaxError[testPkg]{Tag: "p", Msg: "missing"}, "test: tag p: missing"},
		{SyntaxError[testPkg]{Col: 3, Msg: "bad"}, "test: col 3: bad"},
		{SyntaxError[testPkg]{Col: 3, Tag: "k", Msg: "bad"}, "test: col 3: tag k: bad"},
	} {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("%+v: got %q, want %q", tt.e, got, tt.want)
		}
	}
	es := Errors[testPkg]{{Msg: "a", Err: errTest}, {Col: 2, Msg: "b"}}
	if got := es.Error(); got != "test: a; test: col 2: b" {
		t.Errorf("Errors.Error() = %q", got)
	}
	if !errors.Is(es, errTest) {
		t.Error("Errors does not unwrap to its entries' sentinels")
	}
}

// TestPrefixTypesStayApart: errors.As with one package's type must not
// take another package's error.
func TestPrefixTypesStayApart(t *testing.T) {
	var err error = Errors[testPkg]{{Msg: "x"}}
	var other Errors[otherPkg]
	if errors.As(err, &other) {
		t.Error("errors.As matched another prefix's Errors")
	}
	var otherOne *SyntaxError[otherPkg]
	if errors.As(err, &otherOne) {
		t.Error("errors.As matched another prefix's SyntaxError")
	}
	var mine *SyntaxError[testPkg]
	if !errors.As(err, &mine) || mine.Msg != "x" {
		t.Error("errors.As did not find the entry of its own type")
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{
		"v=DKIM1; k=rsa; p=MIIB",
		" v = DMARC1 ;;\tP=a b ; n= ;",
		"a=1; junk; 9x=2; =; b=\xff",
		";",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, g := range []Grammar[testPkg]{dkimLike, dmarcLike, bimiLike, stsLike} {
			tags, errs := g.Split(s)
			for _, tag := range tags {
				if tag.Col < 1 || tag.ValueCol <= tag.Col || tag.ValueCol > len(s)+1 {
					t.Fatalf("%q: tag %+v has columns outside the record", s, tag)
				}
				name := s[tag.Col-1 : tag.Col-1+len(tag.Name)]
				if g.FoldCase {
					name = strings.ToLower(name)
				}
				if name != tag.Name || !strings.HasPrefix(s[tag.ValueCol-1:], tag.Value) {
					t.Fatalf("%q: tag %+v is not where its columns say", s, tag)
				}
				if strings.ContainsRune(tag.Value, ';') || g.RequireValue && tag.Value == "" {
					t.Fatalf("%q: accepted value %q", s, tag.Value)
				}
				if g.Fields && !ExtName(tag.Name) {
					t.Fatalf("%q: accepted field name %q", s, tag.Name)
				}
			}
			// An empty record is an error at its end under NoEmpty.
			limit := len(s)
			if g.NoEmpty {
				limit++
			}
			for _, e := range errs {
				if e.Col < 1 || e.Col > limit || !errors.Is(e, errTest) {
					t.Fatalf("%q: error %v at col %d outside the record or without the sentinel", s, e, e.Col)
				}
			}
		}
	})
}

var (
	bimiLike = Grammar[testPkg]{Err: errTest, NoEmpty: true}
	stsLike  = Grammar[testPkg]{Err: errTest, NoEmpty: true, Fields: true}
)

// NoEmpty: an empty part is an error except a trailing one.
func TestSplitNoEmpty(t *testing.T) {
	for _, c := range []struct {
		g    Grammar[testPkg]
		s    string
		col  int
		want string
	}{
		{bimiLike, "a=1; b=2;", 1, ""},
		{bimiLike, "a=1; b=2; \t", 1, ""},
		{bimiLike, "a=1;; b=2", 1, `test: col 5: empty tag (two ";" in a row, or nothing at all)`},
		{bimiLike, "", 1, `test: col 1: empty tag (two ";" in a row, or nothing at all)`},
		{bimiLike, "; a=1", 1, `test: col 1: empty tag (two ";" in a row, or nothing at all)`},
		// The rest of a record after its version's ";": empty is a
		// trailing delimiter.
		{stsLike, "", 9, ""},
		{stsLike, " ", 9, ""},
		{stsLike, " id=1;; x=y", 9, `test: col 15: empty field (two ";" in a row)`},
		// DKIM-like lists allow empty parts anywhere.
		{dkimLike, ";; a=1", 1, ""},
	} {
		_, errs := c.g.SplitAt(c.s, c.col)
		if got := errorText(errs); got != c.want {
			t.Errorf("SplitAt(%q, %d) errors %q, want %q", c.s, c.col, got, c.want)
		}
	}
}

func errorText(errs Errors[testPkg]) string {
	if errs == nil {
		return ""
	}
	return errs.Error()
}

// Fields: RFC 8461 / RFC 8460 rules.
func TestSplitFields(t *testing.T) {
	tags, errs := stsLike.SplitAt(" id=abc ;\text.x-y=v ; 9z=1", 9)
	if errs != nil || len(tags) != 3 || tags[0] != (Tag{Name: "id", Value: "abc", Col: 10, ValueCol: 13}) || tags[1].Name != "ext.x-y" || tags[2].Col != 31 {
		t.Errorf("tags %+v, errs %v", tags, errs)
	}
	for _, c := range []struct{ s, want string }{
		{"id =1", `test: col 1: tag id: no space is allowed around "="`},
		{"id= 1", `test: col 1: tag id: no space is allowed around "="`},
		{"_x=1", `test: col 1: tag _x: "_x" is not a valid field name`},
		{strings.Repeat("a", 33) + "=1", "is not a valid field name"},
		{"noequals", `test: col 1: field "noequals" has no "="`},
		// No folding white space in fields: CR and LF are not trimmed.
		{"id=1\r\n", ""},
	} {
		tags, errs := stsLike.Split(c.s)
		got := errorText(errs)
		if c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("Split(%q) errors %q, want %q", c.s, got, c.want)
		}
		if c.want == "" && (len(tags) != 1 || tags[0].Value != "1\r\n") {
			t.Errorf("Split(%q) = %+v: CR LF must stay in the value", c.s, tags)
		}
	}
	// A field with spaces around "=" is kept, trimmed, beside its error.
	tags, errs = stsLike.Split("id = 1")
	if len(tags) != 1 || tags[0].Name != "id" || tags[0].Value != "1" || len(errs) != 1 {
		t.Errorf("tags %+v, errs %v", tags, errs)
	}
	seen := map[string]int{}
	stsLike.Duplicate(seen, Tag{Name: "id", Col: 1})
	if err := stsLike.Duplicate(seen, Tag{Name: "id", Col: 7}); err == nil || err.Message() != "col 7: tag id: field appears more than once (first at col 1)" {
		t.Errorf("duplicate: %v", err)
	}
}

func TestExtNameValue(t *testing.T) {
	for s, want := range map[string]bool{"a": true, "9x": true, "a.b-c_d": true, "": false, "_a": false, strings.Repeat("a", 32): true, strings.Repeat("a", 33): false, "a b": false} {
		if ExtName(s) != want {
			t.Errorf("ExtName(%q) = %v", s, !want)
		}
	}
	for s, want := range map[string]bool{"x": true, "a:b/c": true, "": false, "a=b": false, "a;b": false, "a b": false, "é": false} {
		if ExtValue(s) != want {
			t.Errorf("ExtValue(%q) = %v", s, !want)
		}
	}
}

// Message is Error without the package prefix.
func TestMessageHasNoPrefix(t *testing.T) {
	_, errs := dkimLike.Split("a=1; junk")
	if errs.Message() != `col 6: "junk" is not a tag=value pair` || errs[0].Message() != errs.Message() || errs.Error() != "test: "+errs.Message() {
		t.Errorf("Message %q, Error %q", errs.Message(), errs.Error())
	}
}

func TestReadAfterVersion(t *testing.T) {
	txt := "v=STSv1; id=1; x=2; id=3"
	rest, col := AfterVersion(txt)
	if rest != " id=1; x=2; id=3" || col != 9 || txt[col-1:] != rest {
		t.Fatalf("AfterVersion = %q, %d", rest, col)
	}
	tags, errs := stsLike.Read(rest, col)
	if len(tags) != 2 || tags[0].Name != "id" || tags[0].Value != "1" || tags[1].Name != "x" || !Has(tags, "x") || Has(tags, "v") {
		t.Errorf("tags %+v", tags)
	}
	if len(errs) != 1 || errs[0].Col != 21 || errs[0].Tag != "id" {
		t.Errorf("errs %v", errs)
	}
	if rest, col := AfterVersion("v=STSv1"); rest != "" || col != 8 {
		t.Errorf("no ';': %q %d", rest, col)
	}
}
