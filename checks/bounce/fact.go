package bounce

import (
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/relayctl/relayctl/checks/bounce/reason"
	"github.com/relayctl/relayctl/checks/internal/mimex"
)

// originalHeader reads the header block of the returned message; what
// follows it (the returned body) is ignored.
func originalHeader(text string) header {
	if text == "" {
		return nil
	}
	h, _ := mimex.SplitHeaderText(strings.TrimLeft(text, "\n"))
	return h
}

// parseDate reads a date in the forms RFC 5322 allows and the ones
// mailers write anyway, and returns it as RFC 3339; "" when nothing
// reads.
func parseDate(v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	if i := strings.IndexByte(v, ';'); i >= 0 {
		// "dns; Thu, 29 Apr 2013 ..." or a Received-style tail
		v = strings.TrimSpace(v[i+1:])
	}
	// A trailing comment such as "(JST)" goes first: it is where most
	// attempts would fail.
	if i := strings.IndexByte(v, '('); i > 0 {
		v = strings.TrimSpace(v[:i])
	}
	if t, ok := quickDate(v); ok {
		return t.Format(time.RFC3339)
	}
	if t, err := mail.ParseDate(v); err == nil {
		return t.Format(time.RFC3339)
	}
	for _, layout := range []string{
		time.RFC3339, "Mon, 2 Jan 2006 15:04:05 -0700 MST", "Mon, _2 Jan 2006 15:04:05 MST",
		"Mon Jan _2 15:04:05 2006", "Mon Jan _2 15:04:05 MST 2006", "Mon, 2 Jan 2006 15:04 -0700",
		"2 Jan 2006 15:04:05 -0700", "2006/01/02 15:04:05", "Mon, 2 Jan 2006 15:04:05",
		"Mon Jan 2 15:04:05 -0700 2006",
	} {
		if len(v) < 10 || !isDigit(v[len(v)-1]) && layout[len(layout)-1] != 'T' {
			break
		}
		if t, err := time.Parse(layout, v); err == nil {
			return t.Format(time.RFC3339)
		}
	}
	return ""
}

// messageID keeps what is inside the angle brackets of a Message-ID
// field, with the brackets.
func messageID(v string) string {
	v = strings.TrimSpace(v)
	i := strings.IndexByte(v, '<')
	j := strings.LastIndexByte(v, '>')
	if i >= 0 && j > i {
		return v[i : j+1]
	}
	if v != "" && strings.Contains(v, "@") && !strings.ContainsAny(v, " \t") {
		return "<" + v + ">"
	}
	return ""
}

// indexFold returns the index of the first occurrence of the lower-case
// ASCII word w in s in any case, -1 when there is none. Unlike searching
// strings.ToLower(s), it needs no copy and its index is one into s.
func indexFold(s, w string) int {
	if w == "" {
		return 0
	}
	lo, up := w[0], w[0]
	if 'a' <= lo && lo <= 'z' {
		up = lo - 'a' + 'A'
	}
	for i := 0; i+len(w) <= len(s); i++ {
		if c := s[i]; c != lo && c != up {
			continue
		}
		if strings.EqualFold(s[i:i+len(w)], w) {
			return i
		}
	}
	return -1
}

// stripHTML removes an HTML document from a diagnostic.
func stripHTML(s string) string {
	p1, p2 := indexFold(s, "<html>"), indexFold(s, "</html>")
	if p1 > 0 && p2 > p1 {
		return s[:p1] + " " + s[p2+7:]
	}
	return s
}

// cleanDiagnostic finds the codes in a diagnostic and removes the
// repeated "550-5.7.1" prefixes of a multi-line SMTP reply, keeping one
// at the front.
func cleanDiagnostic(diag, status, reply string) (string, string, string) {
	if diag == "" {
		return diag, status, reply
	}
	cs := findStatus(diag, "")
	cr := findReply(diag, cs)
	status = preferStatus(status, cs, cr)
	if len(cr) == 3 {
		if reply == "" {
			reply = cr
		}
		if strings.Contains(diag, cr+"-") {
			for _, sep := range []string{"-", " "} {
				if cs != "" {
					diag = strings.ReplaceAll(diag, cr+sep+cs, "")
				}
				diag = strings.ReplaceAll(diag, cr+sep, "")
			}
			if strings.Contains(diag, cr) {
				diag = cr + " " + cs + " " + diag
			}
		}
	}
	return sweep(stripHTML(diag)), status, reply
}

