// Package reason classifies why a message bounced, with the reason names
// of the Sisimai bounce parser (v5) so that results can be compared with
// it: from the RFC 3463 enhanced status code where that code is specific,
// else from phrase tables matched against the diagnostic text, else from
// what the report's format says.
package reason

import "strings"

// Reason is a reason name of the Sisimai bounce parser (v5): why a
// message did not reach a recipient. It is a string so that it prints
// and serialises (JSON) as the name itself.
type Reason string

// The reason names relayctl gives. Delivered, Feedback and Vacation are
// not failures.
const (
	AuthFailure     Reason = "authfailure"
	BadReputation   Reason = "badreputation"
	Blocked         Reason = "blocked"
	ContentError    Reason = "contenterror"
	Delivered       Reason = "delivered"
	ExceedLimit     Reason = "exceedlimit"
	Expired         Reason = "expired"
	FailedSTARTTLS  Reason = "failedstarttls"
	Feedback        Reason = "feedback"
	Filtered        Reason = "filtered"
	HasMoved        Reason = "hasmoved"
	HostUnknown     Reason = "hostunknown"
	MailboxFull     Reason = "mailboxfull"
	MailerError     Reason = "mailererror"
	MesgTooBig      Reason = "mesgtoobig"
	NetworkError    Reason = "networkerror"
	NoRelaying      Reason = "norelaying"
	NotAccept       Reason = "notaccept"
	NotCompliantRFC Reason = "notcompliantrfc"
	OnHold          Reason = "onhold"
	PolicyViolation Reason = "policyviolation"
	Rejected        Reason = "rejected"
	RequirePTR      Reason = "requireptr"
	SecurityError   Reason = "securityerror"
	SpamDetected    Reason = "spamdetected"
	Speeding        Reason = "speeding"
	Suppressed      Reason = "suppressed"
	Suspend         Reason = "suspend"
	SyntaxError     Reason = "syntaxerror"
	SystemError     Reason = "systemerror"
	SystemFull      Reason = "systemfull"
	TooManyConn     Reason = "toomanyconn"
	Undefined       Reason = "undefined"
	UserUnknown     Reason = "userunknown"
	Vacation        Reason = "vacation"
	VirusDetected   Reason = "virusdetected"
)

// Info describes one reason for people.
type Info struct {
	Name    Reason `json:"name"`
	Meaning string `json:"meaning"`
	// Hard says whether the reason is a permanent failure ("hard
	// bounce"); NotAccept is hard only with a 5xx code or none.
	Hard string `json:"hard"`
}

// All lists every reason with its meaning, in alphabetical order.
var All = []Info{
	{AuthFailure, "SPF, DKIM or DMARC authentication of the sender failed", "no"},
	{BadReputation, "the sending IP address or domain has a poor reputation", "no"},
	{Blocked, "the sending IP address or host name is blocked (blocklist, no access)", "no"},
	{ContentError, "the message's header or MIME structure was refused", "no"},
	{Delivered, "delivered: a positive delivery report, not a failure", "no"},
	{ExceedLimit, "the message exceeds a limit of the recipient's mailbox", "no"},
	{Expired, "delivery gave up after retrying too long (or is still being retried)", "no"},
	{FailedSTARTTLS, "TLS could not be negotiated, or was required and missing", "no"},
	{Feedback, "an abuse or spam complaint (ARF feedback report), not a failure", "no"},
	{Filtered, "the recipient's filter or settings refused the message", "no"},
	{HasMoved, "the mailbox has moved and mail is not forwarded", "yes"},
	{HostUnknown, "the recipient's domain does not exist or accepts no mail", "yes"},
	{MailboxFull, "the recipient's mailbox is full (over quota)", "no"},
	{MailerError, "a local delivery program (procmail, a pipe) failed", "no"},
	{MesgTooBig, "the message is larger than the receiving system accepts", "no"},
	{NetworkError, "DNS or network trouble, or a mail loop, on the way", "no"},
	{NoRelaying, "the server refused to relay for this recipient", "no"},
	{NotAccept, "the destination accepts no mail at all (null MX, 521/556)", "with 5xx"},
	{NotCompliantRFC, "the message does not follow RFC 5322 (duplicate headers…)", "no"},
	{OnHold, "there is a diagnostic, but not enough to decide a reason", "no"},
	{PolicyViolation, "the message broke a policy of the receiving site", "no"},
	{Rejected, "the envelope sender (MAIL FROM) was refused", "no"},
	{RequirePTR, "the sending IP address has no (matching) reverse DNS", "no"},
	{SecurityError, "a security or authentication problem on the sending side", "no"},
	{SpamDetected, "the message was classified as spam", "no"},
	{Speeding, "sent too fast: a rate limit was hit", "no"},
	{Suppressed, "the recipient is on a suppression list of the sending service", "no"},
	{Suspend, "the recipient's account is suspended or disabled", "no"},
	{SyntaxError, "an SMTP command was malformed or out of sequence", "no"},
	{SystemError, "an error on the receiving system (configuration, loop, crash)", "no"},
	{SystemFull, "the receiving system's disk is full", "no"},
	{TooManyConn, "too many connections or recipients at once", "no"},
	{Undefined, "the report says too little to know", "no"},
	{UserUnknown, "the recipient's address does not exist", "yes"},
	{Vacation, "an automatic reply (out of office), not a failure", "no"},
	{VirusDetected, "the message was found to carry a virus", "no"},
}

// Known reports whether name is one of the reason names.
func Known(name Reason) bool {
	for _, i := range All {
		if i.Name == name {
			return true
		}
	}
	return false
}

// NotFailure reports whether a reason names something other than a
// failed delivery: a delivery report, a complaint or an auto-reply.
func NotFailure(name Reason) bool {
	return name == Delivered || name == Feedback || name == Vacation
}

// IsHard reports whether a bounce is permanent: userunknown, hostunknown
// and hasmoved always are; notaccept is when codeText (the status and the
// diagnostic) holds a 5xx code or no code at all and does not speak of a
// temporary failure; every other reason is not.
func IsHard(name Reason, codeText string) bool {
	switch name {
	case UserUnknown, HostUnknown, HasMoved:
		return true
	case NotAccept:
	default:
		return false
	}
	if strings.TrimSpace(codeText) == "" {
		return true
	}
	c := FindStatus(codeText, "")
	if c == "" {
		c = FindReply(codeText, "")
	}
	if strings.HasPrefix(c, "5") {
		return true
	}
	return !IsTemporary(codeText)
}

// IsTemporary reports whether text holds a 4xx code or speaks of a
// temporary failure.
func IsTemporary(text string) bool {
	if text == "" {
		return false
	}
	c := FindStatus(text, "")
	if c == "" {
		c = FindReply(text, "")
	}
	if strings.HasPrefix(c, "4") {
		return true
	}
	l := strings.ToLower(text)
	return strings.Contains(l, " temporar") || strings.Contains(l, " persistent")
}

// IsPermanent reports whether text holds a 5xx code or speaks of a
// permanent failure.
func IsPermanent(text string) bool {
	if text == "" {
		return false
	}
	c := FindStatus(text, "")
	if c == "" {
		c = FindReply(text, "")
	}
	return strings.HasPrefix(c, "5") || strings.Contains(strings.ToLower(text), " permanent ")
}
