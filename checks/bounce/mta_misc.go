package bounce

import (
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

// Smaller formats with a layout of their own.

func init() {
	vendors = append(vendors,
		vendor{name: "x2", subjects: []string{"delivery failure", "failure delivery", "failed delivery"}, read: readX2},
	)
}

// An MTA nobody has named (Sisimai's "X2"): "Unable to deliver message
// to the following address(es)." then "<addr>:" blocks.
func readX2(m *message) *found {
	if !strings.Contains(m.header.get("from"), "MAILER-DAEMON@") &&
		!prefixAny(m.subject(), "Delivery failure", "failure delivery", "failed delivery") {
		return nil
	}
	report, original := splitAt(m.body, "--- Original message follows.")
	list := addressBlocks(report, func(l string) bool {
		return strings.HasPrefix(l, "Unable to deliver message to the following address")
	})
	if len(list) == 0 {
		return nil
	}
	return &found{list: list, original: original}
}

// OpenSMTPD: "This is the MAILER-DAEMON, please DO NOT REPLY to this
// e-mail." then "addr: error" lines.
func init() {
	vendors = append(vendors, vendor{name: "opensmtpd", subjects: []string{"delivery status notification"}, read: readOpenSMTPD})
}

// OpenSMTPD's own failure texts (smtpd/mta.c, queue.c) by reason.
var openSMTPDMessages = []struct {
	reason string
	texts  []string
}{
	{reason.Expired, []string{"Envelope expired"}},
	{reason.SecurityError, []string{"Could not retrieve credentials"}},
	{reason.HostUnknown, []string{"Invalid domain name", "Domain does not exist"}},
	{reason.NetworkError, []string{"Address family mismatch on destination MXs", "All routes to destination blocked",
		"bad DNS lookup error code", "Could not retrieve source address", "Loop detected",
		"Network error on destination MXs", "No valid route to remote MX", "No valid route to destination",
		"Temporary failure in MX lookup"}},
	{reason.NotAccept, []string{"Destination seem to reject all mails", "No MX found for domain", "No MX found for destination"}},
}

func readOpenSMTPD(m *message) *found {
	score := 0
	if strings.Contains(m.subject(), "Delivery status notification") {
		score++
	}
	if strings.Contains(m.header.get("from"), "Mailer Daemon <") {
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
	find:
		for _, mm := range openSMTPDMessages {
			for _, t := range mm.texts {
				if strings.Contains(d.diagnosis, t) {
					d.reason = mm.reason
					break find
				}
			}
		}
	}
	return &found{list: list, original: original}
}
