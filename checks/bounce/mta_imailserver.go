package bounce

import (
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

var iMailMessages = phrases{
	{reason.HostUnknown, []string{"Unknown host"}},
	{reason.UserUnknown, []string{"Unknown user", "Invalid final delivery userid"}},
	{reason.MailboxFull, []string{"User mailbox exceeds allowed size"}},
	{reason.VirusDetected, []string{"Requested action not taken: virus detected"}},
	{reason.SpamDetected, []string{"Blacklisted URL in message"}},
	{reason.Expired, []string{"Delivery failed "}},
}

// Progress iMail Server: "Unknown user: addr" (or "undeliverable to
// addr") and "Body of message generated response:".
func readIMail(m *message) *found {
	if !strings.HasPrefix(m.subject(), "Undeliverable Mail ") && !strings.HasPrefix(m.header.Get("x-mailer"), "<SMTP32 v") {
		return nil
	}
	report, original := splitAt(m.body, "Original message follows.")
	var list []delivery
	var response strings.Builder
	for _, l := range strings.Split(report, "\n") {
		if strings.Index(l, ": ") > 8 && inOrder(l, ": ", "@") || strings.HasPrefix(l, "undeliverable ") {
			list = append(list, delivery{diagnosis: l, recipient: addressIn(l)})
			continue
		}
		if strings.Contains(l, "Body of message generated response:") {
			response.WriteString(l)
		} else if response.Len() > 0 {
			response.WriteString(" " + l)
		}
	}
	if len(list) == 0 {
		return nil
	}
	for i := range list {
		d := &list[i]
		d.diagnosis = sweep(response.String() + " " + d.diagnosis)
		d.command = findCommand(d.diagnosis)
		if r, ok := iMailMessages.match(d.diagnosis); ok {
			d.reason = r
		}
	}
	if !strings.Contains(original, "\nFrom: ") && !strings.HasPrefix(original, "From: ") {
		original = "From: " + m.header.Get("to") + "\n" + original
	}
	return &found{list: list, original: original}
}
