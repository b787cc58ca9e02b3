package content

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsbl"
)

const hdr = "From: a@example.com\r\nDate: Tue, 1 Dec 2026 14:00:00 +0000\r\nMessage-ID: <c@example.com>\r\nMIME-Version: 1.0\r\n"

// withAttachment is a multipart/mixed message with a text part and one
// base64 attachment.
func withAttachment(name, ctype string, data []byte) string {
	return hdr + "Content-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nsee attached\r\n" +
		"--m\r\nContent-Type: " + ctype + "\r\nContent-Disposition: attachment; filename=\"" + name + "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		base64.StdEncoding.EncodeToString(data) + "\r\n--m--\r\n"
}

func zipOf(t *testing.T, names ...string) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, n := range names {
		w, err := z.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("x"))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCases(t *testing.T) {
	html := func(body string) string {
		return hdr + "Content-Type: multipart/alternative; boundary=a\r\n\r\n--a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nsee the html part for the links of this message\r\n--a\r\n" +
			"Content-Type: text/html; charset=utf-8\r\n\r\n<p>" + body + " and enough words around it that it is not an image-only message at all, by far.</p>\r\n--a--\r\n"
	}
	tests := []struct {
		name string
		msg  string
		code string
		sev  checks.Severity
		// in is a piece of the finding's message.
		in string
	}{
		{"javascript", html(`<a href="java&#x09;script:alert(1)">click</a>`), "content.link-script", checks.SeverityWarn, "javascript:"},
		{"data url", html(`<a href="data:text/html;base64,PHNjcmlwdD4=">open</a>`), "content.link-script", checks.SeverityWarn, "data:"},
		{"entity in href", html(`<a href="https://login&#46;example&#46;net/">www.bank.example.org</a>`), "content.link-mismatch", checks.SeverityWarn, "example.net"},
		{"ip in text shown", html(`<a href="http://198.51.100.9/">https://www.example.com/</a>`), "content.link-mismatch", checks.SeverityWarn, "198.51.100.9"},
		{"base64 html", hdr + "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			base64.StdEncoding.EncodeToString([]byte(`<p>Visit <a href="https://tinyurl.com/abc">us</a> today, everyone who reads this message; there is plenty of text here.</p>`)) + "\r\n",
			"content.link-shortener", checks.SeverityWarn, "tinyurl.com"},
		{"double extension", withAttachment("invoice.pdf.exe", "application/pdf", []byte("MZ\x90\x00")), "content.attachment-double-extension", checks.SeverityFail, "invoice.pdf.exe"},
		{"program as pdf", withAttachment("report.pdf", "application/pdf", []byte("MZ\x90\x00")), "content.attachment-type-mismatch", checks.SeverityFail, "a Windows program"},
		{"program by content", withAttachment("report.pdf", "application/pdf", []byte("MZ\x90\x00")), "content.attachment-executable", checks.SeverityFail, "its content is a Windows program"},
		{"macro", withAttachment("budget.xlsm", "application/vnd.ms-excel.sheet.macroEnabled.12", zipOf(t, "xl/workbook.xml")), "content.attachment-macro", checks.SeverityWarn, "budget.xlsm"},
		{"zip with script", withAttachment("photos.zip", "application/zip", zipOf(t, "a.jpg", "show.js")), "content.attachment-archive-executable", checks.SeverityFail, "photos.zip"},
		{"broken zip", withAttachment("photos.zip", "application/zip", []byte("PK\x03\x04broken")), "content.attachment-archive-unreadable", checks.SeverityInfo, "photos.zip"},
		{"no boundary", hdr + "Content-Type: multipart/mixed\r\n\r\n--x\r\n\r\ntext\r\n", "content.mime-no-boundary", checks.SeverityWarn, "multipart 1"},
		{"unclosed", hdr + "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\ncut here\r\n", "content.mime-unclosed", checks.SeverityWarn, "multipart 1"},
		{"bad date", strings.Replace(hdr, "Tue, 1 Dec 2026 14:00:00 +0000", "yesterday", 1) + "\r\nhi\r\n", "content.date-malformed", checks.SeverityWarn, "yesterday"},
		{"bad message-id", strings.Replace(hdr, "<c@example.com>", "c.example.com", 1) + "\r\nhi\r\n", "content.message-id-malformed", checks.SeverityWarn, "c.example.com"},
		{"bad utf-8", hdr + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nbad \xff\xfe bytes\r\n", "content.charset-invalid", checks.SeverityWarn, "not valid UTF-8"},
		{"8-bit ascii", hdr + "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGr\xc3\xbc\xc3\x9fe\r\n", "content.charset-invalid", checks.SeverityWarn, "8-bit bytes"},
		{"unknown charset", hdr + "Content-Type: text/plain; charset=x-nonesuch\r\n\r\nhello\r\n", "content.charset-invalid", checks.SeverityWarn, "no such charset"},
		{"8-bit no charset", hdr + "Content-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGr\xc3\xbc\xc3\x9fe\r\n", "content.charset-missing", checks.SeverityWarn, "8-bit text"},
		{"broken qp", hdr + "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nbad =ZZ escape\r\n", "content.encoding-broken", checks.SeverityWarn, "quoted-printable"},
		{"large", withAttachment("big.png", "image/png", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 3<<20)...)), "content.large", checks.SeverityInfo, "big.png"},
		{"very large", withAttachment("big.png", "image/png", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 9<<20)...)), "content.large", checks.SeverityWarn, "image/png big.png"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Check(context.Background(), offline(t), []byte(tt.msg), noLists)
			i := slices.IndexFunc(res.Findings, func(f checks.Finding) bool { return f.Code == tt.code })
			if i < 0 {
				t.Fatalf("no %s: %+v", tt.code, res.Findings)
			}
			if f := res.Findings[i]; f.Severity != tt.sev || !strings.Contains(f.Message, tt.in) {
				t.Errorf("%s = %s %q, want %s and %q", tt.code, f.Severity, f.Message, tt.sev, tt.in)
			}
		})
	}
}

// An RFC 2047 file name is read as the client shows it.
func TestEncodedFilename(t *testing.T) {
	msg := withAttachment("=?utf-8?B?"+base64.StdEncoding.EncodeToString([]byte("Rechnung.pdf.exe"))+"?=", "application/octet-stream", []byte("MZ"))
	res := Check(context.Background(), offline(t), []byte(msg), noLists)
	if a := res.Data.(*Data).Attachments; len(a) != 1 || a[0].Filename != "Rechnung.pdf.exe" || !slices.Contains(a[0].Risk, "double-extension") {
		t.Errorf("attachments %+v", a)
	}
}

// The default lists are the catalog's keyless domain lists.
func TestDefaultLists(t *testing.T) {
	ls := DefaultLists()
	if len(ls) == 0 {
		t.Fatal("no default domain lists")
	}
	for _, l := range ls {
		if !l.Lists(dnsbl.KindDomain) || l.Key != dnsbl.KeyNone {
			t.Errorf("%s: kinds %v key %v", l.Zone, l.Kinds, l.Key)
		}
	}
}
