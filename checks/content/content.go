// Package content judges what spam and phishing filters look at in a
// message besides its authentication: its structure (size, the MIME
// tree, a text alternative to HTML, charsets, line lengths, 8-bit data,
// Date and Message-ID), its links (blocklisted domains through
// checks/dnsbl, shorteners, a link whose text shows another domain, IP
// addresses, plain http, javascript: and data: URLs) and its
// attachments (programs by name, type and content, macro documents,
// programs inside zip archives, double extensions, a declared type the
// content contradicts).
//
// The MIME tree is read with the tolerant primitives of
// checks/internal/mimex, which checks/bounce shares: a message a filter
// would still read (a missing closing boundary, broken base64) is read
// as far as it goes and the fault is a finding. Every walk is bounded
// (depth, parts, bytes decoded, links, domains asked).
package content

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"net/mail"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsbl"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/internal/mimex"
	"github.com/relayctl/relayctl/internal/textutil"
)

// Name is the check's name in a report.
const Name = "content"

// Doc is the check's docs page, relative to the repository root.
const Doc = "docs/content.md"

// Options tune Check.
type Options struct {
	// Lists are the domain blocklists the links' domains are checked
	// against: DefaultLists() when nil; an empty, non-nil slice checks
	// none.
	Lists []dnsbl.List
	// MaxDomains bounds the distinct link domains checked
	// (DefaultMaxDomains when zero); the rest are counted.
	MaxDomains int
}

// Data is the content check's data.
type Data struct {
	Size  int        `json:"size"`
	Depth int        `json:"depth"`
	Parts []PartData `json:"parts"`
	// PartsTotal counts every part read, Parts lists the first maxListed.
	PartsTotal int  `json:"parts_total"`
	Text       bool `json:"text"` // a text/plain body part
	HTML       bool `json:"html"` // a text/html body part
	// Links counts the URLs of the text and HTML parts.
	Links int `json:"links"`
	// Domains are the links' registrable domains, in order of first
	// appearance, with what the blocklists said of the first MaxDomains.
	Domains        []*Domain    `json:"domains"`
	DomainsChecked int          `json:"domains_checked"`
	Lists          []string     `json:"lists"` // the zones asked
	Attachments    []Attachment `json:"attachments"`
}

// PartData is one part of the MIME tree.
type PartData struct {
	Part     string `json:"part"`
	Type     string `json:"type"`
	Encoding string `json:"encoding,omitempty"`
	Charset  string `json:"charset,omitempty"`
	Filename string `json:"filename,omitempty"`
	Size     int    `json:"size"` // as sent, encoded
}

// maxListed bounds the parts Data lists.
const maxListed = 100

// Size limits most receivers apply or clip at.
const (
	largeInfo = 1 << 20  // 1 MiB: slow to deliver in bulk, clipped by some clients
	largeWarn = 10 << 20 // 10 MiB: over the limit of many receivers
)

// maxTextDecode bounds the bytes of a text part decoded to find links.
const maxTextDecode = 64 << 20

// Check judges the content of msg, a whole message as received. The
// link domains are asked about through r, each once, at most MaxDomains
// of them.
func Check(ctx context.Context, r dnsx.Resolver, msg []byte, opts Options) (res checks.Result) {
	start := time.Now()
	data := &Data{Size: len(msg), Parts: []PartData{}, Domains: []*Domain{}, Lists: []string{}, Attachments: []Attachment{}}
	res = checks.Result{Name: Name, Data: data}
	defer func() {
		res.DurationMS = checks.Since(start)
		res.Settle()
	}()
	lists := opts.Lists
	if lists == nil {
		lists = DefaultLists()
	}
	maxDomains := opts.MaxDomains
	if maxDomains <= 0 {
		maxDomains = DefaultMaxDomains
	}

	lineLength(&res, msg)
	norm := mimex.NormalizeNewlines(msg)
	t, h := walk(norm)
	data.Depth = t.depth
	data.PartsTotal = len(t.parts)
	headerFields(&res, h)
	structure(&res, t)

	var ls links
	for _, p := range t.parts {
		if len(data.Parts) < maxListed {
			data.Parts = append(data.Parts, PartData{Part: p.path, Type: p.mtype, Encoding: p.cte, Charset: p.params["charset"], Filename: p.filename, Size: len(p.raw)})
		}
		if !p.leaf {
			continue
		}
		if p.attachment() {
			a := Attachment{Part: p.path, Filename: p.filename, Type: p.mtype, Inline: p.disp != "attachment", Risk: []string{}}
			judgeAttachment(p, &a)
			data.Attachments = append(data.Attachments, a)
			continue
		}
		switch p.mtype {
		case "text/plain":
			data.Text = true
			ls.textLinks(textOf(&res, p), p.path)
		case "text/html":
			data.HTML = true
			ls.htmlLinks(textOf(&res, p), p.path)
		}
	}
	size(&res, data)
	if data.HTML && !data.Text {
		res.Add(finding("content.html-only", checks.SeverityWarn, "RFC 2046 §5.1.4",
			"Send multipart/alternative with a text/plain part that says what the HTML says.",
			"the message has HTML and no text/plain alternative: filters score HTML-only mail as bulk"))
	}
	if data.HTML && ls.images > 0 && ls.textRunes < imageOnlyText {
		res.Add(finding("content.image-only", checks.SeverityWarn, "",
			"Put the message's words in text, not in pictures of text.",
			"the HTML is mostly images (%d) with %d characters of text: filters take an image-only message for spam that hides its words", ls.images, ls.textRunes))
	}
	data.Links = ls.total
	judgeLinks(ctx, r, &res, data, &ls, lists, maxDomains)
	judgeAttachments(&res, data.Attachments)
	res.Summary = summary(data)
	return res
}

