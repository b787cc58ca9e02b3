package bounce

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// stdlibFlatten reads a message the way a program built on the standard
// library would: net/mail for the header, mime.ParseMediaType for the
// Content-Type, mime/multipart for the parts (recursively), and the
// transfer decoders of encoding/base64 and mime/quotedprintable. It
// returns every part's decoded text, or the first error one of them
// gave. It is what mime.go is measured against (see the comment on
// parseMessage); it is not used by the package.
func stdlibFlatten(raw []byte) (string, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	err = stdlibEntity(&b, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, 0)
	return b.String(), err
}

func stdlibEntity(b *strings.Builder, ctype, cte string, body io.Reader, depth int) error {
	if depth > maxDepth {
		return errors.New("too deep")
	}
	mt, params := "text/plain", map[string]string{}
	if ctype != "" {
		var err error
		if mt, params, err = mime.ParseMediaType(ctype); err != nil {
			return err
		}
	}
	if strings.HasPrefix(mt, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		for {
			// NextRawPart: NextPart would undo quoted-printable itself and
			// hide the part's encoding from the code below.
			p, err := r.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := stdlibEntity(b, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, depth+1); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	}
	text, err := io.ReadAll(body)
	b.Write(text)
	b.WriteByte('\n')
	return err
}

// brokenBounces are shapes of real bounces that the standard library
// refuses (or, for CR line endings, misreads without a word) and this
// package reads: each is a small Postfix-style DSN with one thing wrong.
func brokenBounces() map[string]string {
	dsn := func(header, body string) string {
		return "From: MAILER-DAEMON@mail.example.org\nTo: sender@example.org\nSubject: Undelivered Mail Returned to Sender\n" +
			header + "\n" + body
	}
	const boundary = "b1"
	parts := "--b1\nContent-Type: text/plain\n\nThis is the mail system at host mail.example.org.\n\n" +
		"<nobody@example.com>: host mx.example.com[192.0.2.25] said: 550 5.1.1 User unknown (in reply to RCPT TO command)\n\n" +
		"--b1\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mail.example.org\n\n" +
		"Final-Recipient: rfc822; nobody@example.com\nAction: failed\nStatus: 5.1.1\n" +
		"Diagnostic-Code: smtp; 550 5.1.1 User unknown\n"
	ct := `Content-Type: multipart/report; report-type=delivery-status; boundary="` + boundary + `"` + "\n"
	return map[string]string{
		// The notice was cut off in transit or by a size limit: no
		// closing delimiter (multipart: NextPart: EOF).
		"no closing boundary": dsn(ct, parts),
		// A boundary with "/" and "=" unquoted, as some gateways write
		// it (mime: invalid media parameter).
		"unquoted specials in boundary": dsn("Content-Type: multipart/report; boundary=mail.example.org/b=1\n",
			strings.ReplaceAll(parts, "--b1", "--mail.example.org/b=1")+"--mail.example.org/b=1--\n"),
		// The boundary parameter twice, the first one right (mime:
		// duplicate parameter name).
		"duplicate boundary parameter": dsn(`Content-Type: multipart/report; boundary="b1"; boundary="b2"`+"\n",
			parts+"--b1--\n"),
		// A header line with no colon, as a broken relay leaves it
		// (net/textproto: malformed MIME header line).
		"header line without colon": dsn(ct+"X-Broken header line\n", parts+"--b1--\n"),
		// A status part whose base64 ends in a stray character: Go's
		// decoder ends in an error and the last group is lost with it.
		"stray byte in base64": dsn(ct, "--b1\nContent-Type: message/delivery-status\nContent-Transfer-Encoding: base64\n\n"+
			"UmVwb3J0aW5nLU1UQTogZG5zOyBtYWlsLmV4YW1wbGUub3JnCgpGaW5hbC1SZWNpcGllbnQ6IHJmYzgyMjsg\n"+
			"bm9ib2R5QGV4YW1wbGUuY29tCkFjdGlvbjogZmFpbGVkClN0YXR1czogNS4xLjEK*\n--b1--\n"),
		// Old Mac line endings (CR alone): net/textproto splits lines at
		// LF only, so the whole message reads as one header field and no
		// part is found. No error, nothing read.
		"CR-only line endings": strings.ReplaceAll(dsn(ct, parts+"--b1--\n"), "\n", "\r"),
	}
}

// The reason mime.go exists, checked: each broken shape is refused (or
// lost) by the standard library and read by this package.
func TestStdlibRefusesBrokenBounces(t *testing.T) {
	names := make([]string, 0)
	cases := brokenBounces()
	for n := range cases {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		raw := []byte(cases[name])
		if text, err := stdlibFlatten(raw); err == nil && strings.Contains(text, "Final-Recipient") {
			t.Errorf("%s: the standard library read it; the case no longer shows anything", name)
		}
		res := Parse(raw)
		if len(res.Records) != 1 || res.Records[0].Recipient != "nobody@example.com" || res.Records[0].Status != "5.1.1" {
			t.Errorf("%s: Parse gave %+v", name, res.Records)
		}
	}
	// And a well-formed one both read.
	if _, err := stdlibFlatten(fixture(t, "postfix-userunknown.eml")); err != nil {
		t.Errorf("the standard library refused a well-formed DSN: %v", err)
	}
}

// benchMessages are the messages the MIME benchmark parses: the
// development corpus when it is there, else this package's fixtures.
func benchMessages(b *testing.B) [][]byte {
	var files []string
	if dir := corpusDir(b); dir != "" {
		files, _ = filepath.Glob(filepath.Join(dir, "maildir", "*", "*.eml"))
	}
	if len(files) == 0 {
		files, _ = filepath.Glob(filepath.Join(testdata, "*.eml"))
	}
	sort.Strings(files)
	var msgs [][]byte
	for _, f := range files {
		if m, err := os.ReadFile(f); err == nil {
			msgs = append(msgs, m)
		}
	}
	if len(msgs) == 0 {
		b.Fatal("no messages to parse")
	}
	return msgs
}

// BenchmarkMIME compares this package's message reader (parseMessage:
// header, MIME tree, transfer and charset decoding, flattening) with the
// standard library's (stdlibFlatten) on the same messages. refused/op is
// how many of the messages the standard library gave up on part-way.
func BenchmarkMIME(b *testing.B) {
	msgs := benchMessages(b)
	var size int64
	for _, m := range msgs {
		size += int64(len(m))
	}
	b.Run("relayctl", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		start := time.Now()
		for b.Loop() {
			for _, m := range msgs {
				parseMessage(m)
			}
		}
		b.ReportMetric(float64(len(msgs)*b.N)/time.Since(start).Seconds(), "msgs/s")
	})
	b.Run("stdlib", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		refused := 0
		start := time.Now()
		for b.Loop() {
			refused = 0
			for _, m := range msgs {
				if _, err := stdlibFlatten(m); err != nil {
					refused++
				}
			}
		}
		b.ReportMetric(float64(len(msgs)*b.N)/time.Since(start).Seconds(), "msgs/s")
		b.ReportMetric(float64(refused), "refused/op")
	})
	b.Logf("%d messages, %s", len(msgs), fmt.Sprint(size, " bytes"))
}
