package dkim

import (
	"strings"

	"github.com/relayctl/relayctl/checks/internal/taglist"
)

// keyTags reads a key record's tag-list (RFC 6376 §3.2): tag names are
// case-sensitive, and a value may be empty (p= is how a key is revoked).
var keyTags = taglist.Grammar[pkg]{Err: ErrSyntax}

// colonList splits a colon-separated list of tokens (letters, digits,
// hyphens, "*"), trimming whitespace around the colons.
func colonList(v string) ([]string, bool) {
	var out []string
	for _, item := range strings.Split(v, ":") {
		item = strings.Trim(item, " \t\r\n")
		if item == "" {
			return nil, false
		}
		for i := 0; i < len(item); i++ {
			c := item[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '*') {
				return nil, false
			}
		}
		out = append(out, item)
	}
	return out, true
}
