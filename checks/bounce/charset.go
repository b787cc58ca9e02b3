package bounce

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/relayctl/relayctl/checks/internal/mimex"
)

// charsetReader lets mime.WordDecoder read any charset x/text knows.
func charsetReader(label string, r io.Reader) (io.Reader, error) {
	e := mimex.LookupCharset(label)
	if e == nil {
		switch strings.ToLower(label) {
		case "utf-8", "utf8", "us-ascii", "ascii":
			return r, nil
		}
		return nil, fmt.Errorf("bounce: unknown charset %q", label)
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

// toUTF8 converts text in the given charset to UTF-8. Text that is
// already valid UTF-8 with no escape sequences is left alone whatever
// the label says (a common mislabelling); text that cannot be converted
// is returned unchanged, since the ASCII phrases the parser looks for
// survive either way.
func toUTF8(b []byte, label string) []byte {
	if len(b) == 0 {
		return b
	}
	ascii := true
	for _, c := range b {
		if c >= 0x80 || c == 0x1b {
			ascii = false
			break
		}
	}
	if ascii {
		return b
	}
	e := mimex.LookupCharset(label)
	if e == nil {
		if !utf8.Valid(b) && bytes.IndexByte(b, 0x1b) >= 0 {
			// ISO-2022-JP without a label is the usual case.
			e = mimex.LookupCharset("iso-2022-jp")
		} else {
			return b
		}
	}
	out, err := e.NewDecoder().Bytes(b)
	if err != nil {
		return b
	}
	return out
}
