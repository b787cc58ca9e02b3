package mimex

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"strings"
)

// CharsetReader lets mime.WordDecoder read any charset x/text knows
// (LookupCharset), and UTF-8 and US-ASCII as they are.
func CharsetReader(label string, r io.Reader) (io.Reader, error) {
	e := LookupCharset(label)
	if e == nil {
		switch strings.ToLower(strings.TrimSpace(label)) {
		case "utf-8", "utf8", "us-ascii", "ascii":
			return r, nil
		}
		return nil, fmt.Errorf("unknown charset %q", label)
	}
	// Convert at once and hand back a reader that writes itself out, so
	// that the word decoder's copy needs no buffer of its own.
	in, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	out, err := e.NewDecoder().Bytes(in)
	if err != nil {
		return nil, err
	}
	return bytes.NewReader(out), nil
}

// wordDecoder decodes RFC 2047 encoded-words in any charset CharsetReader
// reads.
var wordDecoder = &mime.WordDecoder{CharsetReader: CharsetReader}

// DecodeWords decodes the RFC 2047 encoded-words in s (a field's value, or
// a file name that a mail client encoded so despite RFC 2231); text with a
// malformed word, or in a charset nothing knows, is kept as written.
func DecodeWords(s string) string {
	if !strings.Contains(s, "=?") {
		return s
	}
	d, err := wordDecoder.DecodeHeader(s)
	if err != nil {
		return s
	}
	return d
}
