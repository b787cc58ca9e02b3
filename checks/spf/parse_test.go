package spf

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func TestParseTerms(t *testing.T) {
	rec, err := Parse("v=spf1 +a:mail.example.com/24//64 mx//48 ~ip4:192.0.2.0/24 ip6:2001:db8::/32 -include:_spf.example.net ?exists:%{ir}.%{v}._spf.%{d2} ptr -all redirect=_spf.example.org exp=why.%{d} x-custom=1")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		q      Qualifier
		kind   string
		domain string
		c4, c6 int
	}{
		{'+', MechA, "mail.example.com", 24, 64},
		{'+', MechMX, "", -1, 48},
		{'~', MechIP4, "", -1, -1},
		{'+', MechIP6, "", -1, -1},
		{'-', MechInclude, "_spf.example.net", -1, -1},
		{'?', MechExists, "%{ir}.%{v}._spf.%{d2}", -1, -1},
		{'+', MechPTR, "", -1, -1},
		{'-', MechAll, "", -1, -1},
	}
	if len(rec.Mechanisms) != len(want) {
		t.Fatalf("%d mechanisms, want %d", len(rec.Mechanisms), len(want))
	}
	for i, w := range want {
		m := rec.Mechanisms[i]
		if m.Qualifier != w.q || m.Kind != w.kind || m.Domain != w.domain || m.CIDR4 != w.c4 || m.CIDR6 != w.c6 {
			t.Errorf("mechanism %d = %+v, want %+v", i, m, w)
		}
	}
	if got := rec.Mechanisms[2].Net; got != netip.MustParsePrefix("192.0.2.0/24") {
		t.Errorf("ip4 net = %v", got)
	}
	if got := rec.Mechanisms[3].Net; got != netip.MustParsePrefix("2001:db8::/32") {
		t.Errorf("ip6 net = %v", got)
	}
	if rec.Mechanisms[4].Col != 78 {
		t.Errorf("include col = %d, want 78", rec.Mechanisms[4].Col)
	}
	if rec.Redirect == nil || rec.Redirect.Value != "_spf.example.org" || rec.Exp == nil || rec.Exp.Value != "why.%{d}" {
		t.Errorf("redirect %+v exp %+v", rec.Redirect, rec.Exp)
	}
	if len(rec.Modifiers) != 3 || rec.Modifiers[2].Name != "x-custom" {
		t.Errorf("modifiers = %+v", rec.Modifiers)
	}
	if !rec.HasAll() {
		t.Error("HasAll = false")
	}
}

func TestParseCaseInsensitive(t *testing.T) {
	rec, err := Parse("V=SPF1 INCLUDE:Example.COM -ALL Redirect=x.example")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Mechanisms[0].Kind != MechInclude || rec.Mechanisms[0].Domain != "Example.COM" || rec.Mechanisms[1].Kind != MechAll || rec.Redirect == nil {
		t.Errorf("%+v", rec)
	}
}

