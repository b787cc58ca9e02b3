package dkimverify

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func field(raw string) Field {
	name, _, _ := strings.Cut(raw, ":")
	return Field{Name: name, Raw: []byte(raw)}
}

const goodSig = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/simple; d=example.com; s=sel;\r\n" +
	"\ti=alice@mail.example.com; l=42; t=1700000000; x=1700086400; q=dns/txt; z=From:x;\r\n" +
	"\th=From : To:Subject; bh=MTIz; b=YWJj\r\n\tZGVm\r\n"

func TestParseSignature(t *testing.T) {
	s, err := ParseSignature(field(goodSig), KindDKIM)
	if err != nil {
		t.Fatal(err)
	}
	if s.Algorithm != RSASHA256 || s.Domain != "example.com" || s.Selector != "sel" || s.HeaderCanon != Relaxed || s.BodyCanon != Simple ||
		s.Identity != "alice@mail.example.com" || s.BodyLength != 42 || s.Timestamp.Unix() != 1700000000 || s.Expiration.Unix() != 1700086400 ||
		strings.Join(s.Headers, ",") != "From,To,Subject" || string(s.BodyHash) != "123" || string(s.Sig) != "abcdef" || s.KeyName() != "sel._domainkey.example.com" {
		t.Errorf("%+v", s)
	}
	// Defaults: c=simple/simple, i=@d, no l=.
	s, err = ParseSignature(field("DKIM-Signature: v=1; a=ed25519-sha256; d=Example.COM; s=s; h=from; bh=MTIz; b=YWJj;\r\n"), KindDKIM)
	if err != nil {
		t.Fatal(err)
	}
	if s.HeaderCanon != Simple || s.BodyCanon != Simple || s.Identity != "@example.com" || s.BodyLength != -1 || s.Domain != "example.com" {
		t.Errorf("defaults: %+v", s)
	}
	// c=relaxed alone is relaxed/simple (RFC 6376 §3.5).
	s, _ = ParseSignature(field("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed; d=e.com; s=s; h=from; bh=MTIz; b=YWJj\r\n"), KindDKIM)
	if s == nil || s.HeaderCanon != Relaxed || s.BodyCanon != Simple {
		t.Errorf("c=relaxed: %+v", s)
	}
}

func TestParseSignatureErrors(t *testing.T) {
	const base = "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; bh=MTIz; b=YWJj"
	for _, tt := range []struct {
		value string
		at    string // where the error points: its last occurrence in the field
		want  string // the message, %d standing for the column of at
		kind  error
	}{
		{"v=2; a=rsa-sha256; d=example.com; s=sel; h=from; bh=MTIz; b=YWJj", "v=2", "DKIM-Signature col %d tag v: version \"2\", want 1", ErrSyntax},
		{strings.Replace(base, "rsa-sha256", "rsa-md5", 1), "a=", `DKIM-Signature col %d tag a: algorithm "rsa-md5", want rsa-sha256, ed25519-sha256 or rsa-sha1`, ErrUnsupportedAlgorithm},
		{strings.Replace(base, "h=from", "h=to:subject", 1), "h=to", "DKIM-Signature col %d tag h: h= does not include From", ErrSyntax},
		{strings.Replace(base, "v=1; ", "", 1), "", "DKIM-Signature tag v: required tag v is missing", ErrSyntax},
		{strings.Replace(base, "b=YWJj", "b=YW!j", 1), "b=", "DKIM-Signature col %d tag b: not valid base64", ErrSyntax},
		{base + "; i=bob@example.org", "i=", `DKIM-Signature col %d tag i: identity "bob@example.org" is not in d=example.com or a subdomain of it`, ErrSyntax},
		{base + "; t=200; x=100", "x=", "DKIM-Signature col %d tag x: expiration x=100 is before the timestamp t=200", ErrSyntax},
		{base + "; l=12a", "l=", `DKIM-Signature col %d tag l: "12a" is not a number`, ErrSyntax},
		{base + "; l=99999999999999999999", "l=", "DKIM-Signature col %d tag l: 99999999999999999999 is too large", ErrSyntax},
		{base + "; c=fancy", "c=", `DKIM-Signature col %d tag c: canonicalization "fancy", want simple or relaxed, optionally /simple or /relaxed`, ErrUnsupportedAlgorithm},
		{base + "; q=http", "q=", `DKIM-Signature col %d tag q: query methods "http" do not include dns/txt`, ErrUnsupportedAlgorithm},
		{base + "; d=other.com", "d=", "DKIM-Signature col %d tag d: duplicate tag (first at col 21)", ErrSyntax},
		{base + ";; z=1", ";;", "DKIM-Signature col %d: empty tag between semicolons", ErrSyntax},
		{strings.Replace(base, "d=example.com", "d=exa mple..com", 1), "d=", `DKIM-Signature col %d tag d: "exa mple..com" is not a domain name`, ErrSyntax},
		{base + "; junk", "junk", `DKIM-Signature col %d: "junk" is not a tag=value pair`, ErrSyntax},
	} {
		raw := "DKIM-Signature: " + tt.value + "\r\n"
		_, err := ParseSignature(field(raw), KindDKIM)
		if err == nil {
			t.Errorf("%q: no error", tt.value)
			continue
		}
		want := tt.want
		if tt.at != "" {
			col := strings.LastIndex(raw, tt.at) + 1
			if tt.at == ";;" {
				col++ // the second semicolon ends the empty tag
			}
			want = fmt.Sprintf(tt.want, col)
		}
		var es SyntaxErrors
		if !errors.As(err, &es) || es.Message() != want {
			t.Errorf("%q:\n got %q\nwant %q", tt.value, es.Message(), want)
		}
		if !errors.Is(err, tt.kind) || !strings.HasPrefix(err.Error(), "dkimverify: ") {
			t.Errorf("%q: %v is not %v", tt.value, err, tt.kind)
		}
	}
	// An AMS: no v=, i= is the instance.
	s, err := ParseSignature(field("ARC-Message-Signature: i=3; a=rsa-sha256; d=example.com; s=sel; h=from; bh=MTIz; b=YWJj\r\n"), KindAMS)
	if err != nil || s.Instance != 3 || s.Identity != "" {
		t.Errorf("AMS: %+v, %v", s, err)
	}
	if _, err := ParseSignature(field("ARC-Message-Signature: i=51; a=rsa-sha256; d=example.com; s=sel; h=from; bh=MTIz; b=YWJj\r\n"), KindAMS); err == nil {
		t.Errorf("AMS i=51: no error")
	}
}

