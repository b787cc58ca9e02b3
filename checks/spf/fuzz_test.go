package spf

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"v=spf1 -all",
		"v=spf1 a:foo.example.com/24//64 mx//0 ~all",
		"v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.example.net ?all",
		"v=spf1 exists:%{ir}.%{l1r-}.lp._spf.%{d2} redirect=%{d}.x exp=why.%{o}",
		"v=spf1 a:ctrl.example.com\rptr -all",
		"V=SPF1 moo.cow-far_out=man:dog/cat",
		"v=spf1 %{",
		"v=spf1 a:%{H}.bar -all.",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rec, err := Parse(s)
		if rec == nil {
			t.Fatal("nil record")
		}
		if err == nil {
			if !IsSPF(s) {
				t.Fatalf("accepted %q without v=spf1", s)
			}
			for _, m := range rec.Mechanisms {
				if m.Col < 1 || m.Col > len(s) || !strings.HasPrefix(s[m.Col-1:], m.Text) {
					t.Fatalf("mechanism %q at col %d of %q", m.Text, m.Col, s)
				}
			}
			return
		}
		for _, e := range err.(SyntaxErrors) {
			if e.Col < 1 || e.Col > len(s)+1 {
				t.Fatalf("error column %d outside %q: %v", e.Col, s, e)
			}
		}
	})
}

func FuzzMacroExpand(f *testing.F) {
	for _, s := range []string{
		"%{ir}.%{v}._spf.%{d2}", "%{l2r+-=}", "%{L}%%%_%-", "%{c}%{r}%{t}", "%{d999999999999}", "%{", "%{x}", "a%",
	} {
		f.Add(s, true)
	}
	env := macroEnvFor("2001:db8::cb01", "str ong-b@d@email.example.com", "email.example.com", "mx.example.org")
	f.Fuzz(func(t *testing.T, s string, exp bool) {
		out, err := env.expand(context.Background(), s, exp)
		if err != nil {
			return
		}
		if !exp && strings.Contains(out, " ") && !strings.Contains(s, "%_") && !strings.Contains(s, "%{") {
			t.Fatalf("%q expanded to %q: a space from nowhere", s, out)
		}
		if utf8.ValidString(s) && !utf8.ValidString(out) && !strings.Contains(s, "%{") {
			t.Fatalf("%q expanded to invalid UTF-8 %q", s, out)
		}
		_ = targetName(out)
	})
}

// FuzzCheckHost runs whole evaluations over an in-memory resolver whose
// every answer is empty, with a fuzzed record at the domain.
func FuzzCheckHost(f *testing.F) {
	f.Add("v=spf1 a mx ptr exists:%{i}.x.example include:%{d2} ~all", "192.0.2.1")
	f.Add("v=spf1 redirect=%{d}", "2001:db8::1")
	f.Fuzz(func(t *testing.T, rec, ip string) {
		addr, err := netip.ParseAddr(ip)
		if err != nil {
			return
		}
		r := oneRecordResolver{name: "example.com.", text: rec}
		out := CheckHost(context.Background(), r, addr, "example.com", "a@example.com", "h.example")
		switch out.Result {
		case Pass, Fail, SoftFail, Neutral, None, PermError, TempError:
		default:
			t.Fatalf("result %q", out.Result)
		}
		if out.Lookups > MaxLookups+1 || out.VoidLookups > MaxVoidLookups+1 {
			t.Fatalf("limits not enforced: %+v", out)
		}
	})
}