// build applies the general rules to what a reader found: codes, the
// reason, hard or soft, a pseudo status code when there is none, and
// the original message's facts.
func build(m *message, f *found, agent string) []Record {
	orig := originalHeader(f.original)
	origFrom := addressIn(orig.Text("from"))
	if origFrom == "" {
		origFrom = addressIn(orig.Text("return-path"))
	}
	if origFrom == "" {
		origFrom = addressIn(m.header.Text("to"))
	}
	origID := messageID(orig.Get("message-id"))
	var out []Record
	for _, d := range f.list {
		rcpt := normalizeRecipient(d.recipient)
		if !isAddress(rcpt) {
			continue
		}
		diag, status, reply := cleanDiagnostic(d.diagnosis, d.status, d.replyCode)
		if !validStatusOrEmpty(status) {
			status = ""
		}
		spec := strings.ToUpper(d.spec)
		if spec == "" {
			switch d.reason {
			case reason.MailerError:
				spec = "X-UNIX"
			case reason.Feedback, reason.Vacation:
			default:
				spec = "SMTP"
			}
		}
		cmd := d.command
		if !reason.ValidCommand(cmd) {
			cmd = ""
		}
		rhost, lhost := hostOnly(d.rhost), hostOnly(d.lhost)
		if rhost == "" {
			rhost = hostInText(diag)
		}
		if lhost == rhost {
			lhost = ""
		}
		if lhost == "" {
			lhost = firstReceivedBy(m.header)
		}
		in := reason.Input{
			Reason: d.reason, Status: status, ReplyCode: reply, Diagnostic: diag,
			DiagnosticType: spec, Action: d.action, Command: cmd, Recipient: rcpt,
			RemoteMTA: rhost, ReportingMTA: lhost,
		}
		r := reason.Classify(in)
		if (r == reason.OnHold || r == reason.Undefined) && d.context != "" {
			in.Diagnostic = sweep(d.context + " " + diag)
			r = reason.Classify(in)
		}
		hard := false
		if !reason.NotFailure(r) {
			cv := status + " " + diag
			if len(cv) < 4 {
				cv = ""
			}
			hard = reason.IsHard(r, strings.TrimSpace(cv))
		} else if r != reason.Delivered {
			reply = ""
		}
		if status == "" {
			ce := reply + " " + diag
			if len(ce) < 4 {
				ce = ""
			}
			status = reason.PseudoStatus(r, reason.IsTemporary(strings.TrimSpace(ce)))
		}
		if status != "" && reply != "" && status[0] != reply[0] {
			if c := findReply(diag, status[:1]); strings.HasPrefix(c, status[:1]) {
				reply = c
			} else {
				reply = ""
			}
		}
		action := normalizeAction(d.action)
		switch action {
		case "failed", "delayed", "delivered", "relayed", "expanded":
		default:
			action = ""
		}
		switch {
		case r == reason.Delivered:
			action = "delivered"
		case r == reason.Expired && action == "" && isWarning(m.subject()):
			// A delay warning without a status part to say so.
			action = "delayed"
		case action == "delayed" && strings.HasSuffix(status, ".4.7"):
			// X.4.7 "delivery time expired" (RFC 3463 §3.5): the message
			// was given up on, whatever the Action says (OpenSMTPD reports
			// an expired envelope as "delayed").
			action = "failed"
		case action == "" && (r == reason.Expired || status != "" && (status[0] == '4' || status[0] == '5')):
			action = "failed"
		}
		date := parseDate(d.date)
		if date == "" {
			date = parseDate(orig.Get("date"))
		}
		if date == "" {
			date = parseDate(m.header.Get("date"))
		}
		rec := Record{
			Recipient: rcpt, Reason: r, Hard: hard, Status: status, Action: action,
			Diagnostic: diag, RemoteMTA: rhost, ReportingMTA: lhost, SMTPCommand: cmd,
			OriginalMessageID: origID, OriginalFrom: origFrom, Date: date,
			Agent: strings.ToLower(firstNonEmpty(d.agent, agent)), FeedbackType: d.feedbackType,
			SourceIP: d.sourceIP,
		}
		if n, err := strconv.Atoi(reply); err == nil {
			rec.ReplyCode = n
		}
		if a := normalizeRecipient(d.alias); a != rcpt && isAddress(a) {
			rec.Alias = a
		}
		out = append(out, rec)
	}
	return out
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func validStatusOrEmpty(s string) bool {
	return s == "" || reason.ValidStatus(s)
}

// hostOnly tidies a host as reports write it: "dns; mx.example.org",
// "[192.0.2.1]", "mx.example.org (192.0.2.1)", an address.
func hostOnly(v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	if i := strings.IndexByte(v, ';'); i >= 0 {
		v = strings.TrimSpace(v[i+1:])
	}
	if i := strings.IndexByte(v, '@'); i >= 0 {
		v = v[i+1:]
	}
	if i := strings.IndexByte(v, '='); i >= 0 {
		v = v[i+1:]
	}
	fs := strings.FieldsFunc(v, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '(' || r == ')' || r == '[' || r == ']'
	})
	if len(fs) == 0 {
		return ""
	}
	v = fs[0]
	for _, w := range fs {
		if !looksIPv4(w) {
			v = w
			break
		}
	}
	return strings.ToLower(strings.TrimSuffix(v, "."))
}

