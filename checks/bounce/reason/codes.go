package reason

import (
	"strings"
)

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// maskIPv4 replaces dotted quads with a placeholder, so that "192.0.2.1"
// is not read as a status code.
func maskIPv4(s string) string {
	if !hasDottedQuad(s) {
		return s
	}
	b := []byte(s)
	for i := 0; i < len(b); i++ {
		if !isDigit(b[i]) || (i > 0 && (isDigit(b[i-1]) || b[i-1] == '.')) {
			continue
		}
		j, groups := i, 0
		for groups < 4 {
			k := j
			for k < len(b) && k-j < 3 && isDigit(b[k]) {
				k++
			}
			if k == j {
				break
			}
			groups++
			j = k
			if groups < 4 {
				if j < len(b) && b[j] == '.' {
					j++
				} else {
					break
				}
			}
		}
		if groups == 4 && (j == len(b) || !isDigit(b[j])) {
			for k := i; k < j; k++ {
				if b[k] != '.' {
					b[k] = '*'
				}
			}
			i = j
		}
	}
	return string(b)
}

// FindStatus returns the RFC 3463 enhanced status code ("5.1.1") in text,
// "" when there is none. class ("2", "4", "5", or a code or reply code
// starting with one) limits the search to that class. When the text has
// several codes, the most specific wins (PreferStatus): "5.0.0" and
// "4.4.7" only when nothing else is there.
func FindStatus(text, class string) string {
	if len(text) < 5 {
		return ""
	}
	s := " " + maskIPv4(text) + "   "
	classes := "542"
	if class != "" && (class[0] == '2' || class[0] == '4' || class[0] == '5') {
		classes = class[:1]
	}
	var found []string
	fallback := ""
	for i := 1; i+4 < len(s); i++ {
		c := s[i]
		if s[i+1] != '.' || c != classes[0] && (len(classes) == 1 || c != classes[1] && c != classes[2]) {
			continue
		}
		prev := s[i-1]
		if isDigit(prev) || prev == '.' || prev == '/' || prev == 'v' || prev == 'V' {
			continue
		}
		subject := s[i+2]
		if subject < '0' || subject > '7' || s[i+3] != '.' || !isDigit(s[i+4]) {
			continue
		}
		j := i + 5
		for j < len(s) && j < i+7 && isDigit(s[j]) {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			continue // four digits or more: not a detail code
		}
		code := s[i:j]
		if strings.HasSuffix(code, ".0.0") && len(code) == 5 || code == "4.4.7" {
			if fallback == "" {
				fallback = code
			}
			continue
		}
		found = append(found, code)
		i = j - 1
	}
	if fallback != "" {
		found = append(found, fallback)
	}
	if len(found) == 0 {
		return ""
	}
	code := found[0]
	for _, c := range found[1:] {
		code = PreferStatus(code, c, "")
	}
	return code
}

// PreferStatus chooses between the code a DSN's Status field gave
// (field) and the one found in its diagnostic text (inText), with the SMTP
// reply code as a tie-breaker on the class: the more specific code, the
// one whose class agrees with the reply.
func PreferStatus(field, inText, reply string) string {
	switch {
	case field == "":
		return inText
	case inText == "":
		return field
	case len(field) < 5:
		return inText
	case len(inText) < 5:
		return field
	}
	if reply != "" && field[0] != inText[0] {
		if reply[0] == field[0] {
			return field
		}
		if reply[0] == inText[0] {
			return inText
		}
	}
	if field == inText {
		return field
	}
	fieldZero := strings.Index(field, ".0") > 0
	textZero := strings.Index(inText, ".0") > 0
	if strings.HasSuffix(field[1:], ".0.0") && len(field) == 5 {
		if !(strings.HasSuffix(inText[1:], ".0.0") && len(inText) == 5) {
			return inText
		}
		return field
	}
	if fieldZero && !textZero {
		return inText
	}
	if len(inText) == 5 && strings.HasSuffix(inText, ".0.0") {
		return field
	}
	switch {
	case field == "4.4.7", field == "4.7.0",
		strings.HasPrefix(field, "5.3."),
		strings.Index(field, ".5.1") == 1, strings.Index(field, ".5.2") == 1,
		strings.Index(field, ".5.4") == 1, strings.Index(field, ".5.5") == 1:
		// Vague codes: the text says more.
		return inText
	case field == "5.1.1":
		if textZero || strings.HasPrefix(inText, "5.5.") {
			return field
		}
		return inText
	case field == "5.1.3" && strings.HasPrefix(inText, "5.7."):
		return inText
	}
	return field
}

// Reply codes by class, in the order they are looked for.
var replyCodes = map[byte][]string{
	'2': {"211", "214", "220", "221", "235", "250", "251", "252", "253", "334", "354"},
	'4': {"421", "450", "451", "452", "422", "430", "432", "453", "454", "455", "458", "459"},
	'5': {"550", "552", "553", "551", "521", "525", "523", "524", "530", "533", "534", "535", "538",
		"555", "556", "554", "500", "501", "502", "503", "504"},
}

