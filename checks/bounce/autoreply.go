package bounce

import (
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

// Signs of an automatic reply: RFC 3834 §5's Auto-Submitted keywords
// (and the IANA registry's auto-notified), and the fields and subjects
// common auto-responders use instead.
var autoReplySigns = map[string][]string{
	"auto-submitted": {"auto-generated", "auto-replied", "auto-notified"},
	"precedence":     {"auto_reply"},
	"subject":        {"auto:", "auto response:", "automatic reply:", "out of office:", "out of the office:"},
	"x-apple-action": {"vacation"},
}

// Messages that look automatic but are no out-of-office reply: reports
// from system accounts, sudo's mails, bounces.
var autoReplyNot = map[string][]string{
	"from":    {"root@", "postmaster@", "mailer-daemon@"},
	"to":      {"root@"},
	"subject": {"security information for", "mail failure -"},
}

// readAutoReply reads an automatic reply (RFC 3834): the person away is
// the one who wrote it.
func readAutoReply(m *message) *found {
	lower := func(name string) string { return strings.ToLower(m.header.Text(name)) }
	for name, words := range autoReplyNot {
		v := lower(name)
		for _, w := range words {
			if strings.Contains(v, w) {
				return nil
			}
		}
	}
	auto := false
	for name, words := range autoReplySigns {
		v := lower(name)
		for _, w := range words {
			if strings.HasPrefix(v, w) {
				auto = true
			}
		}
	}
	if !auto {
		return nil
	}
	rcpt := ""
	for _, name := range []string{"from", "return-path"} {
		if a := addressIn(m.header.Text(name)); a != "" {
			rcpt = a
			break
		}
	}
	if rcpt == "" {
		return nil
	}
	var b strings.Builder
	for _, line := range strings.Split(m.body, "\n") {
		if line != "" && !strings.HasPrefix(line, "--") {
			b.WriteString(line + " ")
		}
	}
	orig := ""
	subj := m.header.Text("subject")
	if i := strings.Index(subj, ": "); i >= 0 {
		orig = "Subject: " + sweep(subj[i+2:]) + "\n"
	}
	return &found{
		list: []delivery{{
			recipient: rcpt, reason: reason.Vacation, diagnosis: sweep(b.String()),
			date: m.header.Get("date"),
		}},
		original: orig + "To: <" + rcpt + ">\n",
	}
}
