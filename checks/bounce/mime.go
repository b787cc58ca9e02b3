package bounce

import (
	"bytes"
	"strings"

	"github.com/relayctl/relayctl/checks/internal/mimex"
)

// Why this package reads MIME itself rather than with net/mail and
// mime/multipart (or go-message): bounces are often the least
// well-formed mail there is, and a reader that stops at the first fault
// loses the one part that matters. The standard library refuses, with an
// error and nothing more, shapes real bounces have: a notice cut off
// before its closing boundary (multipart: unexpected EOF), a boundary
// with "/" or "=" unquoted or a parameter given twice (mime: invalid
// media parameter, duplicate parameter name), a header line without a
// colon left by a broken relay (malformed header line), base64 with a
// stray character at its end; and it misreads CR-only line endings
// without a word (net/textproto splits lines at LF only, so the whole
// message becomes one header field). Here each of those reads as far as
// it goes: line endings are normalised first, a Content-Type
// mime.ParseMediaType refuses is split by hand, a multipart without its
// closing line keeps its parts (and the message is flagged truncated),
// the transfer decoders skip what they cannot decode.
// TestStdlibRefusesBrokenBounces checks each case against the standard
// library. Speed is not the reason: BenchmarkMIME (mime_stdlib_test.go)
// runs both on the same messages and finds them about as fast, this one
// allocating about a third as much, though it also converts every
// charset to UTF-8, strips HTML and flattens the tree into the one text
// the format readers scan.

// maxDepth bounds MIME nesting, so that a hostile message cannot recurse
// without end.
const maxDepth = 12

// Markers put into the flattened text at the start of the parts the
// format readers look for; they read like the header line a person would
// see, as the parts of a notice are separated by it on screen.
const (
	markDSN      = "Content-Type: message/delivery-status"
	markRFC822   = "Content-Type: message/rfc822"
	markHeaders  = "Content-Type: text/rfc822-headers"
	markFeedback = "Content-Type: message/feedback-report"
	markPartial  = "Content-Type: message/partial"
)

// htmlToText strips tags (and what style, script and head elements
// hold) and the most common entities, enough for the phrase tables to
// see the words; a closing block tag becomes a line break.
func htmlToText(b []byte) []byte {
	out := make([]byte, 0, len(b))
	skipUntil := ""
	for i := 0; i < len(b); {
		c := b[i]
		if c != '<' {
			if skipUntil == "" {
				if c == '&' {
					if r, n := htmlEntity(b[i:]); n > 0 {
						out = append(out, r...)
						i += n
						continue
					}
				}
				out = append(out, c)
			}
			i++
			continue
		}
		j := bytes.IndexByte(b[i:], '>')
		if j < 0 {
			break
		}
		tag := bytes.ToLower(b[i+1 : i+j])
		i += j + 1
		name := tag
		if k := bytes.IndexAny(name, " \t\n/"); k > 0 {
			name = name[:k]
		}
		if skipUntil != "" {
			if string(tag) == skipUntil {
				skipUntil = ""
			}
			continue
		}
		switch string(name) {
		case "style", "script", "head":
			if !bytes.HasSuffix(tag, []byte("/")) {
				skipUntil = "/" + string(name)
			}
		case "br", "/p", "/div", "/tr", "/li", "br/":
			out = append(out, '\n')
		default:
			out = append(out, ' ')
		}
	}
	return out
}

var htmlEntities = map[string]string{"&nbsp;": " ", "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": `"`, "&#39;": "'"}

// htmlEntity reads an entity at the start of b.
func htmlEntity(b []byte) (string, int) {
	end := bytes.IndexByte(b, ';')
	if end < 0 || end > 7 {
		return "", 0
	}
	if r, ok := htmlEntities[string(b[:end+1])]; ok {
		return r, end + 1
	}
	return "", 0
}

// flattener turns a MIME tree into the text the format readers scan:
// every text part decoded to UTF-8 in order, and the parts that matter
// to a bounce (delivery status, returned message or headers, feedback
// report) each preceded by its marker line.
type flattener struct {
	// out is built once and becomes the message's text without a copy;
	// tabs are written as spaces (see write).
	out   strings.Builder
	parts int
	// global is set when a part was message/global-delivery-status.
	global bool
	// truncated is set when the outer multipart never ends.
	truncated bool
}

