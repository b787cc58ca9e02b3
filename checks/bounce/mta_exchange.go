package bounce

import (
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

// Exchange's error codes in "MSEXCH:" lines.
var exchange2003Codes = map[string]reason.Reason{
	"000C05A6": reason.UserUnknown,  // Unknown Recipient
	"000C0595": reason.Filtered,     // Ambiguous Recipient
	"00010256": reason.SystemError,  // Too many recipients
	"000D06B5": reason.SystemError,  // No proxy for recipient
	"00120270": reason.NetworkError, // Too Many Hops
	"00050311": reason.ContentError, // Conversion to Internet format failed
	"000502CC": reason.ContentError,
	"000B0981": reason.SecurityError, // 502 Server does not support AUTH
	"000B099C": reason.OnHold,        // Host unknown, message exceeds size limit…
	"000B09AA": reason.OnHold,        // Unable to relay for…
	"000B09B6": reason.OnHold,        // errors from the remote MTA
}

func isExchange2003(m *message) bool {
	if m.header.Has("x-ms-embedded-report") {
		return true
	}
	xm := m.header.Get("x-mailer")
	if strings.HasPrefix(xm, "Internet Mail Service (") ||
		strings.HasPrefix(xm, "Microsoft Exchange Server Internet Mail Connector") {
		return true
	}
	if strings.HasPrefix(m.header.Get("x-mimeole"), "Produced By Microsoft Exchange") {
		return true
	}
	return m.receivedHas(" with Internet Mail Service (")
}

// Microsoft Exchange Server 2003 and older: "Your message ... did not
// reach the following recipient(s):", each recipient "addr on date" with
// an "MSEXCH:IMS:… (000C05A6) Unknown Recipient" line.
func readExchange2003(m *message) *found {
	if !isExchange2003(m) {
		return nil
	}
	report, original := splitOriginal(m.body, markRFC822)
	var list []delivery
	var other []string
	var msexch []bool
	conn := map[string]string{}
	started, statusPart := false, false
	for _, l := range strings.Split(report, "\n") {
		if !started {
			started = strings.HasPrefix(l, "Your message")
			continue
		}
		if statusPart {
			break
		}
		if len(conn) < 3 {
			for _, f := range []string{"To", "Subject", "Sent"} {
				if _, seen := conn[f]; !seen && (strings.HasPrefix(l, "  "+f+": ") || strings.HasPrefix(l, "      "+f+": ")) {
					conn[f] = strings.TrimSpace(between(l, f+":", ""))
				}
			}
			continue
		}
		switch {
		case inOrder(l, "@", " on "):
			a := between(strings.ToLower(l), ":smtp=", "; on ")
			if a == "" {
				a = strings.TrimSpace(l[:strings.Index(l, " on ")])
			} else {
				// Keep the case the report wrote.
				i := strings.Index(strings.ToLower(l), ":smtp=") + 6
				a = l[i : i+len(a)]
			}
			list = append(list, delivery{recipient: cleanAddress(a)})
			other = append(other, "")
			msexch = append(msexch, false)
		case len(list) == 0:
		case strings.HasPrefix(l, " ") && strings.Contains(l, "MSEXCH:"):
			grow(&list[len(list)-1].diagnosis, strings.TrimLeft(l, " "))
		default:
			i := len(list) - 1
			if msexch[i] {
				continue
			}
			if strings.HasPrefix(list[i].diagnosis, "MSEXCH:") {
				msexch[i] = true
				statusPart = true
				grow(&list[i].diagnosis, " "+l)
			} else {
				grow(&other[i], " "+l)
			}
		}
	}
	if len(list) == 0 {
		return nil
	}
	for i := range list {
		d := &list[i]
		d.diagnosis = sweep(d.diagnosis)
		if inOrder(d.diagnosis, "MSEXCH:", "(", ")") {
			code := between(d.diagnosis, "(", ")")
			text := between(d.diagnosis, ") ", "")
			if r, ok := exchange2003Codes[code]; ok {
				d.reason = r
				d.status = reason.PseudoStatus(r, false)
			}
			d.diagnosis = text
		}
		if d.reason == "" && other[i] != "" {
			d.diagnosis = sweep(other[i] + " " + d.diagnosis)
		}
	}
	if original == "" {
		original = "From: " + conn["To"] + "\nSubject: " + conn["Subject"] + "\nDate: " + conn["Sent"] + "\n"
	}
	return &found{list: list, original: original}
}
