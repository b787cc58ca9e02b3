package bounce

import (
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

var ezwebMessages = phrases{
	{reason.Expired, []string{"Your message was not delivered within "}},
	{reason.MailboxFull, []string{"The user(s) account is temporarily over quota"}},
	{reason.OnHold, []string{"Each of the following recipients was rejected by a remote mail server"}},
	{reason.Suspend, []string{"The user(s) account is disabled.", "The user(s) account is temporarily limited."}},
}

// au (KDDI) EZweb: "Mail System Error - Returned Mail" from
// Postmaster@ezweb.ne.jp, an English note ("The user(s) account is
// disabled.") and "<addr>: 550 user unknown" or a transcript.
func readEZweb(m *message) *found {
	score := 0
	from := m.header.Get("from")
	if strings.Contains(from, "Postmaster@ezweb.ne.jp") {
		score++
	}
	if strings.Contains(from, "Postmaster@au.com") {
		score++
	}
	if m.subject() == "Mail System Error - Returned Mail" {
		score++
	}
	if m.receivedHas("ezweb.ne.jp (EZweb Mail) with") || m.receivedHas(".au.com (") {
		score++
	}
	id := m.header.Get("message-id")
	if strings.Contains(id, ".ezweb.ne.jp>") || strings.Contains(id, ".au.com>") {
		score++
	}
	if score < 2 {
		return nil
	}
	report, original := splitAt(m.body, "--------------------------------------------------", markRFC822)
	list := []delivery{{}}
	n := 0
	started := false
	for _, l := range strings.Split(report, "\n") {
		if !started {
			started = prefixAny(l, "The user(s) ", "Your message ", "Each of the following", "<")
		}
		if !started || l == "" {
			continue
		}
		d := &list[len(list)-1]
		if inOrder(l, "<", "@", ">") && (strings.Index(l, "Recipient: <") > 1 || strings.HasPrefix(l, "<")) {
			if d.recipient != "" {
				list = append(list, delivery{})
				d = &list[len(list)-1]
			}
			d.recipient = cleanAddress(between(l, "<", ">"))
			grow(&d.diagnosis, " "+l)
			n++
			continue
		}
		if f, ok := parseDSNField(l); ok {
			switch f.name {
			case "status":
				d.status = f.value
			case "action":
				d.action = f.value
			case "diagnostic-code":
				grow(&d.diagnosis, " "+f.value)
			}
			continue
		}
		if is8bit(l) {
			continue
		}
		if strings.Contains(l, " >>> ") {
			d.command = findCommand(l)
		}
		grow(&d.diagnosis, " "+l)
	}
	if n == 0 {
		return nil
	}
	spam := strings.EqualFold(m.header.Get("x-spasign"), "NG")
	for i := range list {
		d := &list[i]
		d.diagnosis = sweep(d.diagnosis)
		if d.command == "" {
			d.command = findCommand(d.diagnosis)
		}
		if spam {
			// X-SPASIGN: NG marks what au's filter refused.
			d.reason = reason.Filtered
		} else if r, ok := ezwebMessages.match(d.diagnosis); ok {
			d.reason = r
		}
		if d.reason == "" && !strings.Contains(d.recipient, "@ezweb.ne.jp") && !strings.Contains(d.recipient, "@au.com") &&
			strings.HasPrefix(d.diagnosis, "<") {
			d.reason = reason.UserUnknown
		}
	}
	return &found{list: list, original: original}
}
