package bounce

import (
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

// OpenSMTPD's own failure texts (smtpd/mta.c, queue.c) by reason.
var openSMTPDMessages = phrases{
	{reason.Expired, []string{"Envelope expired"}},
	{reason.SecurityError, []string{"Could not retrieve credentials"}},
	{reason.HostUnknown, []string{"Invalid domain name", "Domain does not exist"}},
	{reason.NetworkError, []string{"Address family mismatch on destination MXs", "All routes to destination blocked",
		"bad DNS lookup error code", "Could not retrieve source address", "Loop detected",
		"Network error on destination MXs", "No valid route to remote MX", "No valid route to destination",
		"Temporary failure in MX lookup"}},
	{reason.NotAccept, []string{"Destination seem to reject all mails", "No MX found for domain", "No MX found for destination"}},
}

// OpenSMTPD: "This is the MAILER-DAEMON, please DO NOT REPLY to this
// e-mail." then "addr: error" lines.
func readOpenSMTPD(m *message) *found {
	score := 0
	if strings.Contains(m.subject(), "Delivery status notification") {
		score++
	}
	if strings.Contains(m.header.Get("from"), "Mailer Daemon <") {
		score++
	}
	if m.receivedHas(" (OpenSMTPD) with ") {
		score++
	}
	if score == 0 {
		return nil
	}
	report, original := splitAt(m.body, "    Below is a copy of the original message:")
	var list []delivery
	started := false
	for _, l := range strings.Split(report, "\n") {
		if !started {
			started = strings.HasPrefix(l, "    This is the MAILER-DAEMON, please DO NOT REPLY to this")
			continue
		}
		if l == "" || !inOrder(l, "@", " ") {
			continue
		}
		a, diag, _ := strings.Cut(l, ":")
		list = append(list, delivery{recipient: cleanAddress(a), diagnosis: sweep(strings.TrimPrefix(diag, " "))})
	}
	if len(list) == 0 {
		return nil
	}
	for i := range list {
		d := &list[i]
		if r, ok := openSMTPDMessages.match(d.diagnosis); ok {
			d.reason = r
		}
	}
	return &found{list: list, original: original}
}
