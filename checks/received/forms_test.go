package received

import (
	"strings"
	"testing"
)

func TestParseAddressLiteralForms(t *testing.T) {
	for _, c := range []struct{ from, ip string }{
		{"from a.example.net (b.example.net [192.0.2.1])", "192.0.2.1"},
		{"from a.example.net (b.example.net [IPv6:2001:db8::1])", "2001:db8::1"},
		{"from a.example.net (b.example.net [ipv6:2001:DB8::1])", "2001:db8::1"},
		{"from a.example.net (b.example.net [2001:db8::1])", "2001:db8::1"},
		{"from a.example.net (b.example.net [::ffff:192.0.2.1])", "192.0.2.1"},
		{"from a.example.net (b.example.net IPv6:2001:db8::1)", "2001:db8::1"},
		{"from a.example.net ([2001:db8::1]:2525 helo=a.example.net)", "2001:db8::1"},
		{"from [IPv6:2001:db8::2] (b.example.net [IPv6:2001:db8::1])", "2001:db8::1"},
		{"from [IPv6:2001:db8::2]", "2001:db8::2"},
		{"from [192.0.2.9] (helo=x.example.net)", "192.0.2.9"},
		{"from a.example.net (2001:db8::7)", "2001:db8::7"},
		{"from a.example.net (fe80::1%eth0)", "fe80::1"},
		{"from a.example.net (b.example.net [not-an-ip])", ""},
		{"from a.example.net", ""},
		{"from 192.0.2.77", "192.0.2.77"},
		{"from 192.0.2.77 (EHLO a.example.net) (192.0.2.78)", "192.0.2.78"},
	} {
		h, err := Parse(c.from + " by c.example.com; 2 Dec 2026 14:00 +0000")
		if err != nil {
			t.Errorf("%q: %v", c.from, err)
			continue
		}
		got := ""
		if h.From.IP.IsValid() {
			got = h.From.IP.String()
		}
		if got != c.ip {
			t.Errorf("%q: IP %q, want %q", c.from, got, c.ip)
		}
	}
}

func TestParseNestedComments(t *testing.T) {
	v := "from a.example.net (b.example.net [192.0.2.1] (may be (really) forged)) (x (y (z)))\n" +
		" by c.example.com (Postfix (3.9) \\) quoted paren) with ESMTP id Q1; 2 Dec 2026 14:00 +0000 (UTC (really))"
	h, err := Parse(v)
	if err != nil {
		t.Fatal(err)
	}
	if h.From.RDNS != "b.example.net" || h.From.IP.String() != "192.0.2.1" || h.By != "c.example.com" || h.ID != "Q1" {
		t.Errorf("got %+v", h)
	}
	if len(h.Comments) != 3 || h.Comments[2] != `Postfix (3.9) \) quoted paren` {
		t.Errorf("Comments = %q", h.Comments)
	}
}

func TestParseKeywordsInComments(t *testing.T) {
	// A keyword inside a comment or a value right after a keyword is not a clause.
	h, err := Parse("from for.example.net (by example with id) by id.example.com with ESMTP id for; 2 Dec 2026 14:00 +0000")
	if err != nil {
		t.Fatal(err)
	}
	if h.From.Name != "for.example.net" || h.By != "id.example.com" || h.ID != "for" || h.With != "ESMTP" {
		t.Errorf("got %+v", h)
	}
}

func TestParseDuplicateClauseKeepsFirst(t *testing.T) {
	h, err := Parse("from a.example.net by b.example.com by c.example.com; 2 Dec 2026 14:00 +0000")
	if err != nil {
		t.Fatal(err)
	}
	if h.By != "b.example.com" {
		t.Errorf("By = %q", h.By)
	}
}

