package message

import (
	"net/netip"
	"strings"

	"github.com/relayctl/relayctl/checks/received"
)

// Where a fact came from when no header field gave it.
const (
	sourceFlag = "option" // the caller gave it (--ip, --helo, --mail-from)
	sourceNone = "unknown"
)

// Fact is one SMTP fact of the receiving hop and where it was taken
// from: "option" (given by the caller), a header field such as
// "Received[0]" (the topmost Received field) or "Return-Path[0]", or
// "unknown".
type Fact struct {
	Value  string `json:"value"`
	Source string `json:"source"`
	Note   string `json:"note,omitempty"`
}

// smtpFacts are the SMTP facts SPF is evaluated with.
type smtpFacts struct {
	IP       netip.Addr
	HELO     string
	MailFrom string
	// mailFromKnown: MailFrom was given or found ("" then is <>).
	mailFromKnown bool
	// Data is the facts as reported, with their sources.
	Data SMTPFacts
	// receiverSPF is the receiver's Received-SPF, nil when none.
	receiverSPF *received.SPF
}

// SMTPFacts are the facts SPF was evaluated with, as the spf check's
// data.facts reports them.
type SMTPFacts struct {
	IP       Fact `json:"ip"`
	HELO     Fact `json:"helo"`
	MailFrom Fact `json:"mail_from"`
}

// smtpFactsOf takes each fact from opts when given, else from the trace
// (received.TraceFacts: Return-Path, the receiving hop's Received field,
// Received-SPF).
func smtpFactsOf(trace *received.Trace, opts Options) smtpFacts {
	tf := trace.Facts(received.Options{})
	var s smtpFacts
	s.receiverSPF = tf.SPF.Value
	switch {
	case opts.IP.IsValid():
		s.IP = opts.IP.Unmap()
		s.Data.IP = Fact{Value: s.IP.String(), Source: sourceFlag}
	case tf.ClientIP.Known():
		s.IP = tf.ClientIP.Value.Unmap()
		s.Data.IP = sourced(s.IP.String(), tf.ClientIP.Source)
	default:
		s.Data.IP = Fact{Source: sourceNone}
	}
	switch {
	case opts.HELO != "":
		s.HELO = opts.HELO
		s.Data.HELO = Fact{Value: s.HELO, Source: sourceFlag}
	case tf.HELO.Known():
		s.HELO = tf.HELO.Value
		s.Data.HELO = sourced(s.HELO, tf.HELO.Source)
	default:
		s.Data.HELO = Fact{Source: sourceNone}
	}
	switch {
	case opts.MailFromSet:
		s.MailFrom, s.mailFromKnown = opts.MailFrom, true
		s.Data.MailFrom = Fact{Value: pathText(s.MailFrom), Source: sourceFlag}
	case tf.MailFrom.Known():
		s.MailFrom, s.mailFromKnown = strings.Trim(tf.MailFrom.Value, "<>"), true
		s.Data.MailFrom = sourced(pathText(s.MailFrom), tf.MailFrom.Source)
	default:
		s.Data.MailFrom = Fact{Source: sourceNone}
	}
	return s
}

// pathText shows a reverse-path: <> for the null one.
func pathText(addr string) string {
	if addr == "" {
		return "<>"
	}
	return addr
}

func sourced(v string, src *received.Source) Fact {
	f := Fact{Value: v, Source: sourceNone}
	if src != nil {
		f.Source, f.Note = src.String(), src.Note
	}
	return f
}
