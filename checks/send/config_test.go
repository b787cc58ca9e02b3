package send

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseServer(t *testing.T) {
	good := map[string]string{
		"smtp.example.net":     "smtp.example.net 587",
		"smtp.example.net:465": "smtp.example.net 465",
		"127.0.0.1:2525":       "127.0.0.1 2525",
		"[::1]:25":             "::1 25",
		"::1":                  "::1 587",
		"[2001:db8::1]":        "2001:db8::1 587",
	}
	for in, want := range good {
		h, p, err := ParseServer(in, SubmissionPort)
		if err != nil || h+" "+strconv.Itoa(p) != want {
			t.Errorf("%q: %q %d %v", in, h, p, err)
		}
	}
	for _, bad := range []string{"", "host:", "host:0", "host:65536", "host:x", ":25", "a b", "host\r\n:25", "http://x"} {
		if _, _, err := ParseServer(bad, SubmissionPort); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzParseServer(f *testing.F) {
	f.Add("smtp.example.net:587")
	f.Add("[::1]:25")
	f.Fuzz(func(t *testing.T, s string) {
		h, p, err := ParseServer(s, 587)
		if err == nil && (h == "" || p < 1 || p > 65535 || strings.ContainsAny(h, " \r\n")) {
			t.Fatalf("%q → %q %d", s, h, p)
		}
	})
}

// auto means implicit TLS on 465 and STARTTLS elsewhere.
func TestRouteImplicit(t *testing.T) {
	cases := []struct {
		server string
		mode   TLSMode
		want   bool
	}{
		{"smtp.example.net:465", TLSAuto, true},
		{"smtp.example.net", TLSAuto, false},
		{"smtp.example.net:2465", TLSImplicit, true},
		{"smtp.example.net:465", TLSStartTLS, false},
		{"smtp.example.net:465", TLSNone, false},
	}
	for _, c := range cases {
		targets, implicit, e := route(context.Background(), &Config{Server: c.server, TLS: c.mode}, "b@example.org")
		if e != nil || implicit != c.want || len(targets) != 1 || targets[0].host != "smtp.example.net" {
			t.Errorf("%s %s: %v %v %v", c.server, c.mode, targets, implicit, e)
		}
	}
}

func TestChooseMech(t *testing.T) {
	cases := []struct {
		want    string
		offered string
		token   bool
		pick    string
		err     bool
	}{
		{"auto", "PLAIN LOGIN CRAM-MD5", false, "CRAM-MD5", false},
		{"auto", "LOGIN PLAIN", false, "PLAIN", false},
		{"auto", "XOAUTH2 PLAIN", true, "XOAUTH2", false},
		{"auto", "PLAIN", true, "", true},
		{"auto", "GSSAPI NTLM", false, "", true},
		{"LOGIN", "PLAIN LOGIN", false, "LOGIN", false},
		{"CRAM-MD5", "PLAIN", false, "", true},
	}
	for _, c := range cases {
		got, err := chooseMech(c.want, strings.Fields(c.offered), c.token)
		if got != c.pick || (err != nil) != c.err {
			t.Errorf("%s of %q: %q %v", c.want, c.offered, got, err)
		}
	}
}

func TestBackoff(t *testing.T) {
	s := NewSender(&Config{RetryDelay: time.Second}, 0)
	for n := 1; n <= 10; n++ {
		d := s.backoff(n)
		hi := time.Second << (n - 1)
		if hi > maxRetryDelay {
			hi = maxRetryDelay
		}
		if d < hi/2 || d > hi {
			t.Errorf("attempt %d: %s outside [%s, %s]", n, d, hi/2, hi)
		}
	}
	// Jitter: not every wait the same.
	seen := map[time.Duration]bool{}
	for i := 0; i < 20; i++ {
		seen[s.backoff(3)] = true
	}
	if len(seen) < 2 {
		t.Error("no jitter")
	}
}

func TestScrub(t *testing.T) {
	sec := newSecrets("pa55word", "")
	sec.add("AHVzZXIAcGE1NXdvcmQ=")
	for _, in := range []string{"pa55word", "cGE1NXdvcmQ=", "cGE1NXdvcmQ", "535 echo AHVzZXIAcGE1NXdvcmQ= bad"} {
		if out := sec.scrub(in); strings.Contains(out, "pa55word") || strings.Contains(out, "cGE1NXdvcmQ") || !strings.Contains(out, Redacted) {
			t.Errorf("%q → %q", in, out)
		}
	}
	if sec.scrub("harmless") != "harmless" {
		t.Error("scrubbed a harmless text")
	}
}
