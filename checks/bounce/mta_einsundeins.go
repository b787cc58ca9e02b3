package bounce

import (
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

// 1&1 (EinsUndEins, kundenserver.de): "addr" or "addr:" alone on a line,
// then "For the following reason:" or an Exim-like "SMTP error from
// remote server for TEXT command, host: … reason: 550 …".
func readEinsUndEins(m *message) *found {
	if !strings.HasPrefix(m.header.Get("from"), `"Mail Delivery System"`) ||
		m.subject() != "Mail delivery failed: returning message to sender" {
		return nil
	}
	report, original := splitAt(m.body, "--- The header of the original message is following. ---")
	var list []delivery
	var loose strings.Builder
	started := false
	for _, l := range strings.Split(report, "\n") {
		if !started {
			started = strings.HasPrefix(l, "This message was created automatically by mail delivery software")
			continue
		}
		if l == "" {
			continue
		}
		if inOrder(l, "@", ".") && (strings.HasSuffix(l, ":") || !strings.Contains(strings.TrimSpace(l), " ")) {
			if a := cleanAddress(strings.Trim(strings.TrimSpace(l), ":")); isAddress(a) {
				list = append(list, delivery{recipient: a})
			}
			continue
		}
		if len(list) == 0 {
			continue
		}
		d := &list[len(list)-1]
		switch {
		case strings.HasPrefix(l, "For the following reason:"):
			d.diagnosis = l
		case d.diagnosis != "":
			grow(&d.diagnosis, " "+l)
		default:
			loose.WriteString(" " + l)
		}
	}
	if len(list) == 0 {
		return nil
	}
	for i := range list {
		d := &list[i]
		if d.diagnosis == "" {
			d.diagnosis = loose.String()
		}
		d.command = findCommand(d.diagnosis)
		if inOrder(d.diagnosis, "host: ", " reason:") {
			d.rhost = sweep(between(d.diagnosis, "host: ", " "))
			d.status = findStatus(d.diagnosis, "")
			if strings.Contains(d.diagnosis, "for TEXT command") {
				d.command = "DATA"
			}
			if strings.Contains(d.diagnosis, "SMTP error") {
				d.spec = "SMTP"
			}
		}
		d.diagnosis = sweep(d.diagnosis)
		if strings.Contains(d.diagnosis, "Mail size limit exceeded") {
			d.reason = reason.MesgTooBig
		}
	}
	return &found{list: list, original: original}
}
