package report

import (
	"regexp"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks"
)

func render(t *testing.T, opt Options, reps ...checks.Report) string {
	t.Helper()
	var b strings.Builder
	w := NewTable(&b, opt)
	for _, r := range reps {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

var ansiRE = regexp.MustCompile("\x1b\\[[0-9;]*m")

func TestTable(t *testing.T) {
	cases := []struct {
		name string
		opt  Options
		reps []checks.Report
	}{
		{"plain", Options{}, []checks.Report{sample()}},
		{"color", Options{Color: true}, []checks.Report{sample()}},
		{"plain_multi", Options{}, []checks.Report{sample(), failing()}},
		{"color_multi", Options{Color: true}, []checks.Report{sample(), failing()}},
		{"color_narrow", Options{Color: true, Width: 72}, []checks.Report{sample()}},
		{"plain_target_error", Options{}, []checks.Report{{Target: "bad..example", Status: checks.StatusError, Error: "invalid domain name"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			golden(t, c.name, render(t, c.opt, c.reps...))
		})
	}
}

// The plain layout is for pipes: no escape codes, no box drawing, and
// every finding's severity, code, message, hint and reference present.
func TestTablePlainIsPlain(t *testing.T) {
	out := render(t, Options{}, sample(), failing())
	if strings.ContainsRune(out, '\x1b') {
		t.Errorf("plain output holds an escape code:\n%q", out)
	}
	for _, r := range "│─╭╮╰╯┼├┤┬┴" {
		if strings.ContainsRune(out, r) {
			t.Errorf("plain output holds box drawing %q", r)
		}
	}
	for _, rep := range []checks.Report{sample(), failing()} {
		for _, c := range rep.Checks {
			for _, f := range c.Findings {
				for _, s := range []string{string(f.Severity), f.Code, f.Message, f.Hint, f.Ref} {
					if !strings.Contains(out, s) {
						t.Errorf("plain output lacks %q", s)
					}
				}
			}
			if c.Error != "" && !strings.Contains(out, c.Error) {
				t.Errorf("plain output lacks the error %q", c.Error)
			}
		}
	}
}

// The coloured table carries the same words; only the decoration differs.
func TestTableColorHasEverything(t *testing.T) {
	out := render(t, Options{Color: true}, sample())
	if !strings.Contains(out, "\x1b[") {
		t.Fatal("colour output has no escape codes")
	}
	stripped := ansiRE.ReplaceAllString(out, "")
	for _, c := range sample().Checks {
		for _, f := range c.Findings {
			for _, s := range []string{f.Code, f.Message, f.Hint} {
				if !strings.Contains(stripped, s) {
					t.Errorf("colour output lacks %q", s)
				}
			}
		}
	}
}

// Text from DNS must never reach a terminal as control sequences.
func TestTableNeutralisesControlCharacters(t *testing.T) {
	rep := checks.Report{Target: "example.com", Checks: []checks.Result{{
		Name:    "spf",
		Summary: "v=spf1 \x1b[2Jall\nnext",
		Findings: []checks.Finding{{Code: "spf.syntax", Severity: checks.SeverityFail,
			Message: "bad \x1b]0;title\x07 record"}},
	}}}
	rep.Checks[0].Settle()
	rep.Settle()
	for _, opt := range []Options{{}, {Color: true}} {
		out := render(t, opt, rep)
		stripped := ansiRE.ReplaceAllString(out, "") // remove our own styling
		if strings.ContainsAny(stripped, "\x1b\x07") {
			t.Errorf("color=%v: control character passed through: %q", opt.Color, out)
		}
		if strings.Contains(stripped, "all\nnext") {
			t.Errorf("color=%v: newline inside a value broke the row", opt.Color)
		}
	}
}

func TestTableColorFitsWidth(t *testing.T) {
	out := render(t, Options{Color: true, Width: 72}, sample())
	for _, l := range strings.Split(strings.TrimRight(ansiRE.ReplaceAllString(out, ""), "\n"), "\n") {
		if w := len([]rune(l)); w > 72 {
			t.Errorf("line is %d wide, want ≤ 72: %q", w, l)
		}
	}
}
