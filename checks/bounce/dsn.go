package bounce

import (
	"strconv"
	"strings"
	"unicode"
)

// dsnField is one field of an RFC 3464 delivery status report.
type dsnField struct {
	name    string // lower case
	typ     string // the type before ";": "rfc822", "dns", "smtp"… (upper case for diagnostics)
	value   string
	comment string // a parenthesised comment after a status code
}

// What a DSN field holds, as far as the readers care.
const (
	fkAddr = iota + 1 // an address: Final-/Original-Recipient
	fkHost            // a host: Reporting-/Remote-MTA
	fkCode            // a diagnostic: Diagnostic-Code
	fkDate
	fkStatus
	fkAction
	fkOther
)

// dsnFields are the fields of RFC 3464 §2.2 and §2.3 (and the X-
// variants some servers write) with what they hold and whether they are
// per-message fields.
var dsnFields = map[string]struct {
	kind       int
	perMessage bool
}{
	"reporting-mta":         {fkHost, true},
	"received-from-mta":     {fkHost, true},
	"arrival-date":          {fkDate, true},
	"original-envelope-id":  {fkOther, true},
	"dsn-gateway":           {fkHost, true},
	"x-original-message-id": {fkOther, true},
	"final-recipient":       {fkAddr, false},
	"original-recipient":    {fkAddr, false},
	"x-actual-recipient":    {fkAddr, false},
	"action":                {fkAction, false},
	"status":                {fkStatus, false},
	"remote-mta":            {fkHost, false},
	"diagnostic-code":       {fkCode, false},
	"last-attempt-date":     {fkDate, false},
	"will-retry-until":      {fkOther, false},
	"final-log-id":          {fkOther, false},
}

// parseDSNField reads "Name: type; value" (RFC 3464 §2.1.2). It returns
// ok=false for a line that is not a DSN field.
func parseDSNField(line string) (dsnField, bool) {
	// Every field name is short and starts with one of these letters:
	// most lines are rejected before any work.
	if len(line) < 7 || strings.IndexByte("ADFLORSWXadflorswx", line[0]) < 0 {
		return dsnField{}, false
	}
	c := strings.IndexByte(line, ':')
	if c <= 0 || c > 24 {
		return dsnField{}, false
	}
	name := dsnFieldName(strings.TrimSpace(line[:c]))
	spec, known := dsnFields[name]
	if !known {
		return dsnField{}, false
	}
	v := strings.TrimSpace(line[c+1:])
	f := dsnField{name: name}
	switch spec.kind {
	case fkAddr, fkHost, fkCode:
		if t, rest, ok := strings.Cut(v, ";"); ok && !strings.ContainsAny(t, " <@") || ok && spec.kind == fkCode && len(t) < 12 {
			f.typ = strings.TrimSpace(t)
			v = strings.TrimSpace(rest)
		}
		if spec.kind == fkCode {
			f.typ = strings.ToUpper(f.typ)
		}
		if spec.kind == fkAddr {
			v = cleanAddress(decodeUnitext(v))
		}
		if spec.kind == fkHost {
			// "dns; mx.example.org (192.0.2.1)" names the host first.
			if i := strings.IndexAny(v, " \t"); i > 0 {
				v = v[:i]
			}
			v = strings.Trim(v, "[]")
			v = strings.TrimSuffix(v, ".")
		}
	case fkStatus:
		code, rest, _ := strings.Cut(v, " ")
		f.comment = strings.TrimSpace(rest)
		v = strings.TrimSpace(code)
	case fkAction:
		v = normalizeAction(v)
	}
	f.value = v
	return f, true
}

// normalizeAction maps an Action value to one of RFC 3464 §2.3.3's
// (failed, delayed, delivered, relayed, expanded); "" when it is none.
func normalizeAction(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if i := strings.IndexAny(v, " (;"); i > 0 {
		v = v[:i]
	}
	switch v {
	case "failed", "delayed", "delivered", "relayed", "expanded":
		return v
	case "failure", "fail", "error":
		return "failed"
	case "expired":
		return "delayed"
	}
	return v
}

