package reason

import (
	"strconv"
	"strings"
)

// Input is what is known about one failed recipient when its reason is
// decided.
type Input struct {
	// Reason is what the report's format already said, if anything.
	Reason Reason
	// Status is the enhanced status code (RFC 3463), ReplyCode the SMTP
	// reply code (RFC 5321 §4.2).
	Status    string
	ReplyCode string
	// Diagnostic is the diagnostic text; DiagnosticType its RFC 3464
	// type ("SMTP", "X-UNIX"…), upper case.
	Diagnostic     string
	DiagnosticType string
	// Action is the RFC 3464 action, Command the SMTP command that
	// failed ("RCPT", "DATA"…).
	Action  string
	Command string
	// Recipient is the recipient's address; RemoteMTA and ReportingMTA
	// the hosts that refused it and that reported it.
	Recipient    string
	RemoteMTA    string
	ReportingMTA string
}

// retryable reasons are those a format reader may set on a hunch: the
// general rules below get to look again.
func retryable(r Reason) bool {
	switch r {
	case Undefined, OnHold, SystemError, SecurityError, Expired, NetworkError, HostUnknown, UserUnknown:
		return true
	}
	return false
}

// explicit is false for no reason, undefined and onhold.
func explicit(r Reason) bool {
	return r != "" && r != Undefined && r != OnHold
}

// Classify decides the reason for one recipient.
func Classify(in Input) Reason {
	if in.Reason != "" && !retryable(in.Reason) {
		return in.Reason
	}
	diag := strings.ToLower(in.Diagnostic)
	if r := localAgent(in, diag); explicit(r) {
		return r
	}
	if r := remoteHost(in, diag); explicit(r) {
		return r
	}
	if r := find(in, &said{diag: diag}); explicit(r) {
		return r
	}
	if in.Diagnostic != "" {
		return OnHold
	}
	if in.Reason == "" {
		return Undefined
	}
	return in.Reason
}

// beforeData lists the commands a session fails at before the message
// itself is sent: content cannot be the reason then.
func beforeData(cmd string) bool {
	switch cmd {
	case "CONN", "EHLO", "HELO", "MAIL", "RCPT":
		return true
	}
	return false
}

// The first pass, for SMTP diagnostics: each reason's own test, in this
// order.
var firstPass = []Reason{
	MailboxFull, MesgTooBig, ExceedLimit, Suspend, HasMoved, NoRelaying, AuthFailure, UserUnknown,
	Filtered, RequirePTR, NotCompliantRFC, BadReputation, ContentError, Rejected, HostUnknown,
	SpamDetected, Speeding, TooManyConn, Blocked,
}

// The second pass: phrases only, in this order.
var secondPass = []Reason{
	MailboxFull, AuthFailure, BadReputation, Speeding, SpamDetected, VirusDetected, PolicyViolation,
	NoRelaying, SystemError, NetworkError, Suspend, ContentError, SystemFull, NotAccept, Expired,
	FailedSTARTTLS, SecurityError, Suppressed, MailerError,
}

func find(in Input, d *said) Reason {
	if in.Reason != "" && !retryable(in.Reason) {
		return in.Reason
	}
	if strings.HasPrefix(in.Status, "2.") {
		return Delivered
	}
	var r Reason
	if in.DiagnosticType == "SMTP" || in.DiagnosticType == "" {
		for _, name := range firstPass {
			if probe(name, in, d) {
				r = name
				break
			}
		}
	}
	if r != "" && r != Undefined {
		return r
	}
	r = anotherOne(in, d)
	if r == Undefined {
		r = ""
	}
	if r == "" && in.Action == "delayed" {
		r = Expired
	}
	if r != "" {
		return r
	}
	if d.says(Vacation) {
		return Vacation
	}
	if d.diag != "" {
		return OnHold
	}
	return Undefined
}

