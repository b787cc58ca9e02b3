package bounce

import (
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

// au by KDDI (dion.ne.jp): "Your mail sent on: date", "Could not be
// delivered to: <addr>" and a one-line reason.
func readKDDI(m *message) *found {
	from := m.header.Get("from")
	if !hasAny(from, "no-reply@.", ".dion.ne.jp") && !strings.Contains(m.header.Get("reply-to"), "no-reply@app.auone-net.jp") &&
		!m.receivedHas("ezweb.ne.jp (") && !m.receivedHas(".au.com (") {
		return nil
	}
	report, original := splitOriginal(m.body, markRFC822)
	var list []delivery
	date := ""
	started := false
	for _, l := range strings.Split(report, "\n") {
		if !started {
			started = strings.HasPrefix(l, "Your mail sent on:") || strings.HasPrefix(l, "Your mail attempted to be delivered on:")
		}
		if !started || l == "" {
			continue
		}
		switch {
		case strings.Contains(l, " Could not be delivered to: <"):
			if a := cleanAddress(between(l, ": <", ">")); isAddress(a) {
				list = append(list, delivery{recipient: a, date: date})
			}
		case strings.Contains(l, "Your mail sent on: "):
			date = between(l, "Your mail sent on: ", "")
		case strings.HasPrefix(l, " ") && len(list) > 0:
			grow(&list[len(list)-1].diagnosis, l+" ")
		}
	}
	if len(list) == 0 {
		return nil
	}
	spam := strings.EqualFold(m.header.Get("x-spasign"), "NG")
	for i := range list {
		d := &list[i]
		d.diagnosis = sweep(d.diagnosis)
		d.command = findCommand(d.diagnosis)
		switch {
		case spam:
			d.reason = reason.Filtered
		case d.command == "RCPT":
			d.reason = reason.UserUnknown
		case strings.Contains(d.diagnosis, "As their mailbox is full"):
			d.reason = reason.MailboxFull
		case strings.Contains(d.diagnosis, "Due to the following SMTP relay error"):
			d.reason = reason.NoRelaying
		case strings.Contains(d.diagnosis, "As the remote domain doesnt exist"):
			d.reason = reason.HostUnknown
		}
	}
	return &found{list: list, original: original}
}