// Boilerplate lines before a DSN that are not part of any diagnostic.
var leadSkip = []string{"Content-", "This is a MIME", "This is a multi", "This is an auto", "This multi-part",
	"###", "***", "--"}

// splitOriginal cuts the flattened text at the returned message (or its
// header): the first marker of those, or a "Return-Path:" line after a
// blank line when a plain-text bounce has no marker.
func splitOriginal(body string, markers ...string) (report, original string) {
	if len(markers) == 0 {
		markers = []string{markRFC822, markHeaders, markPartial}
	}
	best := -1
	mark := ""
	for _, m := range markers {
		i := indexLine(body, m)
		if i >= 0 && (best < 0 || i < best) {
			best, mark = i, m
		}
	}
	if best >= 0 {
		rest := body[best+len(mark):]
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			rest = rest[i+1:]
		} else {
			rest = ""
		}
		return body[:best], strings.TrimLeft(rest, "\n")
	}
	if i := strings.Index(body, "\n\nReturn-Path:"); i >= 0 {
		return body[:i+1], body[i+2:]
	}
	return body, ""
}

// indexLine finds s at the start of a line.
func indexLine(body, s string) int {
	if strings.HasPrefix(body, s) {
		return 0
	}
	i := strings.Index(body, "\n"+s)
	if i < 0 {
		return -1
	}
	return i + 1
}

// sweep collapses runs of white space and trims the ends.
func sweep(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
			c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' ') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteByte(c)
	}
	return b.String()
}

// readRFC3464 reads a delivery status notification (RFC 3464): the
// per-message fields, then one block of per-recipient fields per
// recipient. The text before the status part counts as the diagnostic
// when there is a single recipient, since it often says more.
func readRFC3464(m *message) *found {
	report, original := splitOriginal(m.body)
	start := indexLine(report, markDSN)
	if start < 0 {
		// A status part without its MIME label: start at the first field.
		for _, f := range []string{"Reporting-MTA:", "Final-Recipient:", "Original-Recipient:"} {
			if i := indexLine(report, f); i >= 0 && (start < 0 || i < start) {
				start = i
			}
		}
		if start < 0 {
			return nil
		}
	}
	lead := leadText(report[:start])
	perMessage := map[string]dsnField{}
	var list []delivery
	var diags []string
	cur := delivery{}
	curDiag := []string{}
	inDiag := false
	flush := func() {
		defer func() { cur, curDiag = delivery{}, nil }()
		if cur.recipient == "" {
			// A block without its Final-Recipient (required by RFC 3464
			// §2.3.2, missing all the same) counts for its
			// Original-Recipient.
			if !isAddress(cur.alias) {
				return
			}
			cur.recipient = cur.alias
		}
		if n := len(list); n > 0 && list[n-1].recipient == cur.recipient {
			// The same recipient twice in a row: one report.
			if list[n-1].status == "" {
				list[n-1].status = cur.status
			}
			return
		}
		list = append(list, cur)
		diags = append(diags, strings.Join(curDiag, " "))
	}
	for _, line := range unfoldDSN(report[start:]) {
		if line == "" {
			inDiag = false
			if cur.recipient != "" || cur.alias != "" {
				flush()
			}
			continue
		}
		if line[0] == ' ' {
			if inDiag {
				curDiag = append(curDiag, strings.TrimSpace(line))
			}
			continue
		}
		f, ok := parseDSNField(line)
		if !ok {
			inDiag = false
			continue
		}
		inDiag = false
		if dsnFields[f.name].perMessage {
			perMessage[f.name] = f
			continue
		}
		switch f.name {
		case "final-recipient":
			if !isAddress(f.value) {
				continue
			}
			if cur.recipient != "" && cur.recipient != f.value {
				flush()
			}
			cur.recipient = f.value
		case "original-recipient", "x-actual-recipient":
			cur.alias = f.value
		case "action":
			cur.action = f.value
		case "status":
			cur.status = f.value
			if f.comment != "" {
				curDiag = append(curDiag, f.comment)
			}
		case "remote-mta":
			cur.rhost = f.value
		case "diagnostic-code":
			cur.spec = f.typ
			if f.value != "" {
				curDiag = append(curDiag, f.value)
			}
			inDiag = true
		case "last-attempt-date":
			cur.date = f.value
		}
	}
	flush()
	if len(list) == 0 {
		return nil
	}
	alt := delivery{}
	if lead != "" {
		alt.command = findCommand(lead)
		alt.replyCode = findReply(lead, list[0].status)
		alt.status = findStatus(lead, alt.replyCode)
	}
	for i := range list {
		d := &list[i]
		if v, ok := perMessage["reporting-mta"]; ok && d.lhost == "" {
			d.lhost = v.value
		}
		if v, ok := perMessage["arrival-date"]; ok && d.date == "" {
			d.date = v.value
		}
		// The diagnostic is the Diagnostic-Code (RFC 3464 §2.3.6); the
		// human-readable text before the status part stands in only when
		// there is none, and otherwise helps classify what the code alone
		// does not tell.
		d.diagnosis = sweep(diags[i])
		if len(list) == 1 && lead != "" {
			if d.diagnosis == "" {
				d.diagnosis = lead
			} else if !strings.Contains(strings.ToLower(d.diagnosis), strings.ToLower(lead)) {
				d.context = lead
			}
		}
		if d.command = findCommand(d.diagnosis); d.command == "" {
			d.command = alt.command
		}
		if d.replyCode = findReply(d.diagnosis, d.status); d.replyCode == "" {
			d.replyCode = alt.replyCode
		}
		if d.status == "" {
			d.status = findStatus(d.diagnosis, d.replyCode)
		}
		if d.status == "" {
			d.status = alt.status
		}
	}
	return &found{list: list, original: original}
}

