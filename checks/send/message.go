package send

import (
	"bytes"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"path/filepath"
	"strings"
	"time"

	"github.com/relayctl/relayctl/internal/textutil"
)

// Message is what goes on the wire: the envelope and the data.
type Message struct {
	From string   // envelope sender; "" is the null sender <>
	To   []string // envelope recipients: To, Cc and Bcc
	// Data is the RFC 5322 message with CRLF line ends, not dot-stuffed.
	Data      []byte
	MessageID string
	// UTF8: an envelope address has a non-ASCII local part (SMTPUTF8).
	UTF8 bool
	// EightBit: the data has bytes above 127 (BODY=8BITMIME).
	EightBit bool
	// DKIM is how the message was signed, nil when it was not.
	DKIM *DKIMInfo
}

// Header is one extra header field (--header "Name: value").
type Header struct {
	Name, Value string
}

// Attachment is one file to attach.
type Attachment struct {
	Name string // the file name the recipient sees
	Type string // the content type; from the name's extension when empty
	Data []byte
}

// Spec is a message described by its parts, as the flags give it.
type Spec struct {
	From        Address
	To, Cc, Bcc []Address
	Subject     string
	Text        string
	HasText     bool
	HTML        string
	HasHTML     bool
	Attachments []Attachment
	Headers     []Header
	Date        time.Time
	// Random is the source for the Message-ID and the MIME boundaries
	// (crypto/rand when nil; tests fix it).
	Random io.Reader
}

// ParseHeader parses --header "Name: value": a field name of printable
// ASCII without a colon (RFC 5322 §3.6.8) and a one-line value.
func ParseHeader(s string) (Header, error) {
	if err := NoSingleLine("--header", s); err != nil {
		return Header{}, err
	}
	name, value, ok := strings.Cut(s, ":")
	if !ok {
		return Header{}, errorf(ErrBadInput, "--header %q: want \"Name: value\"", textutil.Clip(s, 80))
	}
	if name == "" {
		return Header{}, errorf(ErrBadInput, "--header %q: empty field name", textutil.Clip(s, 80))
	}
	for i := 0; i < len(name); i++ {
		if name[i] < 33 || name[i] > 126 {
			return Header{}, errorf(ErrBadInput, "--header %q: field name has %q at byte %d (RFC 5322 §3.6.8 allows printable ASCII only)", textutil.Clip(s, 80), name[i], i+1)
		}
	}
	if strings.EqualFold(name, "Bcc") {
		return Header{}, errorf(ErrBadInput, "--header Bcc: use --bcc, which keeps the Bcc header out of the message")
	}
	return Header{Name: name, Value: strings.TrimSpace(value)}, nil
}

