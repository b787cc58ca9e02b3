package codetest

import (
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks"
)

// childCase names the case TestExamplesChild plays when this test binary
// runs again as TestExamples's child.
const childCase = "CODETEST_EXAMPLES_CASE"

var childCodes = []checks.CodeDoc{
	{Code: "x.one", Example: "`a` then `b`"},
	{Code: "x.two", Example: "`c`"},
	{Code: "x.three", Example: "what a test cannot build"},
}

// childCases call Examples as a package's TestCodeExamples would; their
// run prints "ran CODE [spans]" for each code it is given.
var childCases = map[string]struct {
	codes      []checks.CodeDoc
	situations map[string]string
	fail       string // the code whose run fails
}{
	"ok":         {codes: childCodes, situations: map[string]string{"x.three": "no test builds it"}},
	"unknown":    {codes: childCodes, situations: map[string]string{"x.three": "no test builds it", "x.gone": "was once a code"}},
	"no-reason":  {codes: childCodes, situations: map[string]string{"x.three": ""}},
	"no-example": {codes: append(childCodes[:2:2], checks.CodeDoc{Code: "x.three"}), situations: map[string]string{"x.three": "no test builds it"}},
	"unpaired":   {codes: append(childCodes[:2:2], checks.CodeDoc{Code: "x.three", Example: "`a` and `b"})},
	"run-fails":  {codes: childCodes, situations: map[string]string{"x.three": "no test builds it"}, fail: "x.two"},
	"not-listed": {codes: childCodes, fail: "x.three"},
}

// TestExamplesChild is TestExamples's child process; run directly, it has
// nothing to do.
func TestExamplesChild(t *testing.T) {
	name := os.Getenv(childCase)
	if name == "" {
		t.Skip("runs only as the child process of TestExamples")
	}
	c, ok := childCases[name]
	if !ok {
		t.Fatalf("no child case %q", name)
	}
	Examples(t, c.codes, c.situations, func(t *testing.T, cd checks.CodeDoc) {
		fmt.Printf("ran %s %q\n", cd.Code, Backquoted(cd.Example))
		if cd.Code == c.fail {
			t.Errorf("the example of %s gives no %s", cd.Code, cd.Code)
		}
	})
}

// TestExamples runs each child case in a test process of its own and
// reads whether it passed, which codes it ran and what it said.
func TestExamples(t *testing.T) {
	for _, c := range []struct {
		name string
		pass bool
		ran  []string
		says []string // what the output must say
	}{
		{"ok", true, []string{`x.one ["a" "b"]`, `x.two ["c"]`}, []string{"x.three: a situation, not run here: no test builds it", "2 examples run, 1 situations listed"}},
		{"unknown", false, []string{`x.one ["a" "b"]`, `x.two ["c"]`}, []string{`a situation is listed for "x.gone", which is not a code`}},
		{"no-reason", false, []string{`x.one ["a" "b"]`, `x.two ["c"]`}, []string{"x.three is listed as a situation without a reason"}},
		{"no-example", false, []string{`x.one ["a" "b"]`, `x.two ["c"]`}, []string{"x.three has no Example"}},
		{"unpaired", false, []string{`x.one ["a" "b"]`, `x.two ["c"]`}, []string{"x.three: the backquotes of its Example do not pair up"}},
		{"run-fails", false, []string{`x.one ["a" "b"]`, `x.two ["c"]`}, []string{"--- FAIL: TestExamplesChild/x.two ", "the example of x.two gives no x.two"}},
		// Not listed, x.three runs, and its run fails as a package's
		// does on an Example it cannot build.
		{"not-listed", false, []string{`x.one ["a" "b"]`, `x.two ["c"]`, `x.three []`}, []string{"--- FAIL: TestExamplesChild/x.three ", "the example of x.three gives no x.three"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestExamplesChild$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), childCase+"="+c.name)
			out, err := cmd.CombinedOutput()
			if _, exited := err.(*exec.ExitError); err != nil && !exited {
				t.Fatal(err)
			}
			if passed := err == nil; passed != c.pass {
				t.Errorf("the child passed: %v, want %v\n%s", passed, c.pass, out)
			}
			var ran []string
			for line := range strings.SplitSeq(string(out), "\n") {
				if code, ok := strings.CutPrefix(line, "ran "); ok {
					ran = append(ran, code)
				}
			}
			if !reflect.DeepEqual(ran, c.ran) {
				t.Errorf("ran %q, want %q\n%s", ran, c.ran, out)
			}
			for _, say := range c.says {
				if !strings.Contains(string(out), say) {
					t.Errorf("the output does not say %q:\n%s", say, out)
				}
			}
		})
	}
}

func TestSpans(t *testing.T) {
	for _, c := range []struct {
		example string
		want    []Span
	}{
		{"no code at all", nil},
		{"`v=spf1 -all`", []Span{{"v=spf1 -all", 0}}},
		{"a record `x TXT \"y\"` and the command `relayctl check spf x`",
			[]Span{{`x TXT "y"`, 9}, {"relayctl check spf x", 37}}},
		{"`a``b`", []Span{{"a", 0}, {"b", 3}}},
		{"an unpaired ` is no span", nil},
		{"`a` and an unpaired `", []Span{{"a", 0}}},
	} {
		got := Spans(c.example)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Spans(%q) = %+v, want %+v", c.example, got, c.want)
		}
		var texts []string
		for _, s := range c.want {
			texts = append(texts, s.Text)
			if s.At >= len(c.example) || c.example[s.At] != '`' {
				t.Errorf("%q: the span %q does not start at a backquote", c.example, s.Text)
			}
		}
		if b := Backquoted(c.example); !reflect.DeepEqual(b, texts) {
			t.Errorf("Backquoted(%q) = %q, want %q", c.example, b, texts)
		}
	}
}

func TestExamplePieces(t *testing.T) {
	e := NewExample(t, checks.CodeDoc{Example: "a `4 MB` photo in `a.jpg`, sent 3 days ago"})
	if e.Piece(0) != "4 MB" || e.Piece(1) != "a.jpg" || e.Number(" MB") != 4 || e.Number(" days") != 3 {
		t.Errorf("pieces %q, numbers %d and %d", e.Pieces, e.Number(" MB"), e.Number(" days"))
	}
}
