package bounce

import "strings"

// An MTA nobody has named (Sisimai's "X3"): "This is an automatically
// generated Delivery Status Notification.", "  * addr", then "SMTP:RCPT
// host …" technical details.
func readX3(m *message) *found {
	if !strings.HasPrefix(m.header.Get("from"), "Mail Delivery System") ||
		!strings.HasPrefix(m.subject(), "Delivery status notification") {
		return nil
	}
	report, original := splitOriginal(m.body, markRFC822)
	var c dsnCollector
	started := false
	for _, l := range strings.Split(report, "\n") {
		if !started {
			started = strings.HasPrefix(l, "      This is an automatically generated Delivery Status Notification.")
			continue
		}
		if l == "" {
			continue
		}
		switch {
		case inOrder(l, "  * ", "@", "."):
			d := c.tail()
			if d.recipient != "" {
				c.list = append(c.list, delivery{})
				d = c.tail()
			}
			d.recipient = cleanAddress(between(l, "  * ", ""))
			c.recipients++
		case strings.HasPrefix(l, "SMTP:"):
			d := c.tail()
			if len(l) >= 10 {
				d.command = findCommand(l[4:10])
			}
			d.spec = "SMTP"
			grow(&d.diagnosis, " "+l)
		case strings.HasPrefix(l, "Routing: "):
			grow(&c.tail().diagnosis, " "+l)
		default:
			if f, ok := parseDSNField(l); ok && f.name == "final-recipient" && f.value == c.tail().recipient {
				continue
			}
			c.line(l)
		}
	}
	if c.recipients == 0 {
		return nil
	}
	return &found{list: c.finish(), original: original}
}
