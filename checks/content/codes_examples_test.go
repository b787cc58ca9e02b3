package content

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsbl"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/internal/codetest"
)

// exampleRun is what one Example of Codes becomes: a whole message, and
// the lists and resolver to check its links with (none, offline, when
// lists is nil).
type exampleRun struct {
	msg   string
	lists []dnsbl.List
	r     dnsx.Resolver
}

// The header fields and the clean text of an otherwise clean message.
const (
	exFrom = "From: a@example.com\r\n"
	exText = "Content-Type: text/plain; charset=us-ascii\r\n\r\nHello, this is the plain text of the message.\r\n"
)

// inHTML is a multipart/alternative message with a text part and an HTML
// part holding snippet among enough words not to be image-only.
func inHTML(snippet string) string {
	return hdr + "Content-Type: multipart/alternative; boundary=a\r\n\r\n--a\r\n" + exText +
		"--a\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Dear reader, here is the news of the month, with plenty of words around the link so the part reads as text.</p>\r\n<p>" +
		snippet + "</p>\r\n--a--\r\n"
}

// attached is a multipart/mixed message with a text part and one
// attachment whose part header has fields (CRLF-separated, no final
// CRLF) and whose content is data, base64-encoded.
func attached(fields string, data []byte) string {
	return hdr + "Content-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\n" + exText +
		"--m\r\n" + fields + "\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		base64.StdEncoding.EncodeToString(data) + "\r\n--m--\r\n"
}

// onlyFields is a message whose header is the named fields and nothing
// else: "From:", "To:"… each given a plausible value.
func onlyFields(t *testing.T, names []string) string {
	t.Helper()
	values := map[string]string{
		"From": "a@example.com", "To": "b@example.net", "Subject": "Your order",
		"Date": "Tue, 1 Dec 2026 14:00:00 +0000", "Message-ID": "<1@example.com>",
	}
	var b strings.Builder
	for _, n := range names {
		name := strings.TrimSuffix(n, ":")
		v, ok := values[name]
		if !ok {
			t.Fatalf("no value for the field %q", n)
		}
		b.WriteString(name + ": " + v + "\r\n")
	}
	return b.String() + "Content-Type: text/plain; charset=us-ascii\r\n\r\nYour order has shipped.\r\n"
}

// listServer serves zone (a list's zone) on loopback: its RFC 5782 §5
// test entry test, and each name of answers with its A record.
func listServer(t *testing.T, zone, test, testAnswer string, answers map[string]string) dnsx.Resolver {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "$ORIGIN %s.\n$TTL 300\n@ SOA ns hostmaster 1 3600 600 86400 300\n%s A %s\n", zone, test, testAnswer)
	for name, a := range answers {
		fmt.Fprintf(&b, "%s A %s\n", name, a)
	}
	return dnstest.Start(t, dnstest.Zone(t, "", b.String())).Client(2 * time.Second)
}

// catalogList is the built-in list whose zone ends name (a query name
// such as deals.example.dbl.spamhaus.org, or the zone itself).
func catalogList(t *testing.T, name string) dnsbl.List {
	t.Helper()
	for _, l := range dnsbl.Builtin() {
		if l.Key == dnsbl.KeyNone && (name == l.Zone || strings.HasSuffix(name, "."+l.Zone)) {
			return l
		}
	}
	t.Fatalf("no keyless list in the catalog for %q", name)
	return dnsbl.List{}
}

