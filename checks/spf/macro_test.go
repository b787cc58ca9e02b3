package spf

import (
	"context"
	"net/netip"
	"testing"
	"time"
)

// fakeResolver answers nothing: the macro tests below need no DNS except
// %{p}, which then expands to "unknown".
func macroEnvFor(ip, sender, domain, helo string) macroEnv {
	e := &evaluator{
		r:        emptyResolver{},
		ip:       netip.MustParseAddr(ip).Unmap(),
		helo:     helo,
		receiver: "mx.example.org",
		now:      func() time.Time { return time.Unix(1700000000, 0) },
	}
	e.local, e.senderDomain = splitSender(sender, domain)
	return macroEnv{e: e, domain: domain}
}

// The examples of RFC 7208 §7.4.
func TestMacroRFCExamples(t *testing.T) {
	env4 := macroEnvFor("192.0.2.3", "strong-bad@email.example.com", "email.example.com", "mx.example.org")
	env6 := macroEnvFor("2001:db8::cb01", "strong-bad@email.example.com", "email.example.com", "mx.example.org")
	cases := []struct {
		env  macroEnv
		in   string
		want string
	}{
		{env4, "%{s}", "strong-bad@email.example.com"},
		{env4, "%{o}", "email.example.com"},
		{env4, "%{d}", "email.example.com"},
		{env4, "%{d4}", "email.example.com"},
		{env4, "%{d3}", "email.example.com"},
		{env4, "%{d2}", "example.com"},
		{env4, "%{d1}", "com"},
		{env4, "%{dr}", "com.example.email"},
		{env4, "%{d2r}", "example.email"},
		{env4, "%{l}", "strong-bad"},
		{env4, "%{l-}", "strong.bad"},
		{env4, "%{lr}", "strong-bad"},
		{env4, "%{lr-}", "bad.strong"},
		{env4, "%{l1r-}", "strong"},
		{env4, "%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com"},
		{env4, "%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"},
		{env4, "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"},
		{env4, "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com"},
		{env4, "%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net"},
		{env6, "%{ir}.%{v}._spf.%{d2}", "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com"},
	}
	for _, c := range cases {
		got, err := c.env.expand(context.Background(), c.in, false)
		if err != nil || got != c.want {
			t.Errorf("expand(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestMacroEscapesAndExpLetters(t *testing.T) {
	env := macroEnvFor("192.0.2.3", "~jack&jill=up-a_b3.c@example.com", "example.com", "helo.example")
	cases := []struct {
		in   string
		exp  bool
		want string
	}{
		{"%%%_%-", false, "% %20"},
		{"%{L}", false, "~jack%26jill%3Dup-a_b3.c"},
		{"%{h}", false, "helo.example"},
		{"%{H}", false, "helo.example"},
		{"%{c} %{r} %{t}", true, "192.0.2.3 mx.example.org 1700000000"},
		{"%{p}", false, "unknown"},
		{"%{l2r+-=}", false, "up.~jack&jill"}, // split on + - =, reverse, keep the right-most 2
		{"%{d99}", false, "example.com"},
	}
	for _, c := range cases {
		got, err := env.expand(context.Background(), c.in, c.exp)
		if err != nil || got != c.want {
			t.Errorf("expand(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"%{c}", "%{r}", "%{t}", "%", "%x", "%{", "%{}", "%{d0}", "%{dq}"} {
		if got, err := env.expand(context.Background(), bad, false); err == nil {
			t.Errorf("expand(%q) = %q, want a syntax error", bad, got)
		}
	}
	env6 := macroEnvFor("::ffff:192.0.2.3", "", "example.com", "h")
	if got, _ := env6.expand(context.Background(), "%{i}.%{v}.%{s}", false); got != "192.0.2.3.in-addr.postmaster@example.com" {
		t.Errorf("IPv4-mapped client: %q", got)
	}
}

func TestTargetNameTruncates(t *testing.T) {
	long := ""
	for len(long) < 300 {
		long += "abcdefghi."
	}
	got := targetName(long + "example.com.")
	if len(got) > 253 || got[len(got)-len("example.com"):] != "example.com" || got[0] == '.' {
		t.Errorf("targetName: %d chars, %q", len(got), got)
	}
}
