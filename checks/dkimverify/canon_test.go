package dkimverify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
)

// RFC 6376 §3.4.5's example, and the edge cases of §3.4.3 and §3.4.4.
func TestCanonHeader(t *testing.T) {
	for _, tt := range []struct {
		c        Canon
		raw, out string
	}{
		{Relaxed, "A: X\r\n", "a:X\r\n"},
		{Relaxed, "B : Y\t\r\n\tZ  \r\n", "b:Y Z\r\n"},
		{Simple, "B : Y\t\r\n\tZ  \r\n", "B : Y\t\r\n\tZ  \r\n"},
		{Simple, "B : Y\n\tZ\n", "B : Y\r\n\tZ\r\n"},
		{Relaxed, "Subject:\r\n", "subject:\r\n"},
		{Relaxed, "X-Empty:   \t \r\n", "x-empty:\r\n"},
	} {
		if got := string(CanonHeader(nil, tt.c, []byte(tt.raw))); got != tt.out {
			t.Errorf("%s %q: got %q, want %q", tt.c, tt.raw, got, tt.out)
		}
	}
}

func canonBody(c Canon, body string, chunk int) string {
	var out bytes.Buffer
	bc := newBodyCanon(c, &out)
	for len(body) > chunk {
		bc.Write([]byte(body[:chunk]))
		body = body[chunk:]
	}
	bc.Write([]byte(body))
	bc.Close()
	return out.String()
}

func TestCanonBody(t *testing.T) {
	for _, tt := range []struct {
		body, simple, relaxed string
	}{
		{" C \r\nD \t E\r\n\r\n\r\n", " C \r\nD \t E\r\n", " C\r\nD E\r\n"},
		{"", "\r\n", ""},
		{"\r\n\r\n", "\r\n", ""},
		{"a", "a\r\n", "a\r\n"},
		{"a  ", "a  \r\n", "a\r\n"},
		{"a\r\n \r\nb\r\n", "a\r\n \r\nb\r\n", "a\r\n\r\nb\r\n"},
		{"a\r\n  \r\n", "a\r\n  \r\n", "a\r\n"},
		{"a\nb\n\n", "a\r\nb\r\n", "a\r\nb\r\n"},
		{"a\rb\r\n", "a\rb\r\n", "a\rb\r\n"},
		{"a\r", "a\r\r\n", "a\r\r\n"},
	} {
		// Any chunking gives the same result: state carries over writes.
		for _, chunk := range []int{1, 2, 3, 1 << 20} {
			if got := canonBody(Simple, tt.body, chunk); got != tt.simple {
				t.Errorf("simple %q (chunks of %d): got %q, want %q", tt.body, chunk, got, tt.simple)
			}
			if got := canonBody(Relaxed, tt.body, chunk); got != tt.relaxed {
				t.Errorf("relaxed %q (chunks of %d): got %q, want %q", tt.body, chunk, got, tt.relaxed)
			}
		}
	}
}

func TestHashBodyLength(t *testing.T) {
	body := "Hello  \r\nworld\r\n\r\n"
	got, err := HashBody(context.Background(), strings.NewReader(body), []BodyReq{
		{Simple, "sha256", -1}, {Relaxed, "sha256", -1}, {Simple, "sha256", 5}, {Relaxed, "sha1", 0}, {Simple, "sha256", -1},
	})
	if err != nil {
		t.Fatal(err)
	}
	sum := func(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }
	for i, want := range []struct {
		sum    []byte
		octets int64
	}{
		{sum("Hello  \r\nworld\r\n"), 16}, {sum("Hello\r\nworld\r\n"), 14}, {sum("Hello"), 16}, {nil, 14}, {sum("Hello  \r\nworld\r\n"), 16},
	} {
		if want.sum != nil && !bytes.Equal(got[i].Sum, want.sum) {
			t.Errorf("req %d: sum %x", i, got[i].Sum)
		}
		if got[i].Octets != want.octets {
			t.Errorf("req %d: %d octets, want %d", i, got[i].Octets, want.octets)
		}
	}
	// RFC 6376 §3.4.3/§3.4.4: the well-known hashes of an empty body.
	empty, _ := HashBody(context.Background(), strings.NewReader(""), []BodyReq{{Simple, "sha256", -1}, {Relaxed, "sha256", -1}})
	if b := base64.StdEncoding.EncodeToString(empty[0].Sum); b != "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=" {
		t.Errorf("simple empty body hash %s", b)
	}
	if b := base64.StdEncoding.EncodeToString(empty[1].Sum); b != "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" {
		t.Errorf("relaxed empty body hash %s", b)
	}
}

func TestStripTag(t *testing.T) {
	for _, tt := range []struct{ in, out string }{
		{"DKIM-Signature: a=x; b=abc\r\n def; bh=xyz\r\n", "DKIM-Signature: a=x; b=; bh=xyz\r\n"},
		{"DKIM-Signature: a=x; bh=xyz; b = abc \r\n", "DKIM-Signature: a=x; bh=xyz; b =\r\n"},
		{"ARC-Seal: b=abc; cv=none\n", "ARC-Seal: b=; cv=none\n"},
		{"X: a=1; c=2\r\n", "X: a=1; c=2\r\n"},
	} {
		if got := string(StripTag([]byte(tt.in), "b")); got != tt.out {
			t.Errorf("StripTag(%q) = %q, want %q", tt.in, got, tt.out)
		}
	}
}
