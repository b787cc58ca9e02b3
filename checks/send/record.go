package send

import "time"

// Result is a message's outcome.
type Result string

const (
	// ResultSent: the server took the message for every recipient.
	ResultSent Result = "sent"
	// ResultRejected: a permanent (5xx) refusal — of the sender, a
	// recipient, the data or the credentials. Recipients in Accepted
	// (if any) did get the message.
	ResultRejected Result = "rejected"
	// ResultPartial: some recipients got the message and others were
	// refused (for good, or temporarily past the retries): Accepted and
	// Rejected say who. Sending it again would duplicate it for the
	// accepted ones, so a resume passes over it.
	ResultPartial Result = "partial"
	// ResultFailed: the message was not handed over — a connection, TLS or
	// protocol failure, a timeout, or a temporary (4xx) refusal that
	// outlasted the retries.
	ResultFailed Result = "failed"
	// ResultUnknown: the final dot was sent and no reply came. The server
	// may or may not have queued the message; it was not sent again.
	ResultUnknown Result = "unknown"
	// ResultTested: --quit-after stopped the dialogue where asked, with
	// QUIT, every step up to there accepted; no message was sent.
	ResultTested Result = "tested"
	// ResultInFlight is not an outcome: a batch writes it for a row just
	// before the message's final dot, and the row's outcome follows. A
	// run killed in between (kill -9, a crash, a power cut) leaves it
	// last, and a --skip-done resume takes it for unknown: the server
	// may have the message, so it is not sent again.
	ResultInFlight Result = "in_flight"
)

// Failure names the stage that decided a result other than sent.
type Failure string

const (
	FailureConnect   Failure = "connect"   // DNS, TCP, the banner, EHLO
	FailureTLS       Failure = "tls"       // STARTTLS, the handshake, verification
	FailureAuth      Failure = "auth"      // AUTH refused or impossible
	FailureSender    Failure = "sender"    // MAIL FROM refused
	FailureRecipient Failure = "recipient" // a RCPT TO refused
	FailureData      Failure = "data"      // DATA or the message refused
	FailureTimeout   Failure = "timeout"   // a step outlasted --timeout
	// FailureInterrupted: Ctrl-C (the context cancelled) stopped the
	// message — before its final dot (failed: safe to send again) or
	// after it (unknown: not sent again).
	FailureInterrupted Failure = "interrupted"
)

// TLSInfo describes the connection's security.
type TLSInfo struct {
	Mode       string `json:"mode"` // starttls, implicit or none
	Version    string `json:"version,omitempty"`
	Cipher     string `json:"cipher,omitempty"`
	ServerName string `json:"server_name,omitempty"`
	// Verified is true when the certificate chain and name were checked
	// and good; false with --tls-skip-verify.
	Verified bool `json:"verified"`
}

// Rejection is one recipient the server refused, with its reply.
type Rejection struct {
	Recipient string `json:"recipient"`
	Code      int    `json:"code"`
	Status    string `json:"status,omitempty"`
	Text      string `json:"text"`
}

// Timings are the milliseconds each stage of the last attempt took; zero
// stages did not happen (a reused connection has no connect).
type Timings struct {
	Connect  int64 `json:"connect,omitempty"`
	Banner   int64 `json:"banner,omitempty"`
	EHLO     int64 `json:"ehlo,omitempty"`
	StartTLS int64 `json:"starttls,omitempty"`
	Auth     int64 `json:"auth,omitempty"`
	Mail     int64 `json:"mail,omitempty"`
	Rcpt     int64 `json:"rcpt,omitempty"`
	Data     int64 `json:"data,omitempty"`
}

// Record is the outcome of one message, the shape of docs/contract.md's send
// record plus attempts, timings and, in a batch, the row.
type Record struct {
	// Row is the message's 1-based row in a --batch file.
	Row      int         `json:"row,omitempty"`
	Server   string      `json:"server"`
	TLS      TLSInfo     `json:"tls"`
	Auth     string      `json:"auth,omitempty"`
	From     string      `json:"from"`
	To       []string    `json:"to"`
	Accepted []string    `json:"accepted"`
	Rejected []Rejection `json:"rejected"`
	Result   Result      `json:"result"`
	Failure  Failure     `json:"failure,omitempty"`
	// Error says in words why the result is not sent, when no reply says
	// it alone (a refused connection, a certificate, a timeout).
	Error     string `json:"error,omitempty"`
	Reply     string `json:"reply,omitempty"`
	QueueID   string `json:"queue_id,omitempty"`
	MessageID string `json:"message_id,omitempty"`
	// DKIM says how the message was signed; absent when it was not.
	DKIM     *DKIMInfo `json:"dkim,omitempty"`
	Size     int       `json:"size"`
	Attempts int       `json:"attempts"`
	Timings  Timings   `json:"timings_ms"`
	Started  time.Time `json:"started"`
	Duration int64     `json:"duration_ms"`
	// StoppedAfter is the --quit-after stage the dialogue stopped at.
	StoppedAfter string `json:"stopped_after,omitempty"`
	// Notes are facts about how the message went that are not failures,
	// such as a certificate accepted without verification on port 25.
	Notes []string `json:"notes,omitempty"`
	// Deliveries, in MX delivery to more than one domain, are the
	// outcome per domain; Server, TLS, Reply, QueueID and Timings are
	// then theirs, not the record's.
	Deliveries []Delivery `json:"deliveries,omitempty"`
}

// Done reports whether the message needs no other try: it was sent (to
// all or some recipients), refused for good, or may have been sent
// (unknown, or in flight when the run that wrote it died). A --skip-done resume
// passes over such rows.
func (r *Record) Done() bool {
	switch r.Result {
	case ResultSent, ResultRejected, ResultUnknown, ResultPartial, ResultInFlight:
		return true
	}
	return false
}
