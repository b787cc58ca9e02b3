package smtpwire

import (
	"errors"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks"
)

func TestParseEHLO(t *testing.T) {
	c := ParseEHLO([]string{
		"mx.example.com Hello", "PIPELINING", "SIZE 52428800", "8BITMIME", "smtputf8",
		"AUTH PLAIN LOGIN", "AUTH=LOGIN CRAM-MD5", "STARTTLS", "ENHANCEDSTATUSCODES",
		"CHUNKING", "DSN", "REQUIRETLS", "X-UNKNOWN arg",
	})
	if c.Greeting != "mx.example.com Hello" || len(c.Extensions) != 12 || c.Size == nil || *c.Size != 52428800 {
		t.Errorf("%+v", c)
	}
	if !c.Pipelining || !c.EightBitMIME || !c.SMTPUTF8 || !c.StartTLS || !c.EnhancedStatusCodes || !c.Chunking || !c.DSN || !c.RequireTLS {
		t.Errorf("%+v", c)
	}
	if strings.Join(c.Auth, ",") != "PLAIN,LOGIN,CRAM-MD5" {
		t.Errorf("auth %v", c.Auth)
	}
	if c := ParseEHLO([]string{"x", "SIZE"}); c.Size == nil || *c.Size != 0 {
		t.Errorf("SIZE without limit: %v", c.Size)
	}
	if c := ParseEHLO([]string{"x", "SIZE lots"}); c.Size != nil || !c.Has("SIZE") {
		t.Errorf("SIZE with garbage: %v", *c.Size)
	}
	if c := ParseEHLO([]string{"x"}); c.Size != nil || c.StartTLS || c.Auth == nil || c.Extensions == nil {
		t.Errorf("bare: %+v", c)
	}
}

func TestHas(t *testing.T) {
	c := ParseEHLO([]string{"mx", "pipelining", "AUTH=LOGIN", "X-FOO bar"})
	for kw, want := range map[string]bool{"PIPELINING": true, "auth": true, "X-FOO": true, "STARTTLS": false, "AUTH=LOGIN": false, "": false} {
		if c.Has(kw) != want {
			t.Errorf("Has(%q) = %v", kw, !want)
		}
	}
	if (*Capabilities)(nil).Has("SIZE") {
		t.Error("nil Capabilities has SIZE")
	}
	// AUTH advertised with no mechanism is still AUTH.
	if c := ParseEHLO([]string{"mx", "AUTH"}); !c.Has("AUTH") || len(c.Auth) != 0 {
		t.Errorf("bare AUTH: %+v", c)
	}
}

func TestDefaultEHLO(t *testing.T) {
	for in, want := range map[string]string{
		"mail.example.com":   "mail.example.com",
		"Mail.Example.COM":   "mail.example.com",
		"buildbox":           FallbackEHLO,
		"box.localdomain":    FallbackEHLO,
		"laptop.local":       FallbackEHLO,
		"bad..name":          FallbackEHLO,
		"":                   FallbackEHLO,
		"host.corp.example.": "host.corp.example",
	} {
		if got := DefaultEHLO(func() (string, error) { return in, nil }); got != want {
			t.Errorf("DefaultEHLO(%q) = %q, want %q", in, got, want)
		}
	}
	if got := DefaultEHLO(func() (string, error) { return "mail.example.com", errors.New("no name") }); got != FallbackEHLO {
		t.Errorf("a failed lookup gives %q", got)
	}
	if got := DefaultEHLO(nil); ValidEHLOName(got) != nil {
		t.Errorf("this host's default %q is not a valid EHLO name", got)
	}
}

func TestValidEHLOName(t *testing.T) {
	for _, ok := range []string{"mail.example.com", "[192.0.2.1]", "[IPv6:2001:db8::1]", FallbackEHLO} {
		if err := ValidEHLOName(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "a b", "[300.1.1.1]", "[2001:db8::1]", "[IPv6:192.0.2.1]", "[IPv6:fe80::1%eth0]", "client.example\r\nMAIL FROM:<x@y>", "bad..name"} {
		err := ValidEHLOName(bad)
		var ce *checks.Error
		if !errors.Is(err, ErrBadEHLO) || !errors.As(err, &ce) || strings.Contains(checks.Message(err), "smtpwire") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
