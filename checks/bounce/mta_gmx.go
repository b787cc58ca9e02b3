package bounce

import (
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

// GMX: "This message was created automatically by mail delivery
// software", then "\"addr\":" with "SMTP error from remote server after
// RCPT command:", "host: mx" and the reply.
func readGMX(m *message) *found {
	if !m.header.Has("x-gmx-antispam") {
		return nil
	}
	report, original := splitAt(m.body, "--- The header of the original message is following. ---")
	var list []delivery
	started := false
	for _, l := range strings.Split(report, "\n") {
		if !started {
			started = strings.HasPrefix(l, "This message was created automatically by mail delivery software")
			continue
		}
		if l == "" {
			continue
		}
		switch {
		case strings.IndexByte(l, '@') > 1 && prefixAny(l, `"`, "<"):
			list = append(list, delivery{recipient: cleanAddress(strings.Trim(l, ":"))})
		case len(list) == 0:
		case strings.HasPrefix(l, "SMTP error "):
			list[len(list)-1].command = findCommand(l)
		case strings.HasPrefix(l, "host: "):
			list[len(list)-1].rhost = l[6:]
		default:
			grow(&list[len(list)-1].diagnosis, l+" ")
		}
	}
	if len(list) == 0 {
		return nil
	}
	for i := range list {
		d := &list[i]
		d.diagnosis = sweep(d.diagnosis)
		if strings.Contains(d.diagnosis, "delivery retry timeout exceeded") {
			d.reason = reason.Expired
		}
	}
	return &found{list: list, original: original}
}
