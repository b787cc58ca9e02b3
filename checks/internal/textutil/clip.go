// Package textutil holds small text helpers the checks share.
package textutil

import (
	"strings"
	"unicode/utf8"
)

// Clip shortens s to at most n bytes for a message, marking a cut with
// "…". The cut falls on a character boundary, and invalid UTF-8 becomes
// U+FFFD, so the result is always valid UTF-8. n < 0 means no limit.
func Clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if n < 0 || len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