// Build makes the message: the head (From, To, Cc, Subject, Date,
// Message-ID, MIME-Version, the --header fields) and a MIME body —
// text/plain, text/html, both as multipart/alternative, and
// multipart/mixed around them when there are attachments. Bcc recipients
// are on the envelope only (RFC 5322 §3.6.3).
func Build(s Spec) (*Message, error) {
	if err := NoSingleLine("--subject", s.Subject); err != nil {
		return nil, err
	}
	for _, h := range s.Headers {
		if err := NoSingleLine("--header "+h.Name, h.Value); err != nil {
			return nil, err
		}
	}
	for _, a := range s.Attachments {
		if err := NoSingleLine("--attach file name", a.Name); err != nil {
			return nil, err
		}
	}
	rnd := s.Random
	if rnd == nil {
		rnd = rand.Reader
	}
	if len(s.To)+len(s.Cc)+len(s.Bcc) == 0 {
		return nil, errorf(ErrBadInput, "no recipients")
	}
	date := s.Date
	if date.IsZero() {
		date = time.Now()
	}
	from, domain := s.From.header(), s.From.Domain()
	if s.From.IsNull() {
		// The null reverse-path has no address for the From field
		// (RFC 5322 §3.6.2 requires one): it comes from --header From.
		v := HeaderFrom(s.Headers)
		if v == "" {
			return nil, errorf(ErrBadInput, "--from <> (the null sender) gives no address for the From header: add --header \"From: Name <address>\"")
		}
		from = encodeWords(v)
		domain = FallbackDomain
		if a, err := mail.ParseAddress(v); err == nil {
			if at := strings.LastIndexByte(a.Address, '@'); at >= 0 {
				domain = a.Address[at+1:]
			}
		}
	}
	msgID := "<" + randomToken(rnd, 15) + "@" + domain + ">"

	var h head
	h.add("From", from)
	if len(s.To) > 0 {
		h.add("To", addrList(s.To))
	}
	if len(s.Cc) > 0 {
		h.add("Cc", addrList(s.Cc))
	}
	h.add("Subject", encodeWords(s.Subject))
	h.add("Date", date.Format(time.RFC1123Z))
	h.add("Message-ID", msgID)
	for _, x := range s.Headers {
		// A --header with a name relayctl writes replaces it (Date,
		// Message-ID, Subject…); any other is added.
		if h.replace(x.Name, encodeWords(x.Value)) {
			if strings.EqualFold(x.Name, "Message-ID") {
				msgID = x.Value
			}
			continue
		}
		h.add(x.Name, encodeWords(x.Value))
	}
	h.add("MIME-Version", "1.0")

	var body bytes.Buffer
	ctype, cte := writeBody(&body, s, rnd)
	h.add("Content-Type", ctype)
	if cte != "" {
		h.add("Content-Transfer-Encoding", cte)
	}

	var out bytes.Buffer
	h.write(&out)
	out.WriteString("\r\n")
	out.Write(body.Bytes())

	if out.Len() > MaxMessageSize {
		return nil, errorf(ErrBadInput, "the message is %d bytes, over the size limit of %s", out.Len(), sizeLimitText)
	}
	m := &Message{From: s.From.Addr, Data: out.Bytes(), MessageID: msgID}
	for _, l := range [][]Address{s.To, s.Cc, s.Bcc} {
		for _, a := range l {
			m.To = append(m.To, a.Addr)
		}
	}
	m.To = dedupe(m.To)
	m.setFlags()
	return m, nil
}

// FallbackDomain is the Message-ID domain when no From address has one.
const FallbackDomain = "relayctl.invalid"

// HeaderFrom is the value of a From field among hs (--header), or "".
func HeaderFrom(hs []Header) string {
	for _, h := range hs {
		if strings.EqualFold(h.Name, "From") {
			return h.Value
		}
	}
	return ""
}

// MaxMessageSize bounds a message, and each file or stdin a message is
// made from: 64 MiB, above what any relay takes (Gmail 35 MB, Postfix
// 10 MB by default), and well inside memory.
const MaxMessageSize = 64 << 20

const sizeLimitText = "64 MiB"

// ReadLimited reads r whole, up to MaxMessageSize: more is an error that
// says what was over the limit, never a message cut short.
func ReadLimited(what string, r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxMessageSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxMessageSize {
		return nil, errorf(ErrBadInput, "%s is over the size limit of %s", what, sizeLimitText)
	}
	return b, nil
}

// Raw wraps a ready RFC 5322 message (--data): sent as is but for line
// ends, which SMTP needs as CRLF (RFC 5321 §2.3.8).
func Raw(from string, to []string, data []byte) *Message {
	m := &Message{From: from, To: dedupe(to), Data: CRLF(data)}
	m.MessageID = headerValue(m.Data, "Message-ID")
	m.setFlags()
	return m
}

func (m *Message) setFlags() {
	m.UTF8 = !isASCII(m.From)
	for _, r := range m.To {
		if !isASCII(r) {
			m.UTF8 = true
		}
	}
	m.EightBit = !isASCII(string(m.Data))
}

func dedupe(l []string) []string {
	seen := map[string]bool{}
	out := l[:0:0]
	for _, a := range l {
		k := strings.ToLower(a)
		if !seen[k] {
			seen[k] = true
			out = append(out, a)
		}
	}
	return out
}

// CRLF makes every line end CRLF: a bare LF or a bare CR becomes CRLF.
func CRLF(b []byte) []byte {
	if !bytes.ContainsAny(b, "\r\n") {
		return b
	}
	out := make([]byte, 0, len(b)+len(b)/32)
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '\r':
			out = append(out, '\r', '\n')
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
		case '\n':
			out = append(out, '\r', '\n')
		default:
			out = append(out, c)
		}
	}
	return out
}

