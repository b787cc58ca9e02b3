package send

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"
)

// zeros is a deterministic Random for tests.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 7
	}
	return len(p), nil
}

func addr(t *testing.T, s string) Address {
	t.Helper()
	a, err := ParseAddress("test", s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func testDate() time.Time { return time.Date(2026, 11, 26, 21, 0, 0, 0, time.UTC) }

func TestBuildPlain(t *testing.T) {
	m, err := Build(Spec{
		From:    addr(t, "Ann Example <ann@example.net>"),
		To:      []Address{addr(t, "bob@example.org")},
		Cc:      []Address{addr(t, "carl@example.org")},
		Bcc:     []Address{addr(t, "dora@example.org"), addr(t, "Bob@example.org")},
		Subject: "Hello", Text: "line one\nline two\n.starts with a dot\n", HasText: true,
		Headers: []Header{{"X-Campaign", "42"}}, Date: testDate(), Random: zeros{},
	})
	if err != nil {
		t.Fatal(err)
	}
	if m.From != "ann@example.net" {
		t.Errorf("envelope from %q", m.From)
	}
	// Bob appears once (To and Bcc, case folded); Dora only on the envelope.
	if got := strings.Join(m.To, " "); got != "bob@example.org carl@example.org dora@example.org" {
		t.Errorf("envelope to %q", got)
	}
	pm, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	h := pm.Header
	for k, want := range map[string]string{
		"From": `"Ann Example" <ann@example.net>`, "To": "<bob@example.org>", "Cc": "<carl@example.org>",
		"Subject": "Hello", "Date": "Thu, 26 Nov 2026 21:00:00 +0000", "X-Campaign": "42",
		"Mime-Version": "1.0", "Content-Type": "text/plain; charset=utf-8", "Content-Transfer-Encoding": "7bit",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if h.Get("Bcc") != "" || bytes.Contains(m.Data, []byte("dora@")) {
		t.Error("the Bcc recipient is in the message")
	}
	if id := h.Get("Message-Id"); id != m.MessageID || !strings.HasSuffix(id, "@example.net>") {
		t.Errorf("Message-ID %q vs %q", id, m.MessageID)
	}
	body, _ := io.ReadAll(pm.Body)
	if string(body) != "line one\r\nline two\r\n.starts with a dot\r\n" {
		t.Errorf("body %q", body)
	}
	if m.UTF8 || m.EightBit {
		t.Errorf("flags UTF8=%v EightBit=%v", m.UTF8, m.EightBit)
	}
}

func TestBuildNonASCII(t *testing.T) {
	m, err := Build(Spec{
		From:    addr(t, "Jörg Müller <joerg@bücher.example>"),
		To:      []Address{addr(t, "ütf@example.org")},
		Subject: "Grüße aus Köln — eine Betreffzeile, die lang genug ist, um gefaltet zu werden, ganz sicher",
		Text:    "Schöne Grüße\n", HasText: true, Date: testDate(), Random: zeros{},
	})
	if err != nil {
		t.Fatal(err)
	}
	if m.From != "joerg@xn--bcher-kva.example" {
		t.Errorf("IDN domain not an A-label: %q", m.From)
	}
	if !m.UTF8 {
		t.Error("a UTF-8 local part needs SMTPUTF8")
	}
	for _, line := range strings.Split(string(m.Data[:bytes.Index(m.Data, []byte("\r\n\r\n"))]), "\r\n") {
		if len(line) > 78 && !strings.HasPrefix(line, "To:") {
			t.Errorf("header line of %d characters: %q", len(line), line)
		}
		if strings.HasPrefix(line, "Subject:") && !isASCII(line) {
			t.Errorf("subject not RFC 2047 encoded: %q", line)
		}
	}
	pm, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	subj, err := dec.DecodeHeader(pm.Header.Get("Subject"))
	if err != nil || !strings.HasPrefix(subj, "Grüße aus Köln") || !strings.HasSuffix(subj, "ganz sicher") {
		t.Errorf("subject decodes to %q (%v)", subj, err)
	}
	from, err := dec.DecodeHeader(pm.Header.Get("From"))
	if err != nil || !strings.HasPrefix(from, `Jörg Müller`) {
		t.Errorf("From decodes to %q (%v)", from, err)
	}
	if pm.Header.Get("Content-Transfer-Encoding") != "quoted-printable" {
		t.Error("a non-ASCII body is not quoted-printable")
	}
	// The UTF-8 address in the To header (RFC 6532) makes the data 8-bit.
	if !m.EightBit {
		t.Error("a UTF-8 address header is 8-bit data")
	}
}

func TestBuildAttachments(t *testing.T) {
	pdf := bytes.Repeat([]byte{0, 1, 2, 250, 251}, 100)
	m, err := Build(Spec{
		From: addr(t, "a@example.net"), To: []Address{addr(t, "b@example.org")},
		Subject: "files", Text: "see attached", HasText: true, HTML: "<p>see attached</p>", HasHTML: true,
		Attachments: []Attachment{{Name: "report.pdf", Data: pdf}, {Name: "notes.txt", Data: []byte("hi\n")}, {Name: "blob.unknownext", Data: []byte("x")}},
		Date:        testDate(), Random: zeros{},
	})
	if err != nil {
		t.Fatal(err)
	}
	pm, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(pm.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("content type %q %v", mt, err)
	}
	mr := multipart.NewReader(pm.Body, params["boundary"])
	var parts []string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ct := p.Header.Get("Content-Type")
		data, _ := io.ReadAll(p) // multipart decodes quoted-printable, not base64
		switch {
		case strings.HasPrefix(ct, "multipart/alternative"):
			_, ap, _ := mime.ParseMediaType(ct)
			ar := multipart.NewReader(bytes.NewReader(data), ap["boundary"])
			for {
				q, err := ar.NextPart()
				if err != nil {
					break
				}
				b, _ := io.ReadAll(q)
				parts = append(parts, q.Header.Get("Content-Type")+"="+strings.TrimSpace(string(b)))
			}
		default:
			dec, err := b64.DecodeString(strings.ReplaceAll(string(data), "\r\n", ""))
			if err != nil {
				t.Fatalf("%s: not base64: %v", ct, err)
			}
			parts = append(parts, ct+" "+p.FileName())
			if p.FileName() == "report.pdf" && !bytes.Equal(dec, pdf) {
				t.Error("the PDF does not decode to its bytes")
			}
		}
	}
	want := []string{
		"text/plain; charset=utf-8=see attached",
		"text/html; charset=utf-8=<p>see attached</p>",
		`application/pdf; name=report.pdf report.pdf`,
		`text/plain; charset=utf-8; name=notes.txt notes.txt`,
		`application/octet-stream; name=blob.unknownext blob.unknownext`,
	}
	if strings.Join(parts, "\n") != strings.Join(want, "\n") {
		t.Errorf("parts:\n%s\nwant:\n%s", strings.Join(parts, "\n"), strings.Join(want, "\n"))
	}
	for _, l := range strings.Split(string(m.Data), "\r\n") {
		if len(l) > 78 {
			t.Errorf("line of %d characters", len(l))
		}
	}
}

func TestBuildHeaderReplace(t *testing.T) {
	m, err := Build(Spec{
		From: addr(t, "a@example.net"), To: []Address{addr(t, "b@example.org")},
		Headers: []Header{{"Message-ID", "<fixed@example.net>"}, {"date", "Mon, 1 Jan 2024 00:00:00 +0000"}},
		Date:    testDate(), Random: zeros{},
	})
	if err != nil {
		t.Fatal(err)
	}
	if m.MessageID != "<fixed@example.net>" || bytes.Count(m.Data, []byte("Message-ID:")) != 1 ||
		!bytes.Contains(m.Data, []byte("Date: Mon, 1 Jan 2024")) || bytes.Count(m.Data, []byte("Date:")) != 1 {
		t.Errorf("headers not replaced:\n%s", m.Data)
	}
}

// A CR or LF in any single-line value is an injection attempt, refused
// before anything is built.
func TestInjection(t *testing.T) {
	for _, v := range []string{"a@example.net\r\nBcc: x@evil.example", "a\nb", "a\rb", "a\x00b"} {
		if _, err := ParseAddressList("--to", v); !errors.Is(err, ErrInjection) {
			t.Errorf("address %q: %v", v, err)
		}
		if _, err := ParseHeader("X-Test: " + v); !errors.Is(err, ErrInjection) {
			t.Errorf("header %q: %v", v, err)
		}
		_, err := Build(Spec{From: addr(t, "a@example.net"), To: []Address{addr(t, "b@example.org")}, Subject: v})
		if !errors.Is(err, ErrInjection) {
			t.Errorf("subject %q: %v", v, err)
		}
		_, err = Build(Spec{From: addr(t, "a@example.net"), To: []Address{addr(t, "b@example.org")}, Headers: []Header{{"X-A", v}}})
		if !errors.Is(err, ErrInjection) {
			t.Errorf("header value %q: %v", v, err)
		}
	}
	for _, h := range []string{"NoColon", ": empty name", "Bad Name: x", "Bcc: x@example.org", "Ümlaut: x"} {
		if _, err := ParseHeader(h); !errors.Is(err, ErrBadInput) {
			t.Errorf("header %q: %v", h, err)
		}
	}
}

func TestRawAndCRLF(t *testing.T) {
	m := Raw("a@example.net", []string{"b@example.org", "B@example.org"}, []byte("From: a@example.net\nMessage-ID: <x@y>\n\nbody\rline\r\n"))
	if string(m.Data) != "From: a@example.net\r\nMessage-ID: <x@y>\r\n\r\nbody\r\nline\r\n" {
		t.Errorf("data %q", m.Data)
	}
	if m.MessageID != "<x@y>" || len(m.To) != 1 {
		t.Errorf("raw: %+v", m)
	}
}
