package bounce

import (
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

// DragonFly Mail Agent (dma): "There was an error delivering your mail
// to <addr>." then "host [ip] did not like our RCPT TO:" and the reply.
func readDragonFly(m *message) *found {
	if !strings.Contains(m.subject(), "Mail delivery failed") || !m.receivedHas(" (DragonFly Mail Agent") {
		return nil
	}
	report, original := splitAt(m.body, "Original message follows.", "Message headers follow")
	var list []delivery
	started := false
	for _, l := range strings.Split(report, "\n") {
		if !started {
			started = strings.HasPrefix(l, "This is the DragonFly Mail Agent ")
			continue
		}
		if l == "" {
			continue
		}
		if strings.HasPrefix(l, "There was an error delivering your mail to <") {
			list = append(list, delivery{recipient: cleanAddress(l[strings.IndexByte(l, '<'):])})
			continue
		}
		if len(list) == 0 {
			continue
		}
		d := &list[len(list)-1]
		grow(&d.diagnosis, " "+l)
		if strings.Contains(l, " did not like our ") && d.rhost == "" {
			// "mx.example.jp [192.0.2.25] did not like our RCPT TO:"
			w := strings.Fields(l)
			if len(w) > 1 {
				if strings.IndexByte(w[0], '.') > 1 {
					d.rhost = w[0]
				} else {
					d.rhost = strings.Trim(w[1], "[]")
				}
			}
			d.command = findCommand(l)
		}
	}
	if len(list) == 0 {
		return nil
	}
	for i := range list {
		d := &list[i]
		d.diagnosis = sweep(d.diagnosis)
		switch {
		case strings.Contains(d.diagnosis, "Could not deliver for the last "):
			d.reason = reason.Expired
		case strings.Contains(d.diagnosis, "DNS lookup failure: host "):
			d.reason = reason.HostUnknown
		}
	}
	return &found{list: list, original: original}
}
