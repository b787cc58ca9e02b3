package dkimverify

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/relayctl/relayctl/checks"
)

// Field is one header field as received: Raw holds every byte of it, its
// name, the colon, the value with its folding, and the line break that
// ends it (CRLF or a bare LF, as read).
type Field struct {
	Name string // as written, without the whitespace before the colon
	Raw  []byte
}

// Value is the field's body: everything after the colon, the final line
// break removed.
func (f Field) Value() []byte {
	i := bytes.IndexByte(f.Raw, ':')
	if i < 0 {
		return nil
	}
	return trimEOL(f.Raw[i+1:])
}

// Is reports whether the field's name is name, without regard to case
// (RFC 5322 §1.2.2).
func (f Field) Is(name string) bool { return strings.EqualFold(f.Name, name) }

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// Message is a received message: its header fields in order, top first,
// and its body, which is read (possibly several times, by DKIM and ARC
// each) but never held in memory whole.
type Message struct {
	Header []Field
	Body   *io.SectionReader
}

// BodyReader returns a reader of the whole body from its start, each call
// a new one.
func (m *Message) BodyReader() io.Reader {
	if m.Body == nil {
		return bytes.NewReader(nil)
	}
	return io.NewSectionReader(m.Body, 0, m.Body.Size())
}

// Limits of ParseMessage.
const (
	// MaxHeaderBytes bounds the header section: 10,000 signature fields
	// of a few hundred bytes fit.
	MaxHeaderBytes = 32 << 20
)

// ParseMessage reads the header section of the size bytes at r (a file,
// or bytes.NewReader) and leaves the body where it is: Message.Body is a
// section of r. Lines may end in CRLF or a bare LF. A first line in mbox
// form ("From sender date") is skipped.
func ParseMessage(r io.ReaderAt, size int64) (*Message, error) {
	br := bufio.NewReaderSize(io.NewSectionReader(r, 0, size), 64<<10)
	m := &Message{}
	var off int64 // bytes of r consumed
	var cur []byte
	var total int
	line := 0
	flush := func() error {
		if cur == nil {
			return nil
		}
		i := bytes.IndexByte(cur, ':')
		if i < 0 {
			return checks.NewError("dkimverify", ErrMessage, fmt.Sprintf("header line %d: %q is neither a header field nor a continuation line", line, truncate(trimEOL(cur), 40)))
		}
		name := strings.TrimRight(string(cur[:i]), " \t")
		if name == "" || strings.ContainsAny(name, " \t") {
			return checks.NewError("dkimverify", ErrMessage, fmt.Sprintf("header line %d: invalid field name %q", line, truncate([]byte(name), 40)))
		}
		m.Header = append(m.Header, Field{Name: name, Raw: cur})
		cur = nil
		return nil
	}
	for {
		b, err := br.ReadSlice('\n')
		for err == bufio.ErrBufferFull {
			// A long line: keep reading it.
			var more []byte
			more, err = br.ReadSlice('\n')
			b = append(append([]byte(nil), b...), more...)
		}
		if err != nil && err != io.EOF {
			return nil, checks.WrapError("dkimverify", ErrMessage, "reading the header", err)
		}
		if len(b) == 0 {
			// End of input without an empty line: a message with no body.
			if err := flush(); err != nil {
				return nil, err
			}
			m.Body = io.NewSectionReader(r, off, 0)
			return m, nil
		}
		line++
		off += int64(len(b))
		total += len(b)
		if total > MaxHeaderBytes {
			return nil, checks.NewError("dkimverify", ErrMessage, fmt.Sprintf("the header section is over %d bytes", MaxHeaderBytes))
		}
		if t := trimEOL(b); len(t) == 0 && len(t) < len(b) {
			// The empty line that ends the header section.
			if err := flush(); err != nil {
				return nil, err
			}
			m.Body = io.NewSectionReader(r, off, size-off)
			return m, nil
		}
		switch {
		case line == 1 && bytes.HasPrefix(b, []byte("From ")) && !bytes.HasPrefix(bytes.TrimLeft(b[4:], " \t"), []byte(":")):
			// An mbox separator line ("From sender date"), not a "From :"
			// field with space before the colon (RFC 5322 §4.5.3).
		case b[0] == ' ' || b[0] == '\t':
			if cur == nil {
				return nil, checks.NewError("dkimverify", ErrMessage, fmt.Sprintf("header line %d: a continuation line with no field before it", line))
			}
			cur = append(cur, b...)
		default:
			if err := flush(); err != nil {
				return nil, err
			}
			cur = append([]byte(nil), b...)
		}
		if err == io.EOF {
			if err := flush(); err != nil {
				return nil, err
			}
			m.Body = io.NewSectionReader(r, off, 0)
			return m, nil
		}
	}
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