// leadText is the human-readable text before a status part, as one
// line, without MIME boilerplate.
func leadText(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if line == "" {
			continue
		}
		skip := false
		for _, p := range leadSkip {
			if strings.HasPrefix(line, p) {
				skip = true
				break
			}
		}
		if skip || strings.Contains(line, "--- The follow") || strings.Contains(line, "--- Transcript") {
			continue
		}
		b.WriteString(line)
		b.WriteByte(' ')
	}
	return sweep(b.String())
}

// decodeUnitext undoes the "\\x{HEX}" escapes RFC 6533 §3 allows in a
// utf-8-address, so that the address reads as the characters it names.
func decodeUnitext(s string) string {
	if !strings.Contains(s, `\x{`) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, `\x{`)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		if n, err := strconv.ParseUint(s[i+3:i+j], 16, 32); err == nil && n <= unicode.MaxRune {
			b.WriteRune(rune(n))
		} else {
			b.WriteString(s[i : i+j+1])
		}
		s = s[i+j+1:]
	}
}

// dsnFieldName returns the lower-case name of a DSN field without a new
// string when the name is one of the known fields.
func dsnFieldName(n string) string {
	for k := range dsnFields {
		if len(k) == len(n) && strings.EqualFold(k, n) {
			return k
		}
	}
	return strings.ToLower(n)
}

// unfoldDSN splits a status part into lines and joins each field's
// continuation lines (those starting with white space; tabs are spaces
// by now) to the field, as RFC 3464 §2.1.1 has the fields follow RFC
// 822's folding: "Final-Recipient: rfc822;" with the address on the next
// line reads as one field. A line that continues no DSN field is kept
// as it is.
func unfoldDSN(text string) []string {
	lines := strings.Split(text, "\n")
	out := lines[:0]
	// field is whether the last line kept is a DSN field, decided only
	// when a continuation line follows it (most lines have none).
	field, known := false, false
	for _, l := range lines {
		if l != "" && l[0] == ' ' && len(out) > 0 {
			if !known {
				_, field = parseDSNField(out[len(out)-1])
				known = true
			}
			if field {
				if t := strings.TrimSpace(l); t != "" {
					if n := len(out) - 1; len(out[n]) < maxDiag {
						out[n] += " " + t
					}
				}
				continue
			}
		}
		known = false
		out = append(out, l)
	}
	return out
}