// headerValue finds a header field's (unfolded) value in a message.
func headerValue(data []byte, name string) string {
	end := bytes.Index(data, []byte("\r\n\r\n"))
	if end < 0 {
		end = len(data)
	}
	lines := strings.Split(string(data[:end]), "\r\n")
	for i, l := range lines {
		k, v, ok := strings.Cut(l, ":")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), name) {
			continue
		}
		for j := i + 1; j < len(lines) && (strings.HasPrefix(lines[j], " ") || strings.HasPrefix(lines[j], "\t")); j++ {
			v += lines[j]
		}
		return strings.TrimSpace(v)
	}
	return ""
}

// head is the header section in order.
type head struct{ fields []Header }

func (h *head) add(name, value string) { h.fields = append(h.fields, Header{name, value}) }

func (h *head) replace(name, value string) bool {
	for i := range h.fields {
		if strings.EqualFold(h.fields[i].Name, name) {
			h.fields[i].Value = value
			return true
		}
	}
	return false
}

// write folds each field at spaces to keep lines within 78 characters
// where it can (RFC 5322 §2.2.3) — a fold adds CRLF before existing white
// space, so unfolding gives the value back.
func (h *head) write(w *bytes.Buffer) {
	for _, f := range h.fields {
		w.WriteString(fold(f.Name + ": " + f.Value))
		w.WriteString("\r\n")
	}
}

func fold(line string) string {
	const limit = 78
	if len(line) <= limit {
		return line
	}
	var b strings.Builder
	for len(line) > limit {
		// The last space before the limit, not in the field name.
		cut := strings.LastIndexByte(line[:limit], ' ')
		if cut <= 0 || strings.TrimSpace(line[:cut]) == "" || (b.Len() == 0 && cut <= strings.IndexByte(line, ':')+1) {
			// No space in reach: the first space after it.
			next := strings.IndexByte(line[limit:], ' ')
			if next < 0 {
				break
			}
			cut = limit + next
		}
		b.WriteString(line[:cut])
		b.WriteString("\r\n")
		line = line[cut:]
	}
	b.WriteString(line)
	return b.String()
}

func addrList(l []Address) string {
	parts := make([]string, len(l))
	for i, a := range l {
		parts[i] = a.header()
	}
	return strings.Join(parts, ", ")
}

// encodeWords encodes unstructured text per RFC 2047 when it is not
// ASCII: Q encoding for mostly-Latin text, B for the rest, in words short
// enough that a folded line stays within 78 characters (§2: at most 75
// per word) and never splitting a character (§5).
func encodeWords(s string) string {
	if isASCII(s) {
		return s
	}
	high := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			high++
		}
	}
	useB := high*3 > len(s)
	const maxWord = 60
	var words []string
	var chunk []byte
	for _, r := range s {
		next := append(append([]byte(nil), chunk...), string(r)...)
		if len(chunk) > 0 && len(encodeWord(next, useB)) > maxWord {
			words = append(words, encodeWord(chunk, useB))
			chunk = []byte(string(r))
			continue
		}
		chunk = next
	}
	if len(chunk) > 0 {
		words = append(words, encodeWord(chunk, useB))
	}
	// White space between adjacent encoded words is not part of the text
	// (RFC 2047 §6.2), so the words can be folded apart.
	return strings.Join(words, " ")
}

// encodeWord is one encoded-word of the UTF-8 bytes b.
func encodeWord(b []byte, useB bool) string {
	if useB {
		return "=?utf-8?b?" + b64.EncodeToString(b) + "?="
	}
	const hex = "0123456789ABCDEF"
	var w strings.Builder
	w.WriteString("=?utf-8?q?")
	for _, c := range b {
		switch {
		case c == ' ':
			w.WriteByte('_')
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '!', c == '*', c == '+', c == '-', c == '/':
			// RFC 2047 §5 (3): the characters safe in any header.
			w.WriteByte(c)
		default:
			w.WriteByte('=')
			w.WriteByte(hex[c>>4])
			w.WriteByte(hex[c&15])
		}
	}
	w.WriteString("?=")
	return w.String()
}