// exampleBuilders turn each code's Example into the message (and lists)
// that the check judges: the backquoted header fields, HTML, file names
// and DNS answers are put into an otherwise clean message as they are.
var exampleBuilders = map[string]func(e codetest.Example) exampleRun{
	"content.large": func(e codetest.Example) exampleRun {
		photo := append([]byte("\xff\xd8\xff\xe0"), make([]byte, e.Number(" MB photo")<<20)...)
		return exampleRun{msg: attached("Content-Type: image/jpeg\r\nContent-Disposition: attachment; filename=\"photo.jpg\"", photo)}
	},
	"content.mime-no-boundary": func(e codetest.Example) exampleRun {
		sep := e.Piece(2)
		return exampleRun{msg: hdr + e.Piece(0) + "\r\n\r\n" + sep + "\r\n" + exText + sep + "\r\n" + exText + sep + "--\r\n"}
	},
	"content.mime-unclosed": func(e codetest.Example) exampleRun {
		return exampleRun{msg: hdr + e.Piece(0) + "\r\n\r\n" + e.Piece(1) + "\r\n" + exText}
	},
	"content.mime-too-complex": func(e codetest.Example) exampleRun {
		var b strings.Builder
		b.WriteString(hdr + "Content-Type: multipart/mixed; boundary=p\r\n\r\n")
		for range e.Number(" empty parts") {
			b.WriteString("--p\r\n\r\n\r\n")
		}
		b.WriteString("--p--\r\n")
		return exampleRun{msg: b.String()}
	},
	"content.html-only": func(e codetest.Example) exampleRun {
		return exampleRun{msg: hdr + e.Piece(0) + "\r\n\r\n<p>Dear reader, here is the news of the month, in HTML alone, with no plain text part at all.</p>\r\n"}
	},
	"content.image-only": func(e codetest.Example) exampleRun {
		return exampleRun{msg: hdr + "Content-Type: multipart/alternative; boundary=a\r\n\r\n--a\r\n" + exText +
			"--a\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + e.Piece(0) + "\r\n--a--\r\n"}
	},
	"content.charset-missing": func(e codetest.Example) exampleRun {
		return exampleRun{msg: hdr + e.Piece(0) + "\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + e.Piece(1) + "\r\n"}
	},
	"content.charset-invalid": func(e codetest.Example) exampleRun {
		return exampleRun{msg: hdr + e.Piece(0) + "\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + e.Piece(1) + "\r\n"}
	},
	"content.encoding-broken": func(e codetest.Example) exampleRun {
		return exampleRun{msg: hdr + "Content-Type: text/plain; charset=us-ascii\r\n" + e.Piece(0) + "\r\n\r\n" + e.Piece(2) + "\r\n"}
	},
	"content.line-too-long": func(e codetest.Example) exampleRun {
		line := "<p>" + strings.Repeat("news ", e.Number("-character line")/5) + "</p>"
		return exampleRun{msg: hdr + "Content-Type: multipart/alternative; boundary=a\r\n\r\n--a\r\n" + exText +
			"--a\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + line + "\r\n--a--\r\n"}
	},
	"content.8bit-unencoded": func(e codetest.Example) exampleRun {
		return exampleRun{msg: hdr + e.Piece(0) + "\r\n\r\n" + e.Piece(2) + "\r\n"}
	},
	"content.date-missing": func(e codetest.Example) exampleRun {
		// The last piece is the field the script does not write.
		return exampleRun{msg: onlyFields(e.T, e.Pieces[:len(e.Pieces)-1])}
	},
	"content.date-malformed": func(e codetest.Example) exampleRun {
		return exampleRun{msg: strings.Replace(hdr, "Date: Tue, 1 Dec 2026 14:00:00 +0000", e.Piece(0), 1) + exText}
	},
	"content.message-id-missing": func(e codetest.Example) exampleRun {
		return exampleRun{msg: onlyFields(e.T, e.Pieces[:len(e.Pieces)-1])}
	},
	"content.message-id-malformed": func(e codetest.Example) exampleRun {
		return exampleRun{msg: strings.Replace(hdr, "Message-ID: <c@example.com>", e.Piece(0), 1) + exText}
	},
	"content.link-listed": func(e codetest.Example) exampleRun {
		l := catalogList(e.T, e.Piece(1))
		name := strings.TrimSuffix(e.Piece(1), "."+l.Zone)
		r := listServer(e.T, l.Zone, l.Test, "127.0.1.2", map[string]string{name: e.Piece(2)})
		return exampleRun{msg: inHTML(`<a href="` + e.Piece(0) + `">today's deals</a>`), lists: []dnsbl.List{l}, r: r}
	},
	"content.link-unchecked": func(e codetest.Example) exampleRun {
		l := catalogList(e.T, e.Piece(0))
		// The list gives its refusal to every question, its test entry's too.
		r := listServer(e.T, l.Zone, l.Test, e.Piece(1), map[string]string{e.Piece(2): e.Piece(1)})
		return exampleRun{msg: inHTML(`<a href="https://` + e.Piece(2) + `/">the shop</a>`), lists: []dnsbl.List{l}, r: r}
	},
	"content.links-capped": func(e codetest.Example) exampleRun {
		if n := e.Number(" are looked up"); n != DefaultMaxDomains {
			e.T.Fatalf("the example says %d domains are looked up; DefaultMaxDomains is %d", n, DefaultMaxDomains)
		}
		l := catalogList(e.T, "dbl.spamhaus.org")
		r := listServer(e.T, l.Zone, l.Test, "127.0.1.2", nil)
		var links strings.Builder
		for i := range e.Number(" different shop domains") {
			fmt.Fprintf(&links, "https://www.shop%d.example/ ", i)
		}
		return exampleRun{msg: hdr + "Content-Type: text/plain; charset=us-ascii\r\n\r\nOur shops: " + links.String() + "\r\n", lists: []dnsbl.List{l}, r: r}
	},
	"content.link-shortener": htmlExample,
	"content.link-mismatch":  htmlExample,
	"content.link-ip":        htmlExample,
	"content.link-script":    htmlExample,
	"content.link-http":      htmlExample,
	"content.attachment-executable": func(e codetest.Example) exampleRun {
		return exampleRun{msg: attached("Content-Type: application/octet-stream\r\n"+e.Piece(0), []byte("setup data"))}
	},
	"content.attachment-double-extension": func(e codetest.Example) exampleRun {
		return exampleRun{msg: attached("Content-Type: application/octet-stream\r\n"+e.Piece(0), []byte("invoice data"))}
	},
	"content.attachment-archive-executable": func(e codetest.Example) exampleRun {
		return exampleRun{msg: attached("Content-Type: application/zip\r\nContent-Disposition: attachment; filename=\""+e.Piece(0)+"\"", zipOf(e.T, "invoice/readme.txt", e.Piece(1)))}
	},
	"content.attachment-macro": func(e codetest.Example) exampleRun {
		return exampleRun{msg: attached("Content-Type: application/octet-stream\r\n"+e.Piece(0), zipOf(e.T, "[Content_Types].xml", "xl/workbook.xml", "xl/vbaProject.bin"))}
	},
	"content.attachment-type-mismatch": func(e codetest.Example) exampleRun {
		return exampleRun{msg: attached(e.Piece(0)+"\r\nContent-Disposition: attachment; filename=\"scan.png\"", []byte(e.Piece(1)+"1.7\n%\xe2\xe3\xcf\xd3\n"))}
	},
	"content.attachment-archive-unreadable": func(e codetest.Example) exampleRun {
		return exampleRun{msg: attached("Content-Type: application/zip\r\nContent-Disposition: attachment; filename=\""+e.Piece(0)+"\"", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00cut short"))}
	},
}

// htmlExample puts the example's HTML into the HTML part of a clean
// multipart/alternative message.
func htmlExample(e codetest.Example) exampleRun { return exampleRun{msg: inHTML(e.Piece(0))} }

// exampleSituations are the codes whose Example the test cannot build,
// each with why. (None today: every content example is a message the
// check reads offline, or with a list served on loopback.)
var exampleSituations = map[string]string{}

// Every code's Example, built into a message as it says, yields that
// code: the examples on the docs page and in explain are true.
func TestCodeExamples(t *testing.T) {
	codetest.Examples(t, Codes(), exampleSituations, func(t *testing.T, cd checks.CodeDoc) {
		build, ok := exampleBuilders[cd.Code]
		if !ok {
			t.Fatalf("%s: its example %q is neither built by the test nor listed as a situation", cd.Code, cd.Example)
		}
		run := build(codetest.NewExample(t, cd))
		opts, r := noLists, dnsx.Resolver(offline(t))
		if run.lists != nil {
			opts, r = Options{Lists: run.lists}, run.r
		}
		res := Check(t.Context(), r, []byte(run.msg), opts)
		if !slices.ContainsFunc(res.Findings, func(f checks.Finding) bool { return f.Code == cd.Code }) {
			t.Errorf("example %q: no %s among %+v", cd.Example, cd.Code, res.Findings)
		}
	})
	for code := range exampleBuilders {
		if why, listed := exampleSituations[code]; listed {
			t.Errorf("%s is both built and listed as a situation (%s)", code, why)
		}
		if !slices.ContainsFunc(Codes(), func(cd checks.CodeDoc) bool { return cd.Code == code }) {
			t.Errorf("builder %s is not a code", code)
		}
	}
}

// The messages the examples are put into are clean on their own, so a
// finding TestCodeExamples sees comes from the example's piece.
func TestExampleWrappersClean(t *testing.T) {
	for name, msg := range map[string]string{
		"text":       hdr + exText,
		"html":       inHTML(`<a href="https://www.example.com/news">the news</a>`),
		"attachment": attached("Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"report.pdf\"", []byte("%PDF-1.7\n")),
		"fields":     onlyFields(t, []string{"From:", "To:", "Subject:", "Date:", "Message-ID:"}),
	} {
		if res := Check(t.Context(), offline(t), []byte(msg), noLists); len(res.Findings) != 0 {
			t.Errorf("%s: %+v", name, res.Findings)
		}
	}
}
