package bounce

import (
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

// Sendmail (V8, and Sentrion): "Returned mail: see transcript for
// details" with the session transcript ("----- Transcript of session
// follows -----", ">>> RCPT", "<<< 550 …") before an RFC 3464 part.
func readSendmail(m *message) *found {
	if m.header.Has("x-aol-ip") {
		return nil // AOL's own format
	}
	subj := m.subject()
	if !strings.HasPrefix(subj, "Warning: ") && !strings.HasSuffix(subj, "see transcript for details") {
		return nil
	}
	report, original := splitOriginal(m.body, markRFC822, markHeaders)
	var c dsnCollector
	started, sessionErr := false, false
	command := ""
	var replies []string
	other := struct{ recipient, diagnosis, status string }{}
	for _, l := range strings.Split(report, "\n") {
		if !started {
			started = strings.HasPrefix(l, "   ----- Transcript of session follows -----")
			continue
		}
		if c.line(l) || l == "" {
			continue
		}
		if l[0] == ' ' {
			continue
		}
		switch {
		case strings.HasPrefix(l, ">>> "):
			if command == "" {
				command = findCommand(l)
			}
		case strings.HasPrefix(l, "<<< "):
			r := l[4:]
			dup := false
			for _, x := range replies {
				if x == r {
					dup = true
				}
			}
			if !dup {
				replies = append(replies, r)
			}
		case sessionErr:
		case strings.HasPrefix(l, "... while talking to "):
			sessionErr = true
		case strings.HasPrefix(l, "<") && inOrder(l, "@", ">.", " "):
			// <kijitora@example.co.jp>... Deferred: Name server: example.co.jp.: host name lookup failure
			other.recipient = between(l, "<", ">")
			if i := strings.IndexByte(l, ' '); i >= 0 {
				other.diagnosis = l[i+1:]
			}
		default:
			x, y := findReply(l, ""), findStatus(l, "")
			if len(x+y) > 7 {
				other.status = y
				grow(&other.diagnosis, " "+l)
			} else if prefixAny(l, "Message: ", "Warning: ") {
				grow(&other.diagnosis, " "+l)
			}
		}
	}
	if c.recipients == 0 {
		return nil
	}
	list := c.finish()
	for i := range list {
		d := &list[i]
		if other.diagnosis != "" && (d.diagnosis == "" || onlyDigits(d.diagnosis)) {
			d.diagnosis = other.diagnosis
		}
		if len(replies) > 0 && len(list) == 1 {
			d.diagnosis = strings.Join(replies, " ") + " " + d.diagnosis
		}
		d.diagnosis = sweep(d.diagnosis)
		if d.command == "" {
			d.command = command
		}
		if d.command == "" {
			d.command = findCommand(d.diagnosis)
		}
		if d.command == "" && len(replies) > 0 {
			d.command = "EHLO"
		}
		if other.status != "" && !reason.ValidStatus(d.status) {
			d.status = other.status
		}
		if strings.HasPrefix(d.recipient, "@") {
			if a := addressIn(d.diagnosis); a != "" {
				d.recipient = a
			}
		}
	}
	return &found{list: list, original: original}
}

func onlyDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
