package mimex

import (
	"strings"
	"testing"
)

func TestSplitHeader(t *testing.T) {
	for _, c := range []struct {
		name, in   string
		keys, body string
	}{
		{"plain", "From: a@example.com\nSubject: hi\n\nbody\n", "from,subject", "body\n"},
		{"folded", "Subject: one\n two\n\tthree\nX: y\n\nb", "subject,x", "b"},
		{"mbox line", "From a@example.com Wed Dec  2 10:00:00 2026\nTo: b@example.com\n\nb", "to", "b"},
		{"no blank line", "To: b@example.com\nSubject: s\n", "to,subject", ""},
		{"ends at a non-field line", "To: b@example.com\nthis is body\nmore\n", "to", "this is body\nmore\n"},
		{"no header at all", "just text\n\nmore", "", "just text\n\nmore"},
		{"space in a name", "Bad Name: x\nTo: y\n\nb", "", "Bad Name: x\nTo: y\n\nb"},
	} {
		h, body := SplitHeader([]byte(c.in))
		var keys []string
		for _, f := range h {
			keys = append(keys, f.Key)
		}
		if strings.Join(keys, ",") != c.keys || string(body) != c.body {
			t.Errorf("%s: keys %v body %q, want %s and %q", c.name, keys, body, c.keys, c.body)
		}
	}
	h, _ := SplitHeader([]byte("Subject: one\n two\n\tthree\nReceived: a\nreceived: b\n\n"))
	if h.Get("subject") != "one two three" || h.Count("received") != 2 || !h.Has("received") || len(h.All("received")) != 2 || h.Get("to") != "" {
		t.Errorf("lookups on %+v", h)
	}
	if got := (Header{{Key: "subject", Value: "=?utf-8?q?caf=C3=A9?="}}).Text("subject"); got != "café" {
		t.Errorf("Text = %q", got)
	}
}

// A header block with no blank line is read up to MaxHeader; the rest is
// body, so a hostile entity is not copied whole.
func TestSplitHeaderBound(t *testing.T) {
	line := "X-Filler: " + strings.Repeat("a", 70) + "\n"
	in := strings.Repeat(line, MaxHeader/len(line)+100)
	h, body := SplitHeader([]byte(in))
	if len(h) == 0 || len(h) > MaxHeader/len(line)+1 || len(body) == 0 || len(body) > 100*len(line)+len(line) {
		t.Errorf("%d fields and %d bytes of body from %d bytes with no blank line", len(h), len(body), len(in))
	}
}
