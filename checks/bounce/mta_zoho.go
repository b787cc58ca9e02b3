package bounce

import (
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

// Zoho Mail: "addr Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 …"
// or "[Status: Error, Address: <addr>, ResponseCode 421, …]".
func readZoho(m *message) *found {
	if !m.header.Has("x-zohomail") {
		return nil
	}
	report, original := m.body, ""
	if i := strings.Index(m.body, "\n\nReceived:"); i >= 0 {
		report, original = m.body[:i+1], m.body[i+2:]
	}
	list := []delivery{{}}
	n := 0
	started := false
	for _, l := range strings.Split(report, "\n") {
		if !started {
			started = strings.HasPrefix(l, "This message was created automatically by mail delivery")
			continue
		}
		if l == "" {
			continue
		}
		d := &list[len(list)-1]
		if inOrder(l, "@", " ", "ERROR_CODE :") || strings.HasPrefix(l, "[Status: ") {
			if d.recipient != "" {
				list = append(list, delivery{})
				d = &list[len(list)-1]
			}
			d.recipient = addressIn(l)
			grow(&d.diagnosis, " "+l)
			n++
		} else if !strings.HasPrefix(l, "-----") {
			grow(&d.diagnosis, " "+l)
		}
	}
	if n == 0 {
		return nil
	}
	for i := range list {
		d := &list[i]
		d.diagnosis = sweep(d.diagnosis)
		if strings.Contains(d.diagnosis, "Host not reachable") {
			d.reason = reason.Expired
		}
	}
	return &found{list: list, original: original}
}