// finding builds a finding; the message is formatted from format and
// args.
func finding(code string, sev checks.Severity, ref, hint, format string, args ...any) checks.Finding {
	return checks.Finding{Code: code, Severity: sev, Message: fmt.Sprintf(format, args...), Hint: hint, Ref: ref}
}

func summary(d *Data) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %d %s", bytesText(d.Size), d.PartsTotal, textutil.Plural(d.PartsTotal, "part", "parts"))
	fmt.Fprintf(&b, ", %d %s on %d %s", d.Links, textutil.Plural(d.Links, "link", "links"), len(d.Domains), textutil.Plural(len(d.Domains), "domain", "domains"))
	fmt.Fprintf(&b, ", %d %s", len(d.Attachments), textutil.Plural(len(d.Attachments), "attachment", "attachments"))
	return b.String()
}

// bytesText says a size the way a person reads it.
func bytesText(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// lineLength finds lines over 998 octets, CRLF aside (RFC 5322 §2.1.1):
// a relay may refuse the message or fold the line, which breaks DKIM.
func lineLength(res *checks.Result, msg []byte) {
	n, first, longest := 0, 0, 0
	line := 1
	for pos := 0; pos < len(msg); line++ {
		end := bytes.IndexByte(msg[pos:], '\n')
		next := len(msg)
		l := len(msg) - pos
		if end >= 0 {
			l = end
			next = pos + end + 1
		}
		if l > 0 && msg[pos+l-1] == '\r' {
			l--
		}
		if l > 998 {
			if n == 0 {
				first = line
			}
			n++
			longest = max(longest, l)
		}
		pos = next
	}
	if n > 0 {
		res.Add(finding("content.line-too-long", checks.SeverityWarn, "RFC 5322 §2.1.1",
			"Encode long lines: quoted-printable or base64 keeps every line under 998 octets.",
			"%d %s over 998 octets (the first is line %d; the longest %d octets): a relay may refuse the message or break the line, and the DKIM signature with it", n, textutil.Plural(n, "line is", "lines are"), first, longest))
	}
}

// headerFields checks the Date and Message-ID fields (RFC 5322 §3.6).
func headerFields(res *checks.Result, h mimex.Header) {
	date := h.Get("date")
	switch {
	case h.Count("date") == 0:
		res.Add(finding("content.date-missing", checks.SeverityWarn, "RFC 5322 §3.6.1",
			"Have the sending program add Date when it writes the message.",
			"the message has no Date field, which RFC 5322 requires: filters score mail without one"))
	default:
		if _, err := mail.ParseDate(date); err != nil {
			res.Add(finding("content.date-malformed", checks.SeverityWarn, "RFC 5322 §3.3",
				"Write Date as RFC 5322 §3.3 says, e.g. \"Tue, 1 Dec 2026 14:00:00 +0000\".",
				"the Date field %q is not an RFC 5322 date", textutil.Clip(date, 80)))
		}
	}
	id := h.Get("message-id")
	switch {
	case h.Count("message-id") == 0:
		res.Add(finding("content.message-id-missing", checks.SeverityWarn, "RFC 5322 §3.6.4",
			"Have the sending program add a Message-ID: <unique@your.domain>.",
			"the message has no Message-ID field: filters score mail without one, and replies cannot refer to it"))
	case !validMsgID(id):
		res.Add(finding("content.message-id-malformed", checks.SeverityWarn, "RFC 5322 §3.6.4",
			"Write Message-ID as <unique@your.domain>.",
			"the Message-ID %q is not of the form <left@right>", textutil.Clip(id, 80)))
	}
}

// validMsgID reports whether id is a msg-id, "<" id-left "@" id-right
// ">" (RFC 5322 §3.6.4), read loosely: printable ASCII, no white space.
func validMsgID(id string) bool {
	if len(id) < 5 || id[0] != '<' || id[len(id)-1] != '>' {
		return false
	}
	left, right, ok := strings.Cut(id[1:len(id)-1], "@")
	if !ok || left == "" || right == "" || strings.Contains(right, "@") {
		return false
	}
	for i := 1; i < len(id)-1; i++ {
		if c := id[i]; c <= ' ' || c >= 0x7f || c == '<' || c == '>' {
			return false
		}
	}
	return true
}

// structure reports the faults of the MIME tree, and 8-bit data and
// broken encodings in its leaves.
func structure(res *checks.Result, t *tree) {
	if len(t.noBoundary) > 0 {
		res.Add(finding("content.mime-no-boundary", checks.SeverityWarn, "RFC 2046 §5.1.1",
			"Fix the program that writes the message: a multipart Content-Type needs its boundary parameter.",
			"multipart %s without a boundary parameter: its parts cannot be found (read as one part)", strings.Join(t.noBoundary, ", ")))
	}
	if len(t.unclosed) > 0 {
		res.Add(finding("content.mime-unclosed", checks.SeverityWarn, "RFC 2046 §5.1.1",
			"Fix the program that writes the message, or look for where it was cut: each multipart ends with its \"--boundary--\" line.",
			"multipart %s never closes its boundary: the message was cut, or is malformed", strings.Join(t.unclosed, ", ")))
	}
	if t.tooDeep || t.tooMany {
		res.Add(finding("content.mime-too-complex", checks.SeverityWarn, "",
			"Flatten the message: real mail nests a few levels and has a few dozen parts.",
			"the MIME tree is nested deeper than %d levels or has more than %d parts: the rest was not read (filters treat such trees as evasion)", maxDepth, maxParts))
	}
	var eight, broken []string
	for _, p := range t.parts {
		if !p.leaf {
			continue
		}
		if (p.cte == "" || p.cte == "7bit") && has8bit(p.raw) {
			eight = append(eight, p.path)
		}
		if brokenEncoding(p.raw, p.cte) {
			broken = append(broken, p.path+" ("+p.cte+")")
		}
	}
	if len(eight) > 0 {
		res.Add(finding("content.8bit-unencoded", checks.SeverityWarn, "RFC 6152 §3",
			"Encode 8-bit text as quoted-printable or base64, or declare Content-Transfer-Encoding: 8bit and send only through 8BITMIME servers.",
			"%s %s 8-bit bytes under a 7bit (or absent) Content-Transfer-Encoding: a server without 8BITMIME must refuse or mangle it", textutil.Plural(len(eight), "part", "parts"), strings.Join(firstN(eight, 5), ", ")+more(len(eight), 5)+" "+textutil.Plural(len(eight), "has", "have")))
	}
	if len(broken) > 0 {
		res.Add(finding("content.encoding-broken", checks.SeverityWarn, "RFC 2045 §6.8",
			"Fix the encoder: the body must be valid for its Content-Transfer-Encoding.",
			"%s %s not valid for %s encoding: it was decoded as far as it goes", textutil.Plural(len(broken), "part", "parts"), strings.Join(firstN(broken, 5), ", ")+more(len(broken), 5), textutil.Plural(len(broken), "its", "their")))
	}
}

func firstN[T any](s []T, n int) []T { return s[:min(len(s), n)] }

func more(n, shown int) string {
	if n > shown {
		return fmt.Sprintf(" and %d more", n-shown)
	}
	return ""
}

// has8bit reports whether b has a byte over 127, eight bytes at a time.
func has8bit(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b)&0x8080808080808080 != 0 {
			return true
		}
		b = b[8:]
	}
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

