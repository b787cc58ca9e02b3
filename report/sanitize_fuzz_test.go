package report

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/relayctl/relayctl/checks"
)

// controlIn returns the first control character of s a terminal could
// act on — C0 (but the newline that ends a row), DEL, C1 — or -1.
func controlIn(s string) rune {
	for _, r := range s {
		if r != '\n' && (r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0) {
			return r
		}
	}
	return -1
}

// FuzzOneLine: the sanitiser leaves no control character and no line
// break, and changes nothing else's count of runes.
func FuzzOneLine(f *testing.F) {
	for _, s := range []string{"v=spf1 -all", "a\nb\r\tc", "\x1b[31mred\x1b[0m", "\u0085\u009b2J", "\x7f", "\xff\xfe", "ok \u00a0 é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := OneLine(s)
		if r := controlIn(out); r >= 0 || strings.ContainsRune(out, '\n') {
			t.Fatalf("OneLine(%q) = %q keeps %U", s, out, r)
		}
		if utf8.RuneCountInString(out) != utf8.RuneCountInString(s) {
			t.Fatalf("OneLine(%q) = %q: %d runes for %d", s, out, utf8.RuneCountInString(out), utf8.RuneCountInString(s))
		}
	})
}

// FuzzTableControlChars: whatever text a DNS answer puts in a target, a
// summary, a finding or an error, the plain table written for a terminal
// carries no control character (no escape sequence) but its newlines.
func FuzzTableControlChars(f *testing.F) {
	for _, s := range []string{"example.com", "\x1b]0;title\x07", "line\nbreak", "\u009b31m", "tab\there"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		res := checks.Result{Name: "spf", Status: checks.StatusFail, Summary: s, Error: s,
			Findings: []checks.Finding{{Code: "spf.syntax", Severity: checks.SeverityFail, Message: s, Hint: s, Ref: s}}}
		rep := checks.Report{Command: "check spf", Target: s, Status: checks.StatusFail, Checks: []checks.Result{res}}
		var b strings.Builder
		w := NewTable(&b, Options{})
		if err := w.Write(rep); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if r := controlIn(b.String()); r >= 0 {
			t.Fatalf("table for %q holds %U:\n%q", s, r, b.String())
		}
	})
}
