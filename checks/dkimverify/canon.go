package dkimverify

import (
	"bytes"
	"io"
	"strings"
)

// Canon is a canonicalization algorithm (RFC 6376 §3.4).
type Canon string

const (
	Simple  Canon = "simple"
	Relaxed Canon = "relaxed"
)

func isWSP(c byte) bool { return c == ' ' || c == '\t' }

// CanonHeader appends the canonical form of one header field, ending in
// CRLF, to dst.
func CanonHeader(dst []byte, c Canon, raw []byte) []byte {
	if c == Relaxed {
		return relaxedHeader(dst, raw)
	}
	return simpleHeader(dst, raw)
}

// simpleHeader leaves the field as it is (RFC 6376 §3.4.1), except that a
// bare LF, which a message stored with Unix line ends has where the wire
// had CRLF, becomes CRLF again.
func simpleHeader(dst, raw []byte) []byte {
	for len(raw) > 0 {
		i := bytes.IndexByte(raw, '\n')
		if i < 0 {
			dst = append(dst, raw...)
			break
		}
		dst = append(dst, raw[:i]...)
		if i == 0 || raw[i-1] != '\r' {
			dst = append(dst, '\r')
		}
		dst = append(dst, '\n')
		raw = raw[i+1:]
	}
	if !bytes.HasSuffix(dst, []byte("\r\n")) {
		dst = append(dst, '\r', '\n')
	}
	return dst
}

// relaxedHeader implements RFC 6376 §3.4.2: the name in lower case,
// unfolded, runs of WSP as one SP, no WSP at the end of the value or
// around the colon.
func relaxedHeader(dst, raw []byte) []byte {
	i := bytes.IndexByte(raw, ':')
	if i < 0 {
		return dst
	}
	dst = append(dst, strings.ToLower(strings.TrimRight(string(raw[:i]), " \t"))...)
	dst = append(dst, ':')
	wsp := false
	started := false
	for _, c := range raw[i+1:] {
		switch {
		case c == '\r' || c == '\n':
			// Unfolding: the line break goes, the WSP after it stays.
		case isWSP(c):
			wsp = true
		default:
			if wsp && started {
				dst = append(dst, ' ')
			}
			wsp = false
			started = true
			dst = append(dst, c)
		}
	}
	return append(dst, '\r', '\n')
}

// bodyCanon canonicalizes a body as it streams through (RFC 6376 §3.4.3,
// §3.4.4) and writes the result to w. A bare LF counts as CRLF. Empty
// lines are held back until something follows them, so that the ones at
// the end are dropped.
type bodyCanon struct {
	relaxed bool
	w       io.Writer
	out     []byte
	blank   int  // empty lines held back
	wsp     bool // relaxed: WSP seen, not yet written
	inLine  bool // the current line has content
	cr      bool // a CR was the last byte, its LF may follow
	wrote   bool // something was written
	err     error
}

func newBodyCanon(c Canon, w io.Writer) *bodyCanon {
	return &bodyCanon{relaxed: c == Relaxed, w: w, out: make([]byte, 0, 8<<10)}
}

func (b *bodyCanon) content(c byte) {
	for ; b.blank > 0; b.blank-- {
		b.out = append(b.out, '\r', '\n')
	}
	if b.wsp {
		b.out = append(b.out, ' ')
		b.wsp = false
	}
	b.out = append(b.out, c)
	b.inLine = true
	b.wrote = true
}

func (b *bodyCanon) endLine() {
	b.wsp = false // relaxed: WSP at the end of a line goes
	if b.inLine {
		b.out = append(b.out, '\r', '\n')
		b.inLine = false
	} else {
		b.blank++
	}
}

func (b *bodyCanon) Write(p []byte) (int, error) {
	special := &simpleSpecial
	if b.relaxed {
		special = &relaxedSpecial
	}
	for i := 0; i < len(p); {
		c := p[i]
		if b.cr {
			b.cr = false
			if c == '\n' {
				b.endLine()
				i++
				continue
			}
			b.content('\r')
		}
		if !special[c] {
			// A run of ordinary bytes is copied at once.
			j := i + 1
			for j < len(p) && !special[p[j]] {
				j++
			}
			b.content(p[i])
			b.out = append(b.out, p[i+1:j]...)
			i = j
		} else {
			switch c {
			case '\r':
				b.cr = true
			case '\n':
				b.endLine()
			default: // WSP under relaxed
				b.wsp = true
			}
			i++
		}
		if len(b.out) >= cap(b.out)-8 {
			b.flush()
		}
	}
	b.flush()
	return len(p), b.err
}

// Bytes the canonicalizers treat apart; the rest are copied as they are.
var (
	simpleSpecial  = [256]bool{'\r': true, '\n': true}
	relaxedSpecial = [256]bool{'\r': true, '\n': true, ' ': true, '\t': true}
)

func (b *bodyCanon) flush() {
	if len(b.out) > 0 && b.err == nil {
		_, b.err = b.w.Write(b.out)
	}
	b.out = b.out[:0]
}

// Close ends the body: an unterminated last line gets its CRLF, and a
// simple body with nothing in it is one CRLF (RFC 6376 §3.4.3); a relaxed
// empty body stays empty (§3.4.4).
func (b *bodyCanon) Close() error {
	if b.cr {
		b.cr = false
		b.content('\r')
	}
	if b.inLine {
		b.wsp = false
		b.out = append(b.out, '\r', '\n')
		b.inLine = false
	}
	if !b.wrote && !b.relaxed {
		b.out = append(b.out, '\r', '\n')
	}
	b.flush()
	return b.err
}