// Limits on the text the readers scan: a report says what it has to in
// its first lines, and the returned message is read for its header only.
// They keep the work per message bounded whatever it carries.
const (
	maxPartText = 512 << 10
	maxFlatText = 4 << 20
)

// capped cuts text to the part limit before the work that follows.
func capped(b []byte) []byte {
	if len(b) > maxPartText {
		return b[:maxPartText]
	}
	return b
}

func (f *flattener) add(b []byte) {
	if len(b) > maxPartText {
		b = b[:maxPartText]
	}
	if room := maxFlatText - f.out.Len(); len(b) > room {
		if room <= 0 {
			return
		}
		b = b[:room]
	}
	f.write(b)
	if len(b) > 0 && b[len(b)-1] != '\n' {
		f.out.WriteByte('\n')
	}
	f.out.WriteByte('\n')
}

// write appends b with its tabs turned into spaces: the readers match
// words separated by spaces.
func (f *flattener) write(b []byte) {
	for {
		i := bytes.IndexByte(b, '\t')
		if i < 0 {
			f.out.Write(b)
			return
		}
		f.out.Write(b[:i])
		f.out.WriteByte(' ')
		b = b[i+1:]
	}
}

func (f *flattener) entity(h header, body []byte, depth int, inAlternative bool) {
	f.parts++
	if f.parts > 500 {
		return
	}
	ctype, params := mimex.MediaType(h.Get("content-type"))
	if ctype == "" {
		ctype = "text/plain"
	}
	cte := h.Get("content-transfer-encoding")
	switch {
	case strings.HasPrefix(ctype, "multipart/"):
		boundary := params["boundary"]
		if boundary == "" {
			// A multipart whose Content-Type lost its boundary (a folded
			// parameter some relay dropped): the delimiter lines still
			// say what it was.
			boundary = guessBoundary(body)
		}
		parts, closed := mimex.SplitMultipart(body, boundary)
		if parts != nil && !closed && depth == 0 {
			f.truncated = true
		}
		if parts == nil || depth >= maxDepth {
			// A multipart without its boundary: read it as text.
			f.add(body)
			return
		}
		alt := ctype == "multipart/alternative"
		hasPlain := false
		if alt {
			for _, p := range parts {
				ph, _ := mimex.SplitHeader(p)
				if t, _ := mimex.MediaType(ph.Get("content-type")); t == "" || t == "text/plain" {
					hasPlain = true
				}
			}
		}
		for _, p := range parts {
			ph, pb := mimex.SplitHeader(p)
			if len(ph) == 0 && !bytes.HasPrefix(p, []byte("\n")) {
				// A part with no header at all: its text starts at once.
				pb = p
			}
			f.entity(ph, pb, depth+1, alt && hasPlain)
		}
	case ctype == "message/delivery-status", ctype == "message/global-delivery-status",
		ctype == "message/xdelivery-status":
		// RFC 6533 §6.2: the global form has the same fields, UTF-8 allowed.
		if ctype == "message/global-delivery-status" {
			f.global = true
		}
		f.out.WriteString(markDSN + "\n")
		f.add(toUTF8(capped(mimex.DecodeTransfer(body, cte)), params["charset"]))
	case ctype == "message/rfc822", ctype == "message/global":
		inner := mimex.DecodeTransfer(body, cte)
		if ih, ib := mimex.SplitHeader(inner); depth < maxDepth && isReport(ih) {
			// A whole notice attached to another (a gateway forwarding
			// it, a report wrapped by a filter): read it as the notice it
			// is, not as the returned message.
			f.entity(ih, ib, depth+1, false)
			return
		}
		f.out.WriteString(markRFC822 + "\n")
		f.add(inner)
	case ctype == "text/rfc822-headers", ctype == "message/global-headers", ctype == "text/rfc822-header":
		f.out.WriteString(markHeaders + "\n")
		f.add(mimex.DecodeTransfer(body, cte))
	case ctype == "message/feedback-report":
		f.out.WriteString(markFeedback + "\n")
		f.add(mimex.DecodeTransfer(body, cte))
	case ctype == "message/partial":
		f.out.WriteString(markPartial + "\n")
		f.add(mimex.DecodeTransfer(body, cte))
	case ctype == "text/html":
		if inAlternative {
			return
		}
		f.add(htmlToText(toUTF8(capped(mimex.DecodeTransfer(body, cte)), params["charset"])))
	case strings.HasPrefix(ctype, "text/"), strings.HasPrefix(ctype, "message/"):
		f.add(toUTF8(capped(mimex.DecodeTransfer(body, cte)), params["charset"]))
	}
	// Images, attachments and other media carry nothing a reader needs.
}

