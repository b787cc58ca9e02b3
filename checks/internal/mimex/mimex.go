// Package mimex holds the tolerant MIME primitives the message readers
// share: a header reader (SplitHeader) that takes a broken header as far
// as it goes, RFC 2047 word decoding in any charset x/text knows,
// transfer decoders that decode broken input as far as it goes, a
// lenient Content-Type parser, and a multipart splitter that keeps the
// parts of a body whose closing delimiter is missing. checks/bounce reads
// bounces with them and checks/content walks a message's MIME tree with
// them; neither stops at the first fault the standard library refuses
// (checks/bounce/mime.go says which).
package mimex

import (
	"bytes"
	"encoding/base64"
	"mime"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
)

// DecodeTransfer undoes a Content-Transfer-Encoding (RFC 2045 §6). Broken
// input decodes as far as it goes: bounce messages are often cut short.
func DecodeTransfer(b []byte, cte string) []byte {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		return DecodeBase64(b)
	case "quoted-printable":
		return DecodeQP(b)
	}
	return b
}

// DecodeBase64 decodes base64 text, skipping whitespace and any
// character outside the alphabet, and stopping at padding or at the end
// of what was sent.
func DecodeBase64(b []byte) []byte {
	clean := make([]byte, 0, len(b))
	for _, c := range b {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/':
			clean = append(clean, c)
		case c == '=':
			// Padding ends a base64 body; what follows is not part of it.
			goto done
		}
	}
done:
	// A final group of one character carries no byte; two or three carry
	// one or two.
	if len(clean)%4 == 1 {
		clean = clean[:len(clean)-1]
	}
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
	n, err := base64.RawStdEncoding.Decode(out, clean)
	if err != nil && n == 0 {
		return b
	}
	return out[:n]
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

// DecodeQP decodes quoted-printable text (RFC 2045 §6.7): "=XX" is a
// byte, "=" at the end of a line joins it to the next; an "=" followed by
// anything else is kept as it is.
func DecodeQP(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '=' {
			// Copy the run up to the next "=" at once.
			j := bytes.IndexByte(b[i:], '=')
			if j < 0 {
				j = len(b) - i
			}
			out = append(out, b[i:i+j]...)
			i += j - 1
			continue
		}
		// Soft line break: "=" then optional blanks then the newline.
		j := i + 1
		for j < len(b) && (b[j] == ' ' || b[j] == '\t') {
			j++
		}
		if j < len(b) && b[j] == '\n' {
			i = j
			continue
		}
		if j == len(b) {
			break
		}
		if i+2 < len(b) {
			hi, ok1 := unhex(b[i+1])
			lo, ok2 := unhex(b[i+2])
			if ok1 && ok2 {
				out = append(out, hi<<4|lo)
				i += 2
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// SplitMultipart returns the parts of a multipart body (RFC 2046 §5.1.1):
// the text between delimiter lines "--boundary", up to "--boundary--" or
// the end of the body when that closing line is missing. Nil means the
// boundary never appears.
func SplitMultipart(body []byte, boundary string) (parts [][]byte, closed bool) {
	if boundary == "" {
		return nil, false
	}
	delim := []byte("--" + boundary)
	start := -1
	pos := 0
	for pos <= len(body) {
		end := bytes.IndexByte(body[pos:], '\n')
		var line []byte
		next := len(body) + 1
		if end < 0 {
			line = body[pos:]
		} else {
			line = body[pos : pos+end]
			next = pos + end + 1
		}
		if bytes.HasPrefix(line, delim) {
			rest := bytes.TrimRight(line[len(delim):], " \t")
			closing := bytes.Equal(rest, []byte("--"))
			if len(rest) == 0 || closing {
				if start >= 0 {
					stop := pos
					if stop > start {
						stop-- // the newline before the delimiter belongs to it
					}
					parts = append(parts, body[start:stop])
				}
				if closing {
					return parts, true
				}
				start = min(next, len(body))
			}
		}
		pos = next
	}
	if start >= 0 && start < len(body) {
		parts = append(parts, body[start:])
	}
	return parts, false
}

// MediaType parses a Content-Type value into its lower-case type and
// parameters. A value mime.ParseMediaType refuses (unquoted specials,
// duplicate parameters) is read leniently: the type before the first ";"
// and each name=value pair after it.
func MediaType(v string) (string, map[string]string) {
	if v == "" {
		return "", nil
	}
	if t, p, err := mime.ParseMediaType(v); err == nil {
		return t, p
	}
	parts := strings.Split(v, ";")
	t := strings.ToLower(strings.TrimSpace(parts[0]))
	p := map[string]string{}
	for _, kv := range parts[1:] {
		k, val, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		val = strings.TrimSpace(val)
		if len(val) >= 2 && val[0] == '"' {
			if j := strings.IndexByte(val[1:], '"'); j >= 0 {
				val = val[1 : j+1]
			} else {
				val = val[1:]
			}
		}
		if _, dup := p[k]; !dup && k != "" {
			p[k] = val
		}
	}
	return t, p
}

// LookupCharset finds the decoder for a MIME charset label, nil for
// UTF-8, US-ASCII and labels nothing knows.
func LookupCharset(label string) encoding.Encoding {
	label = strings.ToLower(strings.Trim(strings.TrimSpace(label), `"'`))
	switch label {
	case "", "utf-8", "utf8", "us-ascii", "ascii", "unicode-1-1-utf-8", "x-unknown", "unknown-8bit":
		return nil
	}
	if e, err := htmlindex.Get(label); err == nil {
		return e
	}
	if e, err := ianaindex.MIME.Encoding(label); err == nil && e != nil {
		return e
	}
	return nil
}

// NormalizeNewlines turns CRLF and lone CR into LF.
func NormalizeNewlines(b []byte) []byte {
	i := bytes.IndexByte(b, '\r')
	if i < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	for i >= 0 {
		out = append(out, b[:i]...)
		out = append(out, '\n')
		b = b[i+1:]
		if len(b) > 0 && b[0] == '\n' {
			b = b[1:]
		}
		i = bytes.IndexByte(b, '\r')
	}
	return append(out, b...)
}
