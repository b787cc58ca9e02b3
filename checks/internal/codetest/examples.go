package codetest

import (
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks"
)

// Examples runs run, as a subtest named for the code, on every code of
// codes that situations does not list. run builds the case the code's
// Example describes, runs the package's check on it and fails unless the
// code is among the findings; an Example it cannot build fails there too,
// so a code is either checked or listed. situations maps a code whose
// Example the test cannot build to the reason why. Examples fails t when
// a code has no Example or one whose backquotes do not pair up, when a
// listed situation has no reason, and when situations lists something
// that is not a code of codes.
func Examples(t *testing.T, codes []checks.CodeDoc, situations map[string]string, run func(t *testing.T, c checks.CodeDoc)) {
	t.Helper()
	known := make(map[string]bool, len(codes))
	ran := 0
	for _, c := range codes {
		known[c.Code] = true
		why, listed := situations[c.Code]
		switch {
		case c.Example == "":
			t.Errorf("%s has no Example", c.Code)
		case strings.Count(c.Example, "`")%2 != 0:
			t.Errorf("%s: the backquotes of its Example do not pair up: %q", c.Code, c.Example)
		case listed && why == "":
			t.Errorf("%s is listed as a situation without a reason", c.Code)
		case listed:
			t.Logf("%s: a situation, not run here: %s", c.Code, why)
		default:
			ran++
			t.Run(c.Code, func(t *testing.T) { run(t, c) })
		}
	}
	for _, code := range slices.Sorted(maps.Keys(situations)) {
		if !known[code] {
			t.Errorf("a situation is listed for %q, which is not a code", code)
		}
	}
	t.Logf("%d examples run, %d situations listed", ran, len(situations))
}

// Span is one inline-code span of an Example: its text, without the
// backquotes, and At, the index of its opening backquote.
type Span struct {
	Text string
	At   int
}

var inlineCode = regexp.MustCompile("`([^`]+)`")

// Spans are the inline-code spans of example in order: each run of
// text between a backquote and the next one, an empty run left out.
func Spans(example string) []Span {
	var out []Span
	for _, m := range inlineCode.FindAllStringSubmatchIndex(example, -1) {
		out = append(out, Span{Text: example[m[2]:m[3]], At: m[0]})
	}
	return out
}

// Backquoted is the text of each of the Spans of example.
func Backquoted(example string) []string {
	var out []string
	for _, s := range Spans(example) {
		out = append(out, s.Text)
	}
	return out
}

// Example is one code's Example as a test reads it: its text and its
// inline-code pieces, with T to fail when the text lacks what is read.
type Example struct {
	T      *testing.T
	Text   string
	Pieces []string
}

// NewExample reads c's Example for the test t.
func NewExample(t *testing.T, c checks.CodeDoc) Example {
	return Example{T: t, Text: c.Example, Pieces: Backquoted(c.Example)}
}

// Piece is the i-th inline-code piece (from 0); the test fails when
// there is none.
func (e Example) Piece(i int) string {
	e.T.Helper()
	if i >= len(e.Pieces) {
		e.T.Fatalf("example %q has %d backquoted pieces, the test reads piece %d", e.Text, len(e.Pieces), i+1)
	}
	return e.Pieces[i]
}

// Number is the integer the text writes just before suffix ("4 MB",
// "3 days"); the test fails when there is none.
func (e Example) Number(suffix string) int {
	e.T.Helper()
	m := regexp.MustCompile(`(\d+)` + regexp.QuoteMeta(suffix)).FindStringSubmatch(e.Text)
	if m == nil {
		e.T.Fatalf("example %q says no number before %q", e.Text, suffix)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}
