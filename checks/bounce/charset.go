package bounce

import (
	"bytes"
	"unicode/utf8"

	"github.com/relayctl/relayctl/checks/internal/mimex"
)

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
