package send

import (
	"errors"
	"strings"
	"testing"
)

// A bad address says what is wrong with it in words, never net/mail's
// "no angle-addr".
func TestAddressErrorsInWords(t *testing.T) {
	for in, want := range map[string]string{
		"not an address":                 "missing @",
		"bob.example.org":                "missing @",
		"@example.org":                   "the local part (before the @) is empty",
		"bob@":                           "the domain part (after the @) is empty",
		"Bob <bob@example.org":           "unbalanced angle brackets",
		"Bob bob@example.org>":           "unbalanced angle brackets",
		"Bob >bob@example.org<":          "unbalanced angle brackets",
		"Bob <>":                         "the angle brackets hold no address",
		"a@example.org,,b@example.org":   "an empty address",
		"Bob <bob@example.org> trailing": "text after the closing",
		"a@b@example.org":                "more than one @",
		"bob@example..org":               "empty label",
		"Bob Smith bob@example.org":      "angle brackets",
		"\"Bob <bob@example.org>":        "an unclosed double quote",
		"bob@exa mple.org":               "",
	} {
		_, err := ParseAddressList("--to", in)
		if err == nil {
			t.Errorf("%q accepted", in)
			continue
		}
		msg := err.Error()
		if !errors.Is(err, ErrBadInput) || want != "" && !strings.Contains(msg, want) ||
			strings.Contains(msg, "angle-addr") || strings.Contains(msg, "addr-spec") || strings.Contains(msg, "mail: ") {
			t.Errorf("%q: %v, want %q", in, msg, want)
		}
	}
	for _, ok := range []string{"bob@example.org", "Bob <bob@example.org>", `"Smith, Bob" <bob@example.org>, c@example.org`,
		`"a@b"@example.org`, "Bob (work) <bob@example.org>", "bob@[192.0.2.1]", "bob@example.org (Bob Smith)"} {
		if _, err := ParseAddressList("--to", ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}

func TestNullSender(t *testing.T) {
	a, err := ParseSender("--from", " <> ")
	if err != nil || !a.IsNull() || a.Domain() != "" {
		t.Fatalf("%+v %v", a, err)
	}
	if _, err := ParseAddress("--from", "<>"); err == nil {
		t.Error("<> accepted where a mailbox is needed")
	}
	to := []Address{{Addr: "b@example.org"}}
	if _, err := Build(Spec{From: a, To: to, Text: "x", HasText: true}); err == nil || !strings.Contains(err.Error(), "--header") {
		t.Errorf("null sender without a From header: %v", err)
	}
	m, err := Build(Spec{From: a, To: to, Text: "x", HasText: true, Headers: []Header{{Name: "From", Value: "Mail Delivery <mailer-daemon@example.net>"}}})
	if err != nil {
		t.Fatal(err)
	}
	d := string(m.Data)
	if m.From != "" || !strings.HasPrefix(d, "From: Mail Delivery <mailer-daemon@example.net>\r\n") || strings.Count(d, "\r\nFrom:") != 0 ||
		!strings.Contains(m.MessageID, "@example.net>") {
		t.Errorf("from %q, id %s:\n%s", m.From, m.MessageID, d)
	}
}