func randomToken(r io.Reader, n int) string {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		// crypto/rand does not fail; a test reader that runs dry gets
		// the time instead.
		copy(b, fmt.Sprint(time.Now().UnixNano()))
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// writeBody writes the MIME body and returns the top Content-Type and
// Content-Transfer-Encoding (RFC 2045, RFC 2046).
func writeBody(w *bytes.Buffer, s Spec, rnd io.Reader) (ctype, cte string) {
	text := s.Text
	hasText := s.HasText || !s.HasHTML // a message has a text part unless it is HTML-only
	alt := hasText && s.HasHTML
	if len(s.Attachments) == 0 {
		if alt {
			return writeAlternative(w, text, s.HTML, rnd), ""
		}
		if s.HasHTML {
			return writeLeaf(w, "text/html; charset=utf-8", s.HTML)
		}
		return writeLeaf(w, "text/plain; charset=utf-8", text)
	}
	boundary := "mixed-" + randomToken(rnd, 12)
	w.WriteString("This is a multipart message in MIME format.\r\n")
	w.WriteString("\r\n--" + boundary + "\r\n")
	switch {
	case alt:
		var part bytes.Buffer
		ct := writeAlternative(&part, text, s.HTML, rnd)
		w.WriteString("Content-Type: " + ct + "\r\n\r\n")
		w.Write(part.Bytes())
	case s.HasHTML:
		writePart(w, "text/html; charset=utf-8", s.HTML)
	default:
		writePart(w, "text/plain; charset=utf-8", text)
	}
	for _, a := range s.Attachments {
		w.WriteString("\r\n--" + boundary + "\r\n")
		ct := a.Type
		if ct == "" {
			ct = ContentType(a.Name)
		}
		name := filepath.Base(a.Name)
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			mt, params = "application/octet-stream", map[string]string{}
		}
		params["name"] = name
		w.WriteString(fold("Content-Type: "+mime.FormatMediaType(mt, params)) + "\r\n")
		w.WriteString(fold("Content-Disposition: "+mime.FormatMediaType("attachment", map[string]string{"filename": name})) + "\r\n")
		w.WriteString("Content-Transfer-Encoding: base64\r\n\r\n")
		writeBase64(w, a.Data)
	}
	w.WriteString("\r\n--" + boundary + "--\r\n")
	return mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": boundary}), ""
}

func writeAlternative(w *bytes.Buffer, text, html string, rnd io.Reader) string {
	boundary := "alt-" + randomToken(rnd, 12)
	w.WriteString("--" + boundary + "\r\n")
	writePart(w, "text/plain; charset=utf-8", text)
	w.WriteString("\r\n--" + boundary + "\r\n")
	writePart(w, "text/html; charset=utf-8", html)
	w.WriteString("\r\n--" + boundary + "--\r\n")
	return mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": boundary})
}

// writePart writes a part's head and body.
func writePart(w *bytes.Buffer, ctype, content string) {
	var body bytes.Buffer
	ct, cte := writeLeaf(&body, ctype, content)
	w.WriteString("Content-Type: " + ct + "\r\n")
	if cte != "" {
		w.WriteString("Content-Transfer-Encoding: " + cte + "\r\n")
	}
	w.WriteString("\r\n")
	w.Write(body.Bytes())
}

// writeLeaf writes text as 7bit when it is ASCII with short lines,
// quoted-printable otherwise, so the message is 7-bit clean and needs no
// 8BITMIME.
func writeLeaf(w *bytes.Buffer, ctype, content string) (string, string) {
	data := CRLF([]byte(content))
	if len(data) > 0 && !bytes.HasSuffix(data, []byte("\r\n")) {
		data = append(data, '\r', '\n')
	}
	if isASCII(string(data)) && maxLineLen(data) <= 998 && !bytes.Contains(data, []byte{0}) {
		w.Write(data)
		return ctype, "7bit"
	}
	qp := quotedprintable.NewWriter(w)
	qp.Write(data)
	qp.Close()
	if !bytes.HasSuffix(w.Bytes(), []byte("\r\n")) {
		w.WriteString("\r\n")
	}
	return ctype, "quoted-printable"
}

func maxLineLen(b []byte) int {
	max := 0
	for len(b) > 0 {
		i := bytes.Index(b, []byte("\r\n"))
		if i < 0 {
			i = len(b)
		}
		if i > max {
			max = i
		}
		if i+2 > len(b) {
			break
		}
		b = b[i+2:]
	}
	return max
}

// writeBase64 writes data base64-encoded in lines of 76 characters (RFC
// 2045 §6.8).
func writeBase64(w *bytes.Buffer, data []byte) {
	const lineBytes = 57 // 76 characters
	enc := make([]byte, 76)
	for len(data) > 0 {
		n := min(lineBytes, len(data))
		m := b64.EncodedLen(n)
		b64.Encode(enc[:m], data[:n])
		w.Write(enc[:m])
		w.WriteString("\r\n")
		data = data[n:]
	}
}
