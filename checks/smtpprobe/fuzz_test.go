package smtpprobe

import (
	"testing"

	"github.com/relayctl/relayctl/checks/smtpwire"
)

// Whatever a server sends, the reply reader returns a reply or an error,
// within its bounds, and never panics.
func FuzzReadReply(f *testing.F) {
	for _, s := range []string{
		"220 mx.example.com ESMTP\r\n",
		"250-mx\r\n250-SIZE 100\r\n250 STARTTLS\r\n",
		"530 5.7.0 Must issue a STARTTLS command first\r\n",
		"250-x\r\n251 y\r\n",
		"\x00\xff\r\n",
		"220",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := pipeReply(t, data)
		if err == nil {
			if r == nil || r.Code < 200 || r.Code > 559 || len(r.Lines) > smtpwire.MaxReplyLines {
				t.Fatalf("reply %+v", r)
			}
		}
	})
}

func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"mx.example.com", "mx.example.com:25", "[::1]:465", "192.0.2.1", "2001:db8::1", "[x]:1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tg, err := ParseTarget(s)
		if err != nil {
			return
		}
		if tg.Host == "" || tg.Port < 0 || tg.Port > 65535 {
			t.Fatalf("%q: %+v", s, tg)
		}
		// What String prints parses back to the same target.
		back, err := ParseTarget(tg.String())
		if err != nil || back != tg {
			t.Fatalf("%q → %q → %+v, %v", s, tg.String(), back, err)
		}
	})
}