// FindReply returns the SMTP reply code (RFC 5321 §4.2) in text, "" when
// there is none; status, when set, limits the search to its class. A
// code counts when neither digits nor dots touch it; when several are
// there, the one earliest in the list of codes (550 before 554…) wins.
func FindReply(text, status string) string {
	if len(text) < 3 || containsFold(text, "x-unix") {
		return ""
	}
	var classes string
	if status != "" && (status[0] == '2' || status[0] == '4' || status[0] == '5') {
		classes = status[:1]
	} else {
		classes = "542"
	}
	// One pass collects the candidates; the order of the list decides.
	var seen [600]bool
	any := false
	for i := 0; i+3 <= len(text); i++ {
		c := text[i]
		if c != '2' && c != '4' && c != '5' || !isDigit(text[i+1]) || !isDigit(text[i+2]) {
			continue
		}
		if i > 0 && text[i-1] >= '.' && text[i-1] <= '9' {
			continue
		}
		if i+3 < len(text) && text[i+3] >= '.' && text[i+3] <= '9' {
			continue
		}
		seen[int(c-'0')*100+int(text[i+1]-'0')*10+int(text[i+2]-'0')] = true
		any = true
	}
	if !any {
		return ""
	}
	for i := 0; i < len(classes); i++ {
		for _, code := range replyCodes[classes[i]] {
			n := int(code[0]-'0')*100 + int(code[1]-'0')*10 + int(code[2]-'0')
			if seen[n] {
				return code
			}
		}
	}
	return ""
}

// containsFold reports whether s contains the lower-case ASCII word w in
// any case.
func containsFold(s, w string) bool {
	if w == "" {
		return true
	}
	// Only where the first letter matches is the rest compared; w being
	// ASCII, a window holding any other byte cannot fold to it.
	lo, up := w[0], w[0]
	if 'a' <= lo && lo <= 'z' {
		up = lo - 'a' + 'A'
	}
	for i := 0; i+len(w) <= len(s); i++ {
		if c := s[i]; c != lo && c != up {
			continue
		}
		if strings.EqualFold(s[i:i+len(w)], w) {
			return true
		}
	}
	return false
}

// smtpCommands are the commands FindCommand reports, as they appear in
// diagnostic text; "CONN" is the pseudo-command for the connection
// itself.
var smtpCommands = []string{"HELO", "EHLO", "STARTTLS", "AUTH PLAIN", "AUTH LOGIN", "AUTH CRAM-",
	"AUTH DIGEST-", "MAIL F", "RCPT", "RCPT T", "DATA", "QUIT", "XFORWARD"}

func isWordByte(c byte) bool {
	return isDigit(c) || c >= '@' && c <= 'Z' || c >= '`' && c <= 'z'
}

// FindCommand returns the last SMTP command named in text ("RCPT",
// "DATA"…), "" when there is none. A command inside a word or a host
// name ("DATABASE", "EHLO.example") does not count.
func FindCommand(text string) string {
	if len(text) < 4 {
		return ""
	}
	s := " " + text + " "
	var seen []string
	for _, c := range smtpCommands {
		p := strings.Index(text, c)
		if p < 0 {
			continue
		}
		if !strings.Contains(c, " ") {
			if isWordByte(s[p]) || isWordByte(s[p+len(c)+1]) {
				continue
			}
		}
		name := c[:4]
		switch name {
		case "STAR":
			name = "STARTTLS"
		case "XFOR":
			name = "XFORWARD"
		}
		dup := false
		for _, x := range seen {
			if strings.HasPrefix(x, name[:4]) {
				dup = true
			}
		}
		if !dup {
			seen = append(seen, name)
		}
	}
	if len(seen) == 0 {
		return ""
	}
	return seen[len(seen)-1]
}

// ValidCommand reports whether c is a command a record may carry.
func ValidCommand(c string) bool {
	switch c {
	case "HELO", "EHLO", "MAIL", "RCPT", "DATA", "QUIT", "RSET", "NOOP", "VRFY", "ETRN", "EXPN",
		"HELP", "AUTH", "STARTTLS", "XFORWARD", "CONN", "BDAT":
		return true
	}
	return false
}

// ValidStatus reports whether s has the shape of an enhanced status code
// (RFC 3463 §2: class.subject.detail).
func ValidStatus(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 3 || len(s) < 5 {
		return false
	}
	if parts[0] != "2" && parts[0] != "4" && parts[0] != "5" {
		return false
	}
	for _, p := range parts[1:] {
		if p == "" || len(p) > 3 {
			return false
		}
		for i := 0; i < len(p); i++ {
			if !isDigit(p[i]) {
				return false
			}
		}
	}
	return true
}

// hasDottedQuad reports whether s may hold an IPv4 address: digits on
// both sides of three dots in a row of digits and dots.
func hasDottedQuad(s string) bool {
	run, dots := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			run++
		case c == '.' && run > 0:
			dots++
			if dots == 3 && i+1 < len(s) && isDigit(s[i+1]) {
				return true
			}
			run = 0
		default:
			run, dots = 0, 0
		}
	}
	return false
}