// message is a bounce as the readers see it.
type message struct {
	header header
	// body is the flattened text: LF line endings, tabs as spaces.
	body string
	// global is true when the report was an RFC 6533 global DSN.
	global bool
	// truncated is true when the message's MIME structure is cut short.
	truncated bool

	subjectText string // the decoded Subject, once asked for
	subjectDone bool
}

// parseMessage reads a whole message. It never fails: what cannot be
// understood is left as text.
func parseMessage(raw []byte) *message {
	raw = mimex.NormalizeNewlines(raw)
	h, body := mimex.SplitHeader(raw)
	f := &flattener{}
	f.out.Grow(min(len(body), 16<<10) + 256)
	f.entity(h, body, 0, false)
	text := unquoteForwarded(f.out.String())
	return &message{header: h, body: text, global: f.global, truncated: f.truncated}
}

// forwardMarks introduce a bounce someone forwarded with every line
// quoted ("> ").
var forwardMarks = []string{"Begin forwarded message:", "---------- Forwarded message", "-----Original Message-----"}

// unquoteForwarded takes one level of "> " quoting off the lines after a
// forwarding note, so that a forwarded bounce reads like the original.
func unquoteForwarded(text string) string {
	if !strings.Contains(text, "\n>") {
		return text
	}
	at := -1
	for _, m := range forwardMarks {
		if i := strings.Index(text, m); i >= 0 && (at < 0 || i < at) {
			at = i
		}
	}
	if at < 0 {
		return text
	}
	rest := text[at:]
	quoted, lines := 0, 0
	for _, l := range strings.Split(rest, "\n") {
		if l == "" {
			continue
		}
		lines++
		if l[0] == '>' {
			quoted++
		}
	}
	if quoted < 5 || quoted*2 < lines {
		return text
	}
	var b strings.Builder
	b.WriteString(text[:at])
	for i, l := range strings.Split(rest, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		if strings.HasPrefix(l, ">") {
			l = strings.TrimPrefix(l[1:], " ")
		}
		b.WriteString(l)
	}
	return b.String()
}

// isReport reports whether a header is that of a delivery report: a
// multipart/report of a delivery status (RFC 6522 §3) or a status part.
func isReport(h header) bool {
	ct := strings.ToLower(h.Get("content-type"))
	return strings.Contains(ct, "delivery-status") || strings.HasPrefix(ct, "multipart/report")
}

// guessBoundary finds the boundary of a multipart body that does not
// name it: the first line "--x" (RFC 2046 §5.1.1: 1 to 70 characters,
// no trailing space) that comes again further down, as a delimiter or
// the closing "--x--". "" when there is none.
func guessBoundary(body []byte) string {
	for rest := body; len(rest) > 0; {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		if len(line) < 3 || len(line) > 72 || line[0] != '-' || line[1] != '-' || bytes.ContainsAny(line, " \t") {
			continue
		}
		b := bytes.TrimSuffix(line[2:], []byte("--"))
		if len(b) == 0 {
			continue
		}
		if bytes.Contains(rest, append([]byte("\n--"), b...)) || bytes.HasPrefix(rest, append([]byte("--"), b...)) {
			return string(b)
		}
		return ""
	}
	return ""
}
