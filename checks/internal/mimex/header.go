package mimex

import (
	"bytes"
	"strings"
)

// Field is one header field as it appeared, its value unfolded (RFC 5322
// §2.2.3) and trimmed but not yet decoded.
type Field struct {
	Key   string // the name in lower case
	Value string
}

// Header is a message's (or a MIME part's) header fields in order. Its
// lookups take a lower-case name.
type Header []Field

// Get returns the first value of the named field, "" when absent.
func (h Header) Get(key string) string {
	for _, f := range h {
		if f.Key == key {
			return f.Value
		}
	}
	return ""
}

// Has reports whether the named field is present.
func (h Header) Has(key string) bool {
	for _, f := range h {
		if f.Key == key {
			return true
		}
	}
	return false
}

// All returns every value of the named field in order.
func (h Header) All(key string) []string {
	var out []string
	for _, f := range h {
		if f.Key == key {
			out = append(out, f.Value)
		}
	}
	return out
}

// Count is how many fields are named key.
func (h Header) Count(key string) int {
	n := 0
	for _, f := range h {
		if f.Key == key {
			n++
		}
	}
	return n
}

// Text returns the named field decoded from RFC 2047 encoded-words.
func (h Header) Text(key string) string {
	return DecodeWords(h.Get(key))
}

// isFieldName reports whether s is a valid header field name
// (RFC 5322 §3.6.8: printable US-ASCII except colon).
func isFieldName(s string) bool {
	if s == "" || len(s) > 76 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c > '~' || c == ':' {
			return false
		}
	}
	return true
}

// MaxHeader bounds the header block SplitHeader reads: past it, what
// follows is body, so that a hostile entity with no blank line is not
// copied whole at every level of a MIME tree.
const MaxHeader = 1 << 20

// SplitHeader parses the header block at the start of b (LF line endings)
// and returns it with the body that follows the blank line. It is
// tolerant: an mbox "From " line is skipped, a line that is neither a
// field nor a continuation ends the header and starts the body, and
// without a blank line the whole entity is header (up to MaxHeader). An
// entity whose first line is no field has no header: it is all body. The
// header block is copied into one string; fields are slices of it, so
// the header does not hold on to b.
func SplitHeader(b []byte) (Header, []byte) {
	if bytes.HasPrefix(b, []byte("From ")) {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return nil, nil
		}
		b = b[i+1:]
	}
	blockEnd := bytes.Index(b[:min(len(b), MaxHeader)], []byte("\n\n"))
	blank := blockEnd >= 0
	if blank {
		blockEnd++ // keep the first newline: it ends the last field
	} else {
		blockEnd = min(len(b), MaxHeader)
	}
	h, n := parseFields(string(b[:blockEnd]))
	switch {
	case n >= 0:
		return h, b[n:]
	case blank:
		return h, b[blockEnd+1:] // past the blank line
	case blockEnd < len(b):
		return h, b[blockEnd:] // over the bound: the rest is body
	}
	return h, nil
}

// SplitHeaderText is SplitHeader for text already in a string: the
// fields are slices of s, nothing is copied.
func SplitHeaderText(s string) (Header, string) {
	if strings.HasPrefix(s, "From ") {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			return nil, ""
		}
		s = s[i+1:]
	}
	blockEnd := strings.Index(s, "\n\n")
	if blockEnd < 0 {
		blockEnd = len(s)
	} else {
		blockEnd++
	}
	h, n := parseFields(s[:blockEnd])
	if n < 0 {
		n = blockEnd + 1
	}
	return h, s[min(n, len(s)):]
}

// parseFields reads the fields of a header block and returns them with
// the offset where the body starts: after a blank line, or at the first
// line that is no field; -1 when every line of text was read.
func parseFields(text string) (Header, int) {
	// Room for one field per line that does not start with a space.
	n := 1
	for i := 0; i < len(text)-1; {
		j := strings.IndexByte(text[i:len(text)-1], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		if c := text[i]; c != ' ' && c != '\t' {
			n++
		}
	}
	h := make(Header, 0, n)
	// A field's continuation lines are gathered and joined once, so that
	// a field folded over many lines costs no more than its length.
	var cont []string
	end := func() {
		if len(cont) > 0 && len(h) > 0 {
			f := &h[len(h)-1]
			f.Value = joinFolded(f.Value, cont)
		}
		cont = cont[:0]
	}
	pos := 0
	for pos < len(text) {
		i := strings.IndexByte(text[pos:], '\n')
		var line string
		next := len(text)
		if i < 0 {
			line = text[pos:]
		} else {
			line = text[pos : pos+i]
			next = pos + i + 1
		}
		if line == "" {
			// The blank line: the body follows.
			end()
			return h, next
		}
		if line[0] == ' ' || line[0] == '\t' {
			// A continuation with nothing to continue is skipped.
			if len(h) > 0 {
				cont = append(cont, strings.TrimSpace(line))
			}
			pos = next
			continue
		}
		c := strings.IndexByte(line, ':')
		if c <= 0 {
			end()
			return h, pos
		}
		name := strings.TrimRight(line[:c], " \t")
		if !isFieldName(name) {
			// Not a header line: the header ended without its blank line.
			end()
			return h, pos
		}
		end()
		h = append(h, Field{Key: lowerKey(name), Value: strings.TrimSpace(line[c+1:])})
		pos = next
	}
	end()
	return h, -1
}

// joinFolded joins a field's first line and its continuation lines with
// single spaces (RFC 5322 §2.2.3 unfolding, the lines already trimmed).
func joinFolded(first string, cont []string) string {
	n := len(first)
	for _, c := range cont {
		n += 1 + len(c)
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(first)
	for _, c := range cont {
		b.WriteByte(' ')
		b.WriteString(c)
	}
	return b.String()
}

// commonKeys are the field names most messages have, in lower case, so
// that looking them up needs no new string.
var commonKeys = []string{"received", "from", "to", "subject", "date", "message-id", "content-type",
	"mime-version", "content-transfer-encoding", "return-path", "dkim-signature", "x-mailer",
	"content-description", "authentication-results", "delivered-to", "reply-to", "auto-submitted",
	"x-failed-recipients", "cc", "references", "in-reply-to", "list-id", "precedence", "sender"}

// lowerKey lower-cases a field name.
func lowerKey(name string) string {
	for _, k := range commonKeys {
		if len(k) == len(name) && strings.EqualFold(k, name) {
			return k
		}
	}
	return strings.ToLower(name)
}
