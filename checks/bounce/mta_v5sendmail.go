package bounce

import (
	"strings"
)

// Sendmail version 5: "Returned mail: …" with the transcript ("While
// talking to host:", ">>> RCPT To:<addr>", "<<< 550 …", "550 <addr>...
// User unknown") and no RFC 3464 part.
func readV5Sendmail(m *message) *found {
	if !strings.HasPrefix(m.subject(), "Returned mail: ") {
		return nil
	}
	report, original := splitAt(m.body, "   ----- Unsent message follows -----", "  ----- No message was collected -----")
	if original == "" {
		return nil
	}
	list := []delivery{{}}
	other := map[int]string{}
	n := 0
	rhost, cmd := "", ""
	started := false
	for _, l := range strings.Split(report, "\n") {
		if !started {
			started = strings.Contains(l, "----- Transcript of session follows -----")
			continue
		}
		if l == "" {
			continue
		}
		d := &list[len(list)-1]
		if strings.HasPrefix(l, ">>> ") {
			cmd = findCommand(l[4:])
		}
		if inOrder(l, " <", "@", ">...") || strings.Contains(strings.ToUpper(l), ">>> RCPT TO:") {
			a := between(l, " <", ">...")
			if a == "" {
				a = between(l, ":<", ">")
			}
			a = cleanAddress(a)
			if rhost == "" {
				other[n] = grown(other[n], " "+l)
				continue
			}
			if a == d.recipient || cmd == "MAIL" && strings.HasPrefix(l, "<<< ") {
				grow(&d.diagnosis, " "+l)
				d.replyCode = findReply(l, "")
				cmd = ""
			} else {
				if d.recipient != "" {
					list = append(list, delivery{})
					d = &list[len(list)-1]
				}
				n++
				d.recipient = a
				d.rhost = rhost
				d.replyCode = findReply(l, "")
				grow(&d.diagnosis, " "+l)
				if d.command == "" {
					d.command = cmd
				}
			}
			continue
		}
		switch {
		case strings.Contains(l, "While talking to "):
			if h := hostOnly(strings.TrimSuffix(between(l, "While talking to ", ""), ":")); isHostName(h) {
				rhost = h
			}
		case prefixAny(l, ">>> ", "<<< "):
			grow(&d.diagnosis, " "+l)
		default:
			other[n] = grown(other[n], " "+l)
		}
	}
	if n == 0 {
		for i := 0; i < len(list); i++ {
			if a := addressIn(other[i]); a != "" {
				list[i].recipient = a
				list[i].replyCode = findReply(other[i], "")
				list[i].diagnosis = other[i]
				n++
			}
		}
		if n == 0 {
			a := cleanAddress(originalHeader(original).Get("to"))
			if !isAddress(a) {
				return nil
			}
			list[0].recipient = a
		}
	}
	var out []delivery
	for i, d := range list {
		if d.diagnosis == "" {
			d.diagnosis = other[i]
		}
		if d.command == "" {
			d.command = findCommand(d.diagnosis)
		}
		d.diagnosis = sweep(d.diagnosis)
		d.replyCode = findReply(d.diagnosis, "")
		if !isAddress(d.recipient) {
			d.recipient = cleanAddress(between(d.diagnosis, "<:", ">"))
		}
		if d.recipient != "" {
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return &found{list: out, original: original}
}
