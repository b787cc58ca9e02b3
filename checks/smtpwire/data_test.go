package smtpwire

import (
	"bufio"
	"bytes"
	"testing"
)

func TestWriteData(t *testing.T) {
	cases := map[string]string{
		"a\r\n.b\r\n": "a\r\n..b\r\n.\r\n",
		".x\r\n":      "..x\r\n.\r\n",
		"a\r\n.":      "a\r\n..\r\n.\r\n",
		"no newline":  "no newline\r\n.\r\n",
		"":            ".\r\n",
		"a\r\n..\r\n": "a\r\n...\r\n.\r\n",
		"a\r\n.\r\nb": "a\r\n..\r\nb\r\n.\r\n",
	}
	for in, want := range cases {
		// Straight to a writer, and through the caller's bufio.Writer.
		var b bytes.Buffer
		if err := WriteData(&b, []byte(in)); err != nil || b.String() != want {
			t.Errorf("%q → %q (%v), want %q", in, b.String(), err, want)
		}
		var b2 bytes.Buffer
		w := bufio.NewWriterSize(&b2, 16)
		err := WriteData(w, []byte(in))
		w.Flush()
		if err != nil || b2.String() != want {
			t.Errorf("bufio %q → %q (%v), want %q", in, b2.String(), err, want)
		}
	}
}

func FuzzWriteData(f *testing.F) {
	f.Add([]byte("a\r\n.b\r\n"))
	f.Add([]byte(".\r\n.\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var b bytes.Buffer
		WriteData(&b, data)
		out := b.Bytes()
		if !bytes.HasSuffix(out, []byte(".\r\n")) {
			t.Fatalf("no final dot: %q", out)
		}
		body := out[:len(out)-3]
		// Undoing the stuffing gives the data back (plus a final CRLF),
		// and no line of the body is a lone dot that would end it early.
		if bytes.Contains(append([]byte("\r\n"), body...), []byte("\r\n.\r\n")) {
			t.Fatalf("early end of data in %q", out)
		}
		if len(body) > 0 && body[0] == '.' {
			body = body[1:]
		}
		back := bytes.ReplaceAll(body, []byte("\r\n.."), []byte("\r\n."))
		want := data
		if len(data) > 0 && !bytes.HasSuffix(data, []byte("\r\n")) {
			want = append(append([]byte(nil), data...), '\r', '\n')
		}
		if !bytes.Equal(back, want) {
			t.Fatalf("%q → %q → %q", data, out, back)
		}
	})
}
