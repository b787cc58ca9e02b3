package smtpwire

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"
)

// stallReader gives its data a byte at a time, then times out as a
// server that stops sending would.
type stallReader struct{ r *bytes.Reader }

func (s stallReader) Read(p []byte) (int, error) {
	if s.r.Len() == 0 {
		return 0, os.ErrDeadlineExceeded
	}
	return s.r.Read(p[:1])
}

// Whatever a server sends, the reply reader returns a reply or an error,
// within its bounds, never panics, and never takes a line without its
// line end for a reply: read whole, a byte at a time, and from a server
// that stalls after it, a reply ends on an LF the input holds.
func FuzzReadReply(f *testing.F) {
	for _, s := range []string{
		"220 mx.example.com ESMTP\r\n",
		"250-mx\r\n250-SIZE 100\r\n250 STARTTLS\r\n",
		"530 5.7.0 Must issue a STARTTLS command first\r\n",
		"250-x\r\n251 y\r\n",
		"\x00\xff\r\n",
		"220",
		"421 4.3.0 tem",
		"250 2.0.0 Ok: queu",
		"250-mx\r\n250 PIPE",
		"250 2.0.0 Ok: queued as ABC\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for i, mk := range []func(*bytes.Reader) io.Reader{
			func(r *bytes.Reader) io.Reader { return r },
			func(r *bytes.Reader) io.Reader { return iotest.OneByteReader(r) },
			func(r *bytes.Reader) io.Reader { return stallReader{r} },
		} {
			src := bytes.NewReader(data)
			br := bufio.NewReaderSize(mk(src), 16)
			r, err := ReadReply(br, nil)
			if err != nil {
				if r != nil {
					t.Fatalf("reader %d: reply %+v with error %v", i, r, err)
				}
				if i == 2 && !errors.Is(err, ErrProtocol) && !errors.Is(err, os.ErrDeadlineExceeded) {
					t.Fatalf("stalled: %v", err)
				}
				continue
			}
			if r.Code < 200 || r.Code > 559 || len(r.Lines) == 0 || len(r.Lines) > MaxReplyLines {
				t.Fatalf("reply %+v", r)
			}
			used := len(data) - src.Len() - br.Buffered()
			if used < 1 || data[used-1] != '\n' {
				t.Fatalf("reader %d: reply %+v ends at %d of %q, not on a line end", i, r, used, data)
			}
			_ = r.String()
			ParseEHLO(r.Lines)
		}
	})
}

func FuzzParseEHLO(f *testing.F) {
	f.Add("mx\nSIZE 1000\nAUTH PLAIN LOGIN\nAUTH=CRAM-MD5\nSTARTTLS")
	f.Add("x\nSIZE -1\nSIZE 99999999999999999999")
	f.Fuzz(func(t *testing.T, s string) {
		c := ParseEHLO(strings.Split(s, "\n"))
		if c.Auth == nil || c.Extensions == nil || (c.Size != nil && *c.Size < 0) {
			t.Fatalf("%+v", c)
		}
		if c.StartTLS != c.Has("STARTTLS") || c.Pipelining != c.Has("PIPELINING") {
			t.Fatalf("Has disagrees with the parse: %+v", c)
		}
	})
}
