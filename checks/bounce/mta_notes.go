package bounce

import (
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

// HCL (Lotus) Notes: "------- Failure Reasons --------", the reason, the
// address alone on a line.
func readNotes(m *message) *found {
	if !strings.HasPrefix(m.subject(), "Undeliverable message") {
		return nil
	}
	report, original := splitAt(m.body, "------- Returned Message --------")
	list := []delivery{{}}
	n := 0
	started := false
	for _, l := range strings.Split(report, "\n") {
		if !started {
			started = strings.HasPrefix(l, "------- Failure Reasons ")
			continue
		}
		if l == "" {
			continue
		}
		d := &list[len(list)-1]
		if strings.IndexByte(l, '@') > 0 && !strings.Contains(l, " ") {
			if !isAddress(l) {
				continue
			}
			if d.recipient != "" {
				list = append(list, delivery{})
				d = &list[len(list)-1]
			}
			d.recipient = l
			n++
		} else if !strings.HasPrefix(l, "-") {
			grow(&d.diagnosis, " "+l)
		}
	}
	if n == 0 {
		a := addressIn(originalHeader(original).Text("to"))
		if a == "" {
			return nil
		}
		list[0].recipient = a
	}
	for i := range list {
		d := &list[i]
		d.diagnosis = sweep(d.diagnosis)
		switch {
		case strings.Contains(d.diagnosis, "Message has exceeded maximum hop count"):
			d.reason = reason.NetworkError
		case hasAny(d.diagnosis, "User not listed in public Name & Address Book", "ディレクトリのリストにありません"):
			d.reason = reason.UserUnknown
		}
	}
	return &found{list: list, original: original}
}
