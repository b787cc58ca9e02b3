// Package textutil holds small text helpers the checks share.
package textutil

import "strings"

// Clip makes s valid UTF-8 (invalid bytes become U+FFFD) and shortens it
// to at most n bytes, cut at a character boundary and marked with "…",
// for an error message or a transcript line.
func Clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if n < 0 || len(s) <= n {
		return s
	}
	// Cutting at a byte may split a character; dropping the partial
	// character keeps the result valid.
	return strings.ToValidUTF8(s[:n], "") + "…"
}
