package send

import (
	"strings"
)

// QueueID finds the queue identifier in the reply to the final dot, or ""
// when the reply has none of the known forms. The raw reply is always kept
// beside it: the forms are conventions, not a standard (RFC 5321 §4.2
// leaves the text to the server).
//
//	Postfix   250 2.0.0 Ok: queued as 4XyZ1abcd
//	Exim      250 OK id=1tAbCd-000123-Xy
//	Exchange  250 2.6.0 <id@host> [InternalId=123456, Hostname=…] Queued mail for delivery
//	Gmail     250 2.0.0 OK  1700000000 d2e1a72fcca58-6c2a…sm123456pfb.12 - gsmtp
//	Sendmail  250 2.0.0 4AQLx1AB012345 Message accepted for delivery
//	SES/other 250 Ok 0100018c1a2b3c4d-…-000000
func QueueID(reply string) string {
	text := reply
	// Drop the reply code and the enhanced status code.
	f := strings.Fields(text)
	if len(f) > 0 && isDigits(f[0]) && len(f[0]) == 3 {
		f = f[1:]
	}
	if len(f) > 0 && looksEnhanced(f[0]) {
		f = f[1:]
	}
	joined := strings.Join(f, " ")
	// ASCII-only folding keeps byte offsets valid in joined.
	low := asciiLower(joined)

	// Postfix and many others: "queued as X".
	if i := strings.Index(low, "queued as "); i >= 0 {
		if id := token(joined[i+len("queued as "):]); id != "" {
			return id
		}
	}
	// Exchange: "[InternalId=X, …]".
	if i := strings.Index(low, "internalid="); i >= 0 {
		if id := token(joined[i+len("internalid="):]); id != "" {
			return id
		}
	}
	// Exim: "id=X".
	for _, w := range f {
		if strings.HasPrefix(asciiLower(w), "id=") {
			if id := token(w[3:]); id != "" {
				return id
			}
		}
	}
	// Gmail: "OK <epoch> <id> - gsmtp": the word before "- gsmtp" / "gsmtp".
	if n := len(f); n >= 2 && strings.EqualFold(f[n-1], "gsmtp") {
		k := n - 2
		if f[k] == "-" {
			k--
		}
		if k >= 0 {
			if id := token(f[k]); id != "" && !strings.EqualFold(id, "ok") {
				return id
			}
		}
	}
	// Sendmail: "<id> Message accepted for delivery".
	if len(f) >= 2 && strings.HasPrefix(low, asciiLower(f[0])+" message accepted") {
		if id := token(f[0]); id != "" {
			return id
		}
	}
	// Amazon SES and similar: "Ok <id>" and nothing else.
	if len(f) == 2 && strings.EqualFold(f[0], "ok") {
		if id := token(f[1]); id != "" && len(id) >= 6 {
			return id
		}
	}
	return ""
}

// token is the identifier at the start of s: letters, digits and the
// punctuation queue ids use, stopping at a space, comma or bracket.
func token(s string) string {
	s = strings.TrimLeft(s, " <")
	end := 0
	for end < len(s) {
		c := s[end]
		ok := c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' ||
			c == '-' || c == '.' || c == '_' || c == '@' || c == '+' || c == '/' || c == '='
		if !ok {
			break
		}
		end++
	}
	return strings.TrimRight(s[:end], ".")
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// looksEnhanced reports an RFC 3463 status code such as 2.0.0.
func looksEnhanced(s string) bool {
	p := strings.Split(s, ".")
	return len(p) == 3 && isDigits(p[0]) && isDigits(p[1]) && isDigits(p[2])
}

// asciiLower folds A-Z only, so that the result has the same length.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}