// TestParseErrors pins the column and wording of syntax errors.
func TestParseErrors(t *testing.T) {
	cases := []struct {
		rec  string
		want string // every error, joined by "; "
	}{
		{"v=spf1 include:_spf.example.net inclde:foo.example -all", `spf: col 33: unknown mechanism "inclde"`},
		{"v=spf1 ip4:1.2.3.4 -all moo", `spf: col 25: unknown mechanism "moo"`},
		{"v=spf1 a/33", `spf: col 9: invalid CIDR length "/33": expected /N (0-32), //N (0-128) or /N//M, no leading zeros`},
		{"v=spf1 ip4:1.2.3.4/032", `spf: col 19: invalid CIDR length "/032" for ip4 (0 to 32, no leading zeros)`},
		{"v=spf1 ip4:1.2.3", `spf: col 12: "1.2.3" is not an IPv4 address`},
		{"v=spf1 ip6:1.2.3.4", `spf: col 12: "1.2.3.4" is not an IPv6 address`},
		{"v=spf1 a:foo-bar -all", `spf: col 10: "foo-bar" is not a domain: it must end in a dot and a top-level label (or a macro)`},
		{"v=spf1 a:abc.123", `spf: col 14: "abc.123" is not a domain: top-level label "123" must be letters, digits and inner hyphens, not all digits`},
		{"v=spf1 exists:%{ir}.%{x}.example.com", `spf: col 21: "%{ir}.%{x}.example.com": unknown macro letter 'x'`},
		{"v=spf1 exists:%(ir).sbl.example.com", `spf: col 15: "%(ir).sbl.example.com": %( is not a macro (use %{x}, %%, %_ or %-)`},
		{"v=spf1 -all exp=%{r}.example.com", `spf: col 17: "%{r}.example.com": macro %{r} is only allowed in explanation text (RFC 7208 §7.2)`},
		{"v=spf1 redirect=a.example redirect=b.example", `spf: col 27: redirect= appears more than once`},
		{"v=spf1 exp= -all", `spf: col 12: exp= needs a domain`},
		{"v=spf1 1up=foo", `spf: col 8: invalid modifier name "1up": a name starts with a letter and holds letters, digits, "-", "_" and "."`},
		{"v=spf1 a:ctrl.example.com\rptr -all", `spf: col 26: character CR in "a:ctrl.example.com\rptr": only printable ASCII is allowed, and terms are separated by spaces only`},
		{"v=spf1 -all.", `spf: col 9: unknown mechanism "all."`},
		{"v=spf1 -all:foo", `spf: col 12: "all" takes no argument`},
		{"v=spf1 include", `spf: col 15: "include" needs ":" and a domain`},
		{"v=spf1 ptr/24", `spf: col 11: "ptr" takes no CIDR length`},
		{"v=spf1 exists:%{d0}.example.com", `spf: col 15: "%{d0}.example.com": the number of parts in %{d0} must be at least 1`},
		{"v=spf10 -all", `spf: col 1: record does not start with "v=spf1" followed by a space`},
		// Every error is reported, not only the first.
		{"v=spf1 inclde:a.example ip4:300.1.1.1 -all", `spf: col 8: unknown mechanism "inclde"; spf: col 29: "300.1.1.1" is not an IPv4 address`},
	}
	for _, c := range cases {
		_, err := Parse(c.rec)
		if err == nil {
			t.Errorf("Parse(%q): no error, want %s", c.rec, c.want)
			continue
		}
		if err.Error() != c.want {
			t.Errorf("Parse(%q):\n got %s\nwant %s", c.rec, err, c.want)
		}
		if !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q): error does not wrap ErrSyntax", c.rec)
		}
	}
}

func TestParseAccepts(t *testing.T) {
	for _, rec := range []string{
		"v=spf1",
		"v=spf1 ",
		"v=spf1  a  -all ",
		"v=spf1 a:foo:bar/baz.example.com",
		"v=spf1 a:foo.example.xn--zckzah -all",
		"v=spf1 a:%{H}.bar",
		"v=spf1 a:macro%%percent%_%_space%-url-space.example.com",
		"v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all",
		"v=spf1 default=+",
		"v=spf1 ip6:::FFFF:1.2.3.4 ip6:Cafe:Babe:8000::/33",
		"v=spf1 mx:example.com. -all",
		"v=spf1 exists:%{l2r+-}.user.%{d2}",
	} {
		if _, err := Parse(rec); err != nil {
			t.Errorf("Parse(%q): %v", rec, err)
		}
	}
}

func TestIsSPF(t *testing.T) {
	for s, want := range map[string]bool{
		"v=spf1":            true,
		"v=spf1 -all":       true,
		"V=SpF1 ~all":       true,
		"v=spf10":           false,
		"v=spf1-all":        false,
		"spf1 -all":         false,
		"v=spf2.0/pra -all": false,
		"":                  false,
	} {
		if IsSPF(s) != want {
			t.Errorf("IsSPF(%q) = %v", s, !want)
		}
	}
}

func TestSplitDualCIDR(t *testing.T) {
	for in, want := range map[string][2]string{
		"foo.example/24//64": {"foo.example", "/24//64"},
		"foo.example//64":    {"foo.example", "//64"},
		"foo.example/24":     {"foo.example", "/24"},
		"foo:bar/baz.com":    {"foo:bar/baz.com", ""},
		"foo.com/24/64":      {"foo.com/24", "/64"},
	} {
		d, c := splitDualCIDR(in)
		if d != want[0] || c != want[1] {
			t.Errorf("splitDualCIDR(%q) = %q, %q; want %q", in, d, c, want)
		}
	}
	if !strings.Contains(SyntaxErrors{{Col: 3, Msg: "x"}}.Error(), "col 3") {
		t.Error("SyntaxErrors.Error lost the column")
	}
}
