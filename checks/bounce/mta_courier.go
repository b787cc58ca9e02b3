package bounce

import (
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

// courierGaveUp are the texts Courier's ESMTP client records when it
// could not talk to a server at all: the C library's text for the
// connection's error, or its own for a connection the server closed
// (module.esmtp). Courier only ever defers a recipient for them, so a
// DSN that fails a recipient with one of them as its last word was sent
// because the message's queuetime ran out.
var courierGaveUp = []string{
	"connection refused", "connection timed out", "operation timed out", "network is unreachable",
	"network is down", "no route to host", "host is down", "host is unreachable",
	"connection closed by remote host", "network connection shut down by the remote mail server",
}

// Courier's own verdicts on a domain, before any server is asked
// (module.esmtp): those that fail a recipient at once, and the one that
// defers it until the queuetime runs out.
var courierMessages = phrases{
	{reason.HostUnknown, []string{"No such domain."}},
	{reason.SystemError, []string{"This domain's DNS violates RFC 1035."}},
	{reason.NetworkError, []string{"DNS lookup failed."}},
}

// Courier mail server: its DSN module writes an RFC 3464 report
// ("This is a delivery status notification from HOST, running the
// Courier mail server") with a Message-ID of "<courier.…>". The status
// part is read as any other; what Courier adds is that a failure with a
// connection error and no reply is an expiry, and that the DSN is written
// when the recipient fails, so its Date is the failure's.
func readCourier(m *message) *found {
	if !strings.HasPrefix(m.header.Get("message-id"), "<courier.") &&
		!strings.Contains(m.body, "running the Courier mail server") {
		return nil
	}
	f := readRFC3464(m)
	if f == nil {
		return nil
	}
	// Courier writes no Last-Attempt-Date: the date readRFC3464 found is
	// the Arrival-Date, when the message came in.
	date := ""
	if indexLine(m.body, "Last-Attempt-Date:") < 0 {
		date = m.header.Get("date")
	}
	for i := range f.list {
		d := &f.list[i]
		if date != "" {
			d.date = date
		}
		// Without a Diagnostic-Code (a delay notice has none) the
		// diagnostic is the server's reply in Courier's transcript for
		// the recipient, not the notice's preface.
		if strings.Contains(d.diagnosis, "running the Courier mail server") {
			if t := courierTranscript(m.body, d.recipient); t != "" {
				d.diagnosis = t
			}
		}
		if normalizeAction(d.action) != "failed" || d.replyCode != "" {
			continue
		}
		if r, ok := courierMessages.match(d.diagnosis); ok {
			d.reason = r
			continue
		}
		diag := strings.ToLower(strings.TrimRight(strings.TrimSpace(d.diagnosis), "."))
		for _, s := range courierGaveUp {
			if diag == s {
				d.reason = reason.Expired
				break
			}
		}
	}
	return f
}

// courierTranscript is what the servers said about rcpt in the
// human-readable part of a Courier DSN, where each recipient's dialogue
// is written under a line "<rcpt>:", indented, with ">>> " before what
// Courier sent and "<<< " before the replies: the replies, joined; "" when
// the message has no such block.
func courierTranscript(body, rcpt string) string {
	i := indexLine(body, "<"+rcpt+">:")
	if rcpt == "" || i < 0 {
		return ""
	}
	var replies []string
	rest := body[i:]
	_, rest, _ = strings.Cut(rest, "\n")
	for line := range strings.SplitSeq(rest, "\n") {
		if line == "" || (line[0] != ' ' && line[0] != '\t') {
			break
		}
		if r, ok := strings.CutPrefix(strings.TrimSpace(line), "<<< "); ok {
			replies = append(replies, strings.TrimSpace(r))
		}
	}
	return strings.Join(replies, " ")
}