func TestParseGarbageKeepsRaw(t *testing.T) {
	for _, v := range []string{"\x00\x01\x02", "\x9b\x9b\x9bversion=TLS", "\x9b(AUTH: x, TLS: y) (\x9busing TLS)", "((((", "\"unterminated", "from <a by b; x", strings.Repeat(";", 100), "from by with id for via"} {
		h, err := Parse(v)
		if err == nil {
			t.Errorf("%q: no error", v)
		}
		if h == nil || h.Raw != v {
			t.Errorf("%q: Raw not kept", v)
		}
		if se, ok := err.(*SyntaxError); !ok || se.Col < 0 || se.Col > len(v)+1 {
			t.Errorf("%q: error %v without a column in range", v, err)
		}
	}
}

func TestSyntaxErrorText(t *testing.T) {
	_, err := Parse("from a by b; soon")
	se := err.(*SyntaxError)
	if got, want := se.Message(), `col 14: date-time: unexpected word "soon"`; got != want {
		t.Errorf("Message() = %q, want %q", got, want)
	}
	if got := err.Error(); got != "received: "+se.Message() {
		t.Errorf("Error() = %q", got)
	}
}

func TestTLSCommentNotAHostName(t *testing.T) {
	for _, c := range []struct {
		in  string
		tls State
	}{
		{"from a (tls1.example.net [192.0.2.1]) by b with ESMTP; 2 Dec 2026 14:00 +0000", No},
		{"from a (ssl3 [192.0.2.1]) by b with ESMTP; 2 Dec 2026 14:00 +0000", No},
		{"from a (a [192.0.2.1]) by b with esmtp (TLS1.3) (Exim 4.97); 2 Dec 2026 14:00 +0000", Yes},
		{"from a (a [192.0.2.1]) by b with esmtp (TLSv1_2:AES256-SHA:256); 2 Dec 2026 14:00 +0000", Yes},
		{"from a (a [192.0.2.1]) by b with esmtp (SSLv3); 2 Dec 2026 14:00 +0000", Yes},
		{"from a (a [192.0.2.1]) by b with esmtp (tls1.example.net); 2 Dec 2026 14:00 +0000", No},
		{"from a (a [192.0.2.1]) by tls with ESMTP id 1; 2 Dec 2026 14:00 +0000", No}, // a host named tls
	} {
		h, err := Parse(c.in)
		if err != nil {
			t.Fatal(err)
		}
		if h.TLS != c.tls {
			t.Errorf("%q: TLS %v, want %v", c.in, h.TLS, c.tls)
		}
	}
}

func TestParseBareAddressName(t *testing.T) {
	h, err := Parse("from 192.0.2.77 by web.example.com with HTTP; Wed, 2 Dec 2026 13:00:00 +0000")
	if err != nil {
		t.Fatal(err)
	}
	if h.From.IP.String() != "192.0.2.77" || h.From.HELO != "" || h.From.RDNS != "" || h.TLS != No {
		t.Errorf("got %+v", h)
	}
	h, err = Parse("from 192.0.2.77 (EHLO a.example.net) (192.0.2.77) by mta.example.com with SMTPS; Wed, 2 Dec 2026 13:00:00 +0000")
	if err != nil {
		t.Fatal(err)
	}
	if h.From.HELO != "a.example.net" || h.From.RDNS != "" || h.TLS != Yes {
		t.Errorf("got %+v", h)
	}
}

func TestParseCommentBeforeClauseValue(t *testing.T) {
	h, err := Parse("from (x) a.example.net (b.example.net [192.0.2.1]) by (y) c.example.com with (z) ESMTP id (w) Q; 2 Dec 2026 14:00 +0000")
	if err != nil {
		t.Fatal(err)
	}
	if h.From.Name != "a.example.net" || h.From.IP.String() != "192.0.2.1" || h.By != "c.example.com" || h.With != "ESMTP" || h.ID != "Q" {
		t.Errorf("got %+v", h)
	}
	if _, err := Parse("from (only a comment) by b; 2 Dec 2026 14:00 +0000"); err == nil {
		t.Error("a from clause with only a comment read without error")
	}
}
