package bounce

import (
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

var qmailStarts = []string{
	"Hi. This is the qmail", "He/Her is not ", "unable to deliver your message to the following addresses",
	"Su mensaje no pudo ser entregado", "Sorry, we were unable to deliver your message to the following address",
	"This is the machine generated message from mail service", "This is the mail delivery agent at",
	"Unable to deliver message to the following address", "Unfortunately, your mail was not delivered to the following address:",
	"Your mail message to the following address", "Your message to the following addresses", "We're sorry.",
}

var qmailEnds = []string{
	"--- Below this line is a copy of the message.", "--- Below this line is a copy of the mail header.",
	"--- Below the next line is a copy of the message.", "--- Mensaje original adjunto.",
	markRFC822, "Original message follows.",
}

// The SMTP step each of qmail-remote's messages reports.
var qmailCommands = []struct{ command, text string }{
	{"CONN", " but greeting failed."},
	{"EHLO", " but my name was rejected."},
	{"MAIL", " but sender was rejected."},
	{"RCPT", " does not like recipient."},
	{"DATA", " failed on DATA command"},
	{"DATA", " failed after I sent the message"},
}

// qmail's own messages (qmail-send, qmail-remote, qmail-local, and the
// qmail-ldap patch) by reason.
var qmailMessages = phrases{
	{reason.HostUnknown, []string{"Sorry, I couldn't find any host "}},
	{reason.MailboxFull, []string{"disk quota exceeded"}},
	{reason.MesgTooBig, []string{"Message size exceeds fixed maximum message size:"}},
	{reason.NetworkError, []string{"Sorry, I wasn't able to establish an SMTP connection",
		"Sorry. Although I'm listed as a best-preference MX or A for that host"}},
	{reason.NotAccept, []string{"Sorry, I couldn't find a mail exchanger or IP address"}},
	{reason.SystemError, []string{"bad interpreter: No such file or directory", "system error", "Unable to"}},
	{reason.SystemFull, []string{"Requested action not taken: mailbox unavailable (not enough free space)"}},
	{reason.UserUnknown, []string{"no mailbox here by that name"}},
	{reason.ExceedLimit, []string{"The message exeeded the maximum size the user accepts"}},
	{reason.Suspend, []string{"Mailaddress is administrativly disabled", "Mailaddress is administrativley disabled",
		"Mailaddress is administratively disabled", "Mailaddress is administrativeley disabled"}},
	{reason.SystemError, []string{"Automatic homedir creator crashed", "Illegal value in LDAP attribute",
		"LDAP attribute is not given but mandatory", "Timeout while performing search on LDAP server",
		"Too many results returned but needs to be unique", "Permanent error while executing qmail-forward",
		"Temporary error in automatic homedir creation", "Temporary error while executing qmail-forward",
		"Temporary failure in LDAP lookup", "Unable to contact LDAP server",
		"Unable to login into LDAP server, bad credentials"}},
}

// qmail (and its clones): "Hi. This is the qmail-send program", then
// "<address>:" and the error for each recipient, then "--- Below this
// line is a copy of the message.".
func readQmail(m *message) *found {
	subj := m.subject()
	if subj != "failure notice" && subj != "Failure Notice" && !m.receivedHas("(qmail ") {
		return nil
	}
	report, original := splitAt(m.body, qmailEnds...)
	var list []delivery
	var remoteSaid []string
	started := false
	for _, l := range strings.Split(report, "\n") {
		if !started {
			started = hasAny(l, qmailStarts...)
			continue
		}
		if l == "" {
			continue
		}
		if strings.HasPrefix(l, "<") && inOrder(l, "<", "@", ">:") {
			list = append(list, delivery{recipient: between(l, "<", ">:")})
			remoteSaid = append(remoteSaid, "")
			continue
		}
		if len(list) == 0 {
			continue
		}
		d := &list[len(list)-1]
		grow(&d.diagnosis, l+" ")
		if strings.HasPrefix(l, "Remote host said:") {
			remoteSaid[len(list)-1] = l
		}
		if d.rhost == "" {
			for _, lead := range []string{"Giving up on ", "Connected to ", "remote host "} {
				if h := between(l+" ", lead, " "); h != "" {
					d.rhost = strings.TrimSuffix(h, ".")
					break
				}
			}
		}
	}
	if len(list) == 0 {
		return nil
	}
	for i := range list {
		d := &list[i]
		d.diagnosis = sweep(d.diagnosis)
		for _, c := range qmailCommands {
			if strings.Contains(d.diagnosis, c.text) {
				d.command = c.command
				break
			}
		}
		if d.command == "" && strings.Contains(d.diagnosis, "no SMTP connection got far enough") {
			d.command = findCommand(d.diagnosis)
		}
		switch {
		case d.command == "EHLO" || d.command == "HELO":
			d.reason = reason.Blocked
		case inOrder(d.diagnosis, " does not like recipient.", "this message has been in the queue too long."):
			d.reason = reason.OnHold
		default:
			for _, text := range []string{remoteSaid[i], d.diagnosis} {
				if text == "" {
					continue
				}
				if r, ok := qmailMessages.match(text); ok {
					d.reason = r
					break
				}
				if strings.Contains(text, "this message has been in the queue too long.") {
					d.reason = reason.Expired
					break
				}
			}
		}
		if d.command == "" {
			d.command = findCommand(d.diagnosis)
		}
	}
	return &found{list: list, original: original}
}
