package bounce

import (
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

// Helpers the server-specific readers share.

// subject is the decoded Subject of the bounce.
func (m *message) subject() string {
	if !m.subjectDone {
		m.subjectText, m.subjectDone = m.header.Text("subject"), true
	}
	return m.subjectText
}

// between returns the text after left up to right ("" for right means to
// the end of s); "" when left is not in s.
func between(s, left, right string) string {
	i := strings.Index(s, left)
	if i < 0 {
		return ""
	}
	s = s[i+len(left):]
	if right == "" {
		return s
	}
	if j := strings.Index(s, right); j >= 0 {
		return s[:j]
	}
	return ""
}

// hasAny reports whether s contains any of words.
func hasAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// phrases tells reasons by the wording of a server's own messages: the
// first entry, in table order, with a text s contains (case as written)
// gives the reason.
type phrases []struct {
	reason reason.Reason
	texts  []string
}

// match returns the reason of the first entry with a text in s.
func (p phrases) match(s string) (reason.Reason, bool) {
	for _, e := range p {
		if hasAny(s, e.texts...) {
			return e.reason, true
		}
	}
	return "", false
}

// prefixAny reports whether s starts with any of words.
func prefixAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.HasPrefix(s, w) {
			return true
		}
	}
	return false
}

// receivedHas reports whether any Received field contains s.
func (m *message) receivedHas(s string) bool {
	for _, r := range m.header.All("received") {
		if strings.Contains(r, s) {
			return true
		}
	}
	return false
}

// splitAt cuts the text at the first of the markers (at a line start or
// anywhere, as the format writes it) and returns the report before it and
// the returned message after the marker's line.
func splitAt(body string, markers ...string) (string, string) {
	best, mark := -1, ""
	for _, m := range markers {
		i := strings.Index(body, m)
		if i >= 0 && (best < 0 || i < best) {
			best, mark = i, m
		}
	}
	if best < 0 {
		return body, ""
	}
	rest := body[best+len(mark):]
	if i := strings.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[i+1:]
	} else {
		rest = ""
	}
	return body[:best], strings.TrimLeft(rest, "\n")
}

// dsnCollector gathers RFC 3464 fields that appear among other lines of
// a server's own report: each Final-Recipient starts a recipient, other
// fields go to the last one, Diagnostic-Code may continue on indented
// lines.
type dsnCollector struct {
	list       []delivery
	perMessage map[string]string
	inDiag     bool
	recipients int
}

func (c *dsnCollector) tail() *delivery {
	if len(c.list) == 0 {
		c.list = append(c.list, delivery{})
	}
	return &c.list[len(c.list)-1]
}

// line takes one line and reports whether it was a DSN field (or the
// continuation of a diagnostic).
func (c *dsnCollector) line(l string) bool {
	if l == "" {
		c.inDiag = false
		return false
	}
	if (l[0] == ' ' || l[0] == '\t') && c.inDiag {
		d := c.tail()
		grow(&d.diagnosis, " "+strings.TrimSpace(l))
		return true
	}
	f, ok := parseDSNField(l)
	if !ok {
		c.inDiag = false
		return false
	}
	c.inDiag = false
	if dsnFields[f.name].perMessage {
		if c.perMessage == nil {
			c.perMessage = map[string]string{}
		}
		c.perMessage[f.name] = f.value
		return true
	}
	switch f.name {
	case "final-recipient":
		d := c.tail()
		if d.recipient != "" {
			c.list = append(c.list, delivery{})
			d = c.tail()
		}
		d.recipient = f.value
		if f.typ != "" && !strings.EqualFold(f.typ, "rfc822") && !strings.EqualFold(f.typ, "utf-8") {
			d.spec = strings.ToUpper(f.typ)
		}
		c.recipients++
	case "original-recipient", "x-actual-recipient":
		c.tail().alias = f.value
	case "action":
		c.tail().action = f.value
	case "status":
		d := c.tail()
		d.status = f.value
	case "remote-mta":
		c.tail().rhost = f.value
	case "diagnostic-code":
		d := c.tail()
		d.spec = f.typ
		d.diagnosis = f.value
		c.inDiag = true
	case "last-attempt-date":
		c.tail().date = f.value
	}
	return true
}

// finish applies the per-message fields and drops entries without a
// recipient.
func (c *dsnCollector) finish() []delivery {
	var out []delivery
	for _, d := range c.list {
		if d.recipient == "" {
			continue
		}
		if d.lhost == "" {
			d.lhost = c.perMessage["reporting-mta"]
		}
		if d.date == "" {
			d.date = c.perMessage["arrival-date"]
		}
		d.diagnosis = sweep(d.diagnosis)
		out = append(out, d)
	}
	return out
}

// addressBlocks reads the common plain-text layout "<addr>:" followed by
// the lines of its error, one block per recipient, from the first line
// start accepts on.
func addressBlocks(report string, start func(string) bool) []delivery {
	var list []delivery
	started := start == nil
	for _, l := range strings.Split(report, "\n") {
		if !started {
			started = start(l)
			continue
		}
		if l == "" {
			continue
		}
		if strings.HasPrefix(l, "<") && inOrder(l, "<", "@", ">:") {
			list = append(list, delivery{recipient: cleanAddress(between(l, "<", ">"))})
			continue
		}
		if len(list) > 0 {
			grow(&list[len(list)-1].diagnosis, " "+l)
		}
	}
	for i := range list {
		list[i].diagnosis = sweep(list[i].diagnosis)
	}
	return list
}

// maxDiag bounds the text gathered for one recipient: enough for any
// real diagnostic, and it keeps a hostile report from costing more than
// its size.
const maxDiag = 32 << 10

// grow appends to the text gathered so far, up to maxDiag.
func grow(s *string, more string) {
	if len(*s) < maxDiag {
		*s += more
	}
}

// grown is grow for values that cannot be addressed (map entries).
func grown(s, more string) string {
	grow(&s, more)
	return s
}

// is8bit reports whether s has a byte outside ASCII: the Japanese lines
// of a notice that repeats itself in English.
func is8bit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return true
		}
	}
	return false
}
