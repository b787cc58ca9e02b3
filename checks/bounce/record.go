package bounce

import "github.com/relayctl/relayctl/checks/bounce/reason"

// Record is one recipient of one bounce message: the unit relayctl
// prints (docs/contract.md, "bounce parse records"). Empty fields are left out of
// JSON, except reason, hard and source.
type Record struct {
	// Source is where the message came from: the path as given, with
	// "#N" for the Nth message of an mbox, or "-" for standard input.
	Source    string `json:"source"`
	Recipient string `json:"recipient"`
	// Reason is a reason name (see package reason).
	Reason reason.Reason `json:"reason"`
	// Hard is true for a permanent failure: userunknown, hostunknown,
	// hasmoved, and notaccept with a 5xx code or none.
	Hard bool `json:"hard"`
	// Status is the RFC 3463 enhanced status code; a report without one
	// gets a pseudo code "5.0.9xx" that names the reason.
	Status    string `json:"status,omitempty"`
	ReplyCode int    `json:"reply_code,omitempty"`
	// Action is the RFC 3464 action: failed, delayed, delivered, relayed
	// or expanded.
	Action       string `json:"action,omitempty"`
	Diagnostic   string `json:"diagnostic,omitempty"`
	RemoteMTA    string `json:"remote_mta,omitempty"`
	ReportingMTA string `json:"reporting_mta,omitempty"`
	SMTPCommand  string `json:"smtp_command,omitempty"`
	// OriginalMessageID and OriginalFrom come from the returned message
	// (or its headers) inside the bounce.
	OriginalMessageID string `json:"original_message_id,omitempty"`
	OriginalFrom      string `json:"original_from,omitempty"`
	// Date is when the failure happened (RFC 3339), from the report, the
	// returned message or the bounce itself.
	Date string `json:"date,omitempty"`
	// Agent names the format that was recognised: "postfix", "rfc3464",
	// "arf", "rfc3834"…
	Agent string `json:"agent"`
	// FeedbackType is the RFC 5965 Feedback-Type of a feedback report
	// (abuse, fraud, virus, other…).
	FeedbackType string `json:"feedback_type,omitempty"`
	// SourceIP is the RFC 5965 Source-IP of a feedback report.
	SourceIP string `json:"source_ip,omitempty"`
	// Alias is the recipient as originally addressed, when a forward or
	// an alias changed it.
	Alias string `json:"alias,omitempty"`
}

// Kind is what a record stands for.
type Kind string

const (
	KindBounce    Kind = "bounce"
	KindFeedback  Kind = "feedback"
	KindVacation  Kind = "vacation"
	KindDelivered Kind = "delivered"
	// KindDelayed is a delay notice (RFC 3464 §2.3.3 "Action: delayed"):
	// the message is still being retried, nothing has bounced yet.
	KindDelayed Kind = "delayed"
)

// Kind returns the kind of a record, from its reason.
func (r *Record) Kind() Kind {
	switch r.Reason {
	case reason.Feedback:
		return KindFeedback
	case reason.Vacation:
		return KindVacation
	case reason.Delivered:
		return KindDelivered
	}
	if r.Action == "delayed" {
		return KindDelayed
	}
	return KindBounce
}

// delivery is what a format reader finds about one recipient, before the
// general rules (codes, reason, hard) are applied.
type delivery struct {
	recipient string
	alias     string
	action    string
	status    string
	replyCode string
	diagnosis string
	// context is text around the diagnostic (a DSN's human-readable
	// part) that classifies it when the diagnostic alone does not.
	context      string
	spec         string // diagnostic type: SMTP, X-UNIX…
	command      string
	rhost        string // the remote MTA
	lhost        string // the reporting MTA
	date         string
	reason       reason.Reason // set when the format itself says
	feedbackType string
	sourceIP     string
	agent        string
}

// found is what a format reader returns: the recipients, and the
// returned message (or its header) as text, "" when none came back.
type found struct {
	list     []delivery
	original string
}
