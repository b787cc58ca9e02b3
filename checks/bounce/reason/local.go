package reason

import "strings"

// A local delivery agent's errors: how to recognise the agent in a
// diagnostic, and its messages per reason.
type agent struct {
	marks   []string
	reasons []agentReason
}

type agentReason struct {
	reason Reason
	words  []string
}

// localAgents are the delivery programs whose errors come back inside a
// bounce (dovecot-lda, mail.local, procmail, maildrop, vpopmail,
// vmailmgr). An agent's error with no known message is a mailer error.
var localAgents = []agent{
	{[]string{"your message to <", "> was automatically rejected:"}, []agentReason{
		{MailboxFull, []string{"not enough disk space", "quota exceeded"}},
		{UserUnknown, []string{"mailbox doesn't exist: "}},
	}},
	{[]string{"mail.local: "}, []agentReason{
		{MailboxFull, []string{"disc quota exceeded", "mailbox full or quota exceeded"}},
		{SystemError, []string{"temporary file write error"}},
		{UserUnknown, []string{": invalid mailbox path", ": unknown user:", ": user missing home directory", ": user unknown"}},
	}},
	{[]string{"procmail: ", "/procmail "}, []agentReason{
		{MailboxFull, []string{"quota exceeded while writing", "user over quota"}},
		{SystemError, []string{"service unavailable"}},
		{SystemFull, []string{"no space left to finish writing"}},
	}},
	{[]string{"maildrop: "}, []agentReason{
		{MailboxFull, []string{"maildir over quota."}},
		{UserUnknown, []string{"cannot find system user", "invalid user specified."}},
	}},
	{[]string{"vdelivermail: "}, []agentReason{
		{Filtered, []string{"user does not exist, but will deliver to "}},
		{MailboxFull, []string{"domain is over quota", "user is over quota"}},
		{Suspend, []string{"account is locked email bounced"}},
		{UserUnknown, []string{"sorry, no mailbox here by that name."}},
	}},
	{[]string{"vdeliver: "}, []agentReason{
		{MailboxFull, []string{"delivery failed due to system quota violation"}},
		{UserUnknown, []string{"invalid or unknown base user or domain", "invalid or unknown virtual user",
			"user name does not refer to a virtual user"}},
	}},
}

// localAgent reads an error of a local delivery agent, which happens
// after the SMTP session (so with no command, or DATA).
func localAgent(in Input, diag string) Reason {
	if diag == "" || in.Command != "" && in.Command != "DATA" {
		return ""
	}
	for _, a := range localAgents {
		hit := false
		for _, m := range a.marks {
			if strings.Contains(diag, m) {
				hit = true
				break
			}
		}
		if !hit {
			continue
		}
		for _, r := range a.reasons {
			for _, w := range r.words {
				if strings.Contains(diag, w) {
					return r.reason
				}
			}
		}
		return MailerError
	}
	return ""
}