// anotherOne is the fallback when no test of the first pass held.
func anotherOne(in Input, d *said) Reason {
	if explicit(in.Reason) {
		return in.Reason
	}
	r := ByStatus(in.Status)
	if r != "" && !retryable(r) && in.DiagnosticType == "SMTP" {
		return r
	}
	for _, name := range secondPass {
		if d.says(name) {
			return name
		}
	}
	if r != "" {
		return r
	}
	if len(in.Status) > 3 {
		switch in.Status[:3] {
		case "5.6", "4.6":
			return ContentError
		case "5.7", "4.7":
			return SecurityError
		}
	}
	if strings.HasPrefix(in.DiagnosticType, "X-UNIX") {
		return MailerError
	}
	if syntaxReply(in.ReplyCode) {
		return SyntaxError
	}
	if in.Action == "delayed" || in.Action == "expired" {
		return Expired
	}
	if in.Command == "EHLO" || in.Command == "HELO" {
		return Blocked
	}
	return r
}

// syntaxReply: 401-407 and 501-507 are replies to malformed commands.
func syntaxReply(code string) bool {
	n, err := strconv.Atoi(code)
	if err != nil {
		return false
	}
	return n > 400 && n < 408 || n > 500 && n < 508
}

// probe is the test of one reason in the first pass: the format's own
// verdict, the status code, the phrases, and what the SMTP command rules
// out.
func probe(name Reason, in Input, d *said) bool {
	if in.Reason == name {
		return true
	}
	byCode := ByStatus(in.Status)
	switch name {
	case MesgTooBig:
		// 5.2.3 is the mailbox's own limit: exceedlimit, whatever the text.
		if byCode == ExceedLimit {
			return false
		}
		return byCode == name || d.says(name)
	case MailboxFull, ExceedLimit, AuthFailure, RequirePTR, Speeding, TooManyConn, Blocked:
		return byCode == name || d.says(name)
	case Suspend:
		return in.ReplyCode == "525" || d.says(name)
	case HasMoved, NotCompliantRFC, BadReputation:
		return d.says(name)
	case NoRelaying:
		if in.Reason == SecurityError || in.Reason == SystemError || in.Reason == Undefined {
			return false
		}
		if in.Command == "CONN" || in.Command == "EHLO" || in.Command == "HELO" {
			return false
		}
		return d.says(name)
	case UserUnknown:
		if byCode == Suspend {
			return false
		}
		if byCode == UserUnknown {
			// 5.1.1, unless the text says something more precise.
			for _, other := range []Reason{NoRelaying, Blocked, MailboxFull, HasMoved, Rejected, NotAccept} {
				if d.says(other) {
					return false
				}
			}
			return true
		}
		return in.Command == "RCPT" && d.says(UserUnknown)
	case Filtered:
		if byCode == Suspend {
			return false
		}
		if byCode == Filtered {
			return d.says(UserUnknown) || d.says(Filtered)
		}
		if beforeData(in.Command) {
			return false
		}
		return d.says(Filtered) || d.says(UserUnknown)
	case ContentError:
		if probe(SpamDetected, in, d) {
			return false
		}
		return byCode == ContentError || d.says(name)
	case Rejected:
		if byCode == Rejected {
			return true
		}
		if byCode == "" {
			byCode = Undefined
		}
		switch {
		case in.Command == "MAIL":
			return d.says(Rejected)
		case in.Command == "DATA" && byCode != UserUnknown:
			return d.says(Rejected)
		case !explicit(byCode) || byCode == SecurityError || byCode == SystemError:
			return d.says(Rejected)
		}
		return false
	case HostUnknown:
		if byCode == HostUnknown {
			return !d.says(NetworkError)
		}
		return d.says(HostUnknown)
	case SpamDetected:
		if in.Status == "" {
			return false
		}
		if byCode == SpamDetected {
			return true
		}
		if beforeData(in.Command) {
			return false
		}
		return d.says(SpamDetected)
	}
	return false
}

// said remembers, for one diagnostic, which reasons' phrases it holds:
// the passes ask about the same reasons more than once.
type said struct {
	diag  string
	found bitset // the phrases the diagnostic holds, once scanned
}

func (d *said) says(name Reason) bool {
	if d.diag == "" {
		return false
	}
	if d.found == nil {
		d.found = phraseAC.scan(d.diag)
	}
	return saysIn(name, d.diag, d.found)
}
