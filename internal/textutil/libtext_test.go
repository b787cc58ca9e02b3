package textutil

import (
	"errors"
	"testing"
)

func TestLibraryText(t *testing.T) {
	for in, want := range map[string]string{
		"x509: certificate signed by unknown authority": "certificate signed by unknown authority",
		"mail: missing @ in addr-spec":                  "missing @ in addr-spec",
		"idna: invalid label":                           "invalid label",
		`template: t:1: unexpected "}"`:                 `t:1: unexpected "}"`,
		"tls: handshake failure":                        "handshake failure",
		"open x: no such file":                          "open x: no such file",
		"send: x509: not stripped inside":               "send: x509: not stripped inside",
	} {
		if got := LibraryText(errors.New(in)); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
	if LibraryText(nil) != "" {
		t.Error("nil error has text")
	}
}