// brokenEncoding reports whether raw is not valid for its transfer
// encoding: base64 with characters outside its alphabet or data after
// the padding (RFC 2045 §6.8), quoted-printable with an "=" that starts
// no escape (RFC 2045 §6.7).
func brokenEncoding(raw []byte, cte string) bool {
	switch cte {
	case "base64":
		padded := false
		n := 0
		for _, c := range raw {
			switch {
			case c == ' ' || c == '\t' || c == '\n':
			case c == '=':
				padded = true
			case padded:
				return true
			case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/':
				n++
			default:
				return true
			}
		}
		return n%4 == 1
	case "quoted-printable":
		for i := 0; i < len(raw); i++ {
			if raw[i] != '=' {
				continue
			}
			j := i + 1
			for j < len(raw) && (raw[j] == ' ' || raw[j] == '\t') {
				j++
			}
			if j == len(raw) || raw[j] == '\n' {
				continue
			}
			if i+2 >= len(raw) || !isHex(raw[i+1]) || !isHex(raw[i+2]) {
				return true
			}
		}
	}
	return false
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'F' || c >= 'a' && c <= 'f'
}

// textOf is a text part decoded, its charset judged (RFC 2045 §5.2,
// RFC 2046 §4.1.2).
func textOf(res *checks.Result, p *part) []byte {
	body := p.decoded(maxTextDecode)
	label := strings.ToLower(strings.Trim(strings.TrimSpace(p.params["charset"]), `"'`))
	eight := has8bit(body)
	switch {
	case label == "" && eight:
		res.Add(finding("content.charset-missing", checks.SeverityWarn, "RFC 2046 §4.1.2",
			"Declare the charset the text is written in: Content-Type: text/plain; charset=utf-8.",
			"%s part %s has 8-bit text and no charset: it is read as US-ASCII, and its letters garbled", p.mtype, p.path))
	case label == "":
		res.Add(finding("content.charset-missing", checks.SeverityInfo, "RFC 2046 §4.1.2",
			"Declare the charset: Content-Type: text/plain; charset=utf-8.",
			"%s part %s declares no charset (read as US-ASCII)", p.mtype, p.path))
	default:
		if why := charsetFault(body, label, eight); why != "" {
			res.Add(finding("content.charset-invalid", checks.SeverityWarn, "RFC 2046 §4.1.2",
				"Declare the charset the text is really written in.",
				"%s part %s declares charset %q, but %s", p.mtype, p.path, textutil.Clip(label, 40), why))
		}
	}
	return body
}

