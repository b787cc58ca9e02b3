package bounce

import (
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

// Digital Arts m-FILTER: the address alone on a line, then "-------server
// message" and "-------SMTP command" sections.
func readMFilter(m *message) *found {
	if m.subject() != "failure notice" || m.header.Get("x-mailer") != "m-FILTER" {
		return nil
	}
	report, original := splitAt(m.body, "-------original message", "-------original mail info")
	var list []delivery
	inServer, inCommand := false, false
	for _, l := range strings.Split(report, "\n") {
		if l == "" {
			continue
		}
		if strings.IndexByte(l, '@') > 0 && !strings.Contains(l, " ") {
			if isAddress(l) {
				list = append(list, delivery{recipient: l})
			}
			continue
		}
		if len(list) == 0 {
			continue
		}
		d := &list[len(list)-1]
		switch {
		case l == "-------server message":
			inServer = true
		case l == "-------SMTP command":
			inServer, inCommand = false, true
		case inServer && d.diagnosis == "":
			d.diagnosis = l
			inServer = false
		case inCommand && reason.ValidCommand(strings.ToUpper(strings.Fields(l + " x")[0])):
			d.command = strings.ToUpper(strings.Fields(l)[0])
			inCommand = false
		}
	}
	if len(list) == 0 {
		return nil
	}
	for i := range list {
		list[i].diagnosis = sweep(list[i].diagnosis)
	}
	return &found{list: list, original: original}
}