func TestFailureOf(t *testing.T) {
	_, err := ParseSignature(field("DKIM-Signature: v=1; a=rsa-md5; d=e.com; s=s; h=from; bh=MTIz; b=YWJj\r\n"), KindDKIM)
	if f := FailureOf(err); f.Cause != CauseUnsupportedAlgorithm || f.Cause.Status() != StatusNeutral {
		t.Errorf("unsupported: %+v", f)
	}
	_, err = ParseSignature(field("DKIM-Signature: v=1; a=rsa-md5; d=e.com; h=from; bh=MTIz; b=YWJj\r\n"), KindDKIM)
	if f := FailureOf(err); f.Cause != CauseSyntax {
		t.Errorf("unsupported and missing s=: %+v", f)
	}
}

func TestParseMessage(t *testing.T) {
	raw := "From sender@example.com Tue Dec  1 10:00:00 2026\n" +
		"Subject: a\n long one\n" +
		"X-A : b\r\n" +
		"\n" +
		"body\n"
	m := parse(t, raw)
	if len(m.Header) != 2 || m.Header[0].Name != "Subject" || string(m.Header[0].Raw) != "Subject: a\n long one\n" || m.Header[1].Name != "X-A" || string(m.Header[1].Value()) != " b" {
		t.Errorf("header %q", m.Header)
	}
	var b strings.Builder
	buf := make([]byte, 100)
	n, _ := m.BodyReader().Read(buf)
	b.Write(buf[:n])
	if b.String() != "body\n" {
		t.Errorf("body %q", b.String())
	}
	// "From :" on the first line is a field, not an mbox line.
	if m := parse(t, "From : a@example.com\r\n\r\n"); len(m.Header) != 1 || m.Header[0].Name != "From" {
		t.Errorf("From with space: %q", m.Header)
	}
	// Header only, no body.
	if m := parse(t, "A: b\r\n"); len(m.Header) != 1 || m.Body.Size() != 0 {
		t.Errorf("no body: %+v", m)
	}
	for _, bad := range []string{"A: b\r\nno colon here\r\n\r\n", " folded first\r\n\r\n", "A b: c\r\n\r\n"} {
		_, err := ParseMessage(strings.NewReader(bad), int64(len(bad)))
		if !errors.Is(err, ErrMessage) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
