package bounce

import (
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

// BIGLOBE: "----- The following addresses had delivery problems -----",
// the addresses, "----- Non-delivered information -----" and the reason.
func readBiglobe(m *message) *found {
	if !strings.Contains(strings.ToLower(m.header.Get("from")), "biglobe.ne.jp") ||
		!strings.HasPrefix(m.subject(), "Returned mail:") {
		return nil
	}
	report, original := splitOriginal(m.body, markRFC822)
	var list []delivery
	section := ""
	info := ""
	for _, l := range strings.Split(report, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case strings.Contains(t, "----- The following addresses had delivery problems -----"):
			section = "addresses"
		case strings.Contains(t, "----- Non-delivered information -----"):
			section = "info"
		case t == "" || is8bit(t):
		case section == "addresses" && isAddress(cleanAddress(t)):
			list = append(list, delivery{recipient: cleanAddress(t)})
		case section == "info":
			grow(&info, " "+t)
		}
	}
	if len(list) == 0 {
		return nil
	}
	for i := range list {
		d := &list[i]
		d.diagnosis = sweep(info)
		switch {
		case strings.Contains(d.diagnosis, "The number of messages in recipient's mailbox exceeded the local limit"):
			d.reason = reason.MailboxFull
		case strings.Contains(d.diagnosis, "The desired destination mailbox is not found"):
			d.reason = reason.UserUnknown
		}
	}
	return &found{list: list, original: original}
}