func looksIPv4(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
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

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isHostName reports whether s can be an internet host name: labels of
// letters, digits and hyphens, at least one dot, a top-level label of
// letters.
func isHostName(s string) bool {
	if len(s) < 4 || len(s) > 253 || !strings.Contains(s, ".") {
		return false
	}
	labels := strings.Split(s, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '-') {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	for i := 0; i < len(tld); i++ {
		if isDigit(tld[i]) {
			return false
		}
	}
	return len(tld) >= 2
}

// hostInText finds the remote host named in a diagnostic: "host X[ip]",
// "X said:", "from X", "at X" — the first word that is a host name after
// one of those.
func hostInText(s string) string {
	l := strings.ToLower(s)
	for _, lead := range []string{"host ", "remote host ", "mx ", "server ", "by "} {
		i := strings.Index(l, lead)
		if i < 0 {
			continue
		}
		rest := l[i+len(lead):]
		w := strings.FieldsFunc(rest, func(r rune) bool {
			return r == ' ' || r == '[' || r == ']' || r == '(' || r == ')' || r == ',' || r == ':' || r == '<' || r == '>' || r == ';'
		})
		if len(w) > 0 {
			h := strings.TrimSuffix(w[0], ".")
			if isHostName(h) {
				return h
			}
		}
	}
	return ""
}

// firstReceivedBy returns the host that received the bounce first: the
// "by" host of the last Received field.
func firstReceivedBy(h header) string {
	rs := h.All("received")
	for i := len(rs) - 1; i >= 0; i-- {
		l := strings.ToLower(rs[i])
		j := strings.Index(l, " by ")
		if j < 0 {
			if strings.HasPrefix(l, "by ") {
				j = -1
			} else {
				continue
			}
		}
		w := strings.Fields(l[j+4:])
		if len(w) > 0 && isHostName(strings.Trim(w[0], "()[];")) {
			return strings.Trim(w[0], "()[];")
		}
	}
	return ""
}

var months = map[string]time.Month{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7,
	"aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}

// quickDate reads the common RFC 5322 §3.3 form "[Mon, ]2 Jan 2006
// 15:04[:05] -0700" without the allocations of trying layouts that fail;
// anything else is left to mail.ParseDate.
func quickDate(v string) (time.Time, bool) {
	f := strings.Fields(v)
	if len(f) > 0 && strings.HasSuffix(f[0], ",") {
		f = f[1:]
	}
	if len(f) != 5 {
		return time.Time{}, false
	}
	num := func(s string, lo, hi int) (int, bool) {
		if s == "" || len(s) > 4 {
			return 0, false
		}
		n := 0
		for i := 0; i < len(s); i++ {
			if !isDigit(s[i]) {
				return 0, false
			}
			n = n*10 + int(s[i]-'0')
		}
		return n, n >= lo && n <= hi
	}
	day, ok1 := num(f[0], 1, 31)
	mon, ok2 := months[strings.ToLower(f[1])]
	year, ok3 := num(f[2], 0, 9999)
	if !ok1 || !ok2 || !ok3 || len(f[2]) < 4 {
		return time.Time{}, false
	}
	hms := strings.Split(f[3], ":")
	if len(hms) < 2 || len(hms) > 3 {
		return time.Time{}, false
	}
	hh, ok4 := num(hms[0], 0, 23)
	mm, ok5 := num(hms[1], 0, 59)
	ss, ok6 := 0, true
	if len(hms) == 3 {
		ss, ok6 = num(hms[2], 0, 60)
	}
	z := f[4]
	if !ok4 || !ok5 || !ok6 || len(z) != 5 || z[0] != '+' && z[0] != '-' {
		return time.Time{}, false
	}
	zh, ok7 := num(z[1:3], 0, 99)
	zm, ok8 := num(z[3:], 0, 59)
	if !ok7 || !ok8 {
		return time.Time{}, false
	}
	off := zh*3600 + zm*60
	if z[0] == '-' {
		off = -off
	}
	return time.Date(year, mon, day, hh, mm, ss, 0, time.FixedZone("", off)), true
}

// delayWords start the Subject of a delay warning, as the MTAs write
// it: Sendmail's "Warning: could not send message for past 4 hours",
// Exim's "Warning: message 1abc-… delayed 24 hours", Postfix's "Delayed
// Mail (still being retried)", qmail-style and Exchange's "Delivery
// delayed".
var delayWords = []string{"warning:", "delayed mail", "delivery delayed", "delivery status notification (delay)",
	"message delayed", "delayed:", "still being retried"}

// isWarning reports whether a Subject announces a delay, not a failure.
func isWarning(subject string) bool {
	s := strings.ToLower(strings.TrimSpace(subject))
	for _, w := range delayWords {
		if strings.HasPrefix(s, w) || w == "still being retried" && strings.Contains(s, w) {
			return true
		}
	}
	return false
}