// charsetFault says why body does not decode as label, "" when it does.
func charsetFault(body []byte, label string, eight bool) string {
	switch label {
	case "utf-8", "utf8":
		if !utf8.Valid(body) {
			return "the text is not valid UTF-8"
		}
		return ""
	case "us-ascii", "ascii":
		if eight {
			return "the text has 8-bit bytes"
		}
		return ""
	}
	e := mimex.LookupCharset(label)
	if e == nil {
		return "relayctl knows no such charset"
	}
	sample := body[:min(len(body), 1<<20)]
	out, err := e.NewDecoder().Bytes(sample)
	if err != nil || bytes.Contains(out, []byte("\uFFFD")) && !bytes.Contains(sample, []byte("\uFFFD")) {
		return "the text does not decode in it"
	}
	return ""
}

// size reports a large message and what makes it large.
func size(res *checks.Result, d *Data) {
	if d.Size <= largeInfo {
		return
	}
	sev := checks.SeverityInfo
	if d.Size > largeWarn {
		sev = checks.SeverityWarn
	}
	leaves := make([]PartData, 0, len(d.Parts))
	for _, p := range d.Parts {
		if !strings.HasPrefix(p.Type, "multipart/") && !strings.HasPrefix(p.Type, "message/") {
			leaves = append(leaves, p)
		}
	}
	sort.SliceStable(leaves, func(i, j int) bool { return leaves[i].Size > leaves[j].Size })
	var big []string
	for _, p := range firstN(leaves, 3) {
		name := p.Type
		if p.Filename != "" {
			name += " " + textutil.Clip(p.Filename, 60)
		}
		big = append(big, fmt.Sprintf("part %s %s, %s", p.Part, name, bytesText(p.Size)))
	}
	res.Add(finding("content.large", sev, "",
		"Link to large files instead of attaching them, and size images for the screen.",
		"the message is %s (largest: %s): large mail is slow to deliver, and many receivers refuse it over 10 MB", bytesText(d.Size), strings.Join(big, "; ")))
}
