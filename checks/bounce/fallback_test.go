package bounce

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Formats no reader knows, and the standard read per RFC 3464 whatever
// else the message does: each case failed before the change it names.
var generalCases = []struct {
	file string
	want []want
}{
	// Fields folded onto continuation lines, names and values in any
	// case, no per-message fields but a folded Reporting-MTA; the
	// diagnostic is the Diagnostic-Code, not the preface.
	{"dsn-folded.eml", []want{{
		recipient: "bob.absent@example.org", reason: "userunknown", status: "5.1.1", action: "failed", hard: true,
		agent: "rfc3464", replyCode: 550, reporting: "relay.example.net", messageID: "<lunch-7@example.com>",
		diagnostic: "550 5.1.1 <bob.absent@example.org>: Recipient address rejected: User unknown in local recipient table",
	}}},
	// multipart/report without its boundary parameter.
	{"dsn-noboundary.eml", []want{{
		recipient: "dave@example.org", reason: "mailboxfull", status: "5.2.2", agent: "rfc3464",
		messageID: "<minutes-3@example.com>", diagnostic: "552 5.2.2 Mailbox full",
	}}},
	// A base64 status part in a multipart/mixed from an ordinary-looking
	// sender; its second block lacks the Final-Recipient and every
	// optional field.
	{"dsn-base64-mixed.eml", []want{
		{recipient: "vera@example.org", reason: "mailboxfull", status: "5.2.2", agent: "rfc3464",
			diagnostic: "552 5.2.2 mailbox over quota"},
		{recipient: "walt@example.org", reason: "userunknown", status: "5.1.1", hard: true, agent: "rfc3464"},
	}},
	// A whole DSN attached as message/rfc822 by a gateway.
	{"dsn-attached.eml", []want{{
		recipient: "frank@example.org", reason: "hostunknown", status: "5.1.2", hard: true, agent: "rfc3464",
		messageID: "<offer-9@example.com>",
	}}},
	// The status part's "Status: 5.0.0" is kept: no pseudo 5.0.912.
	{"opensmtpd-status-dsn.eml", []want{{
		recipient: "heidi@nowhere.example.net", reason: "hostunknown", status: "5.0.0", hard: true,
		agent: "opensmtpd", action: "failed",
	}}},
	// An expired envelope OpenSMTPD reports with "Action: delayed": the
	// X.4.7 status says it was given up on, so it is a failure.
	{"opensmtpd-expired.eml", []want{{
		recipient: "uma@unreachable.example.org", reason: "expired", status: "4.4.7", action: "failed",
		agent: "opensmtpd", messageID: "<invite-3@example.net>",
	}}},
	// Evident bounces no reader knows: the fallback reader.
	{"fallback-german.eml", []want{{
		recipient: "kunde@example.de", reason: "userunknown", status: "5.1.1", replyCode: 550, hard: true,
		agent: "fallback", action: "failed",
	}}},
	// No code in the message but the reply: the documented pseudo code.
	{"fallback-japanese.eml", []want{{
		recipient: "taro@example.jp", reason: "mailboxfull", status: "5.0.922", replyCode: 552, agent: "fallback",
	}}},
	// Exchange 2010's text NDR without its status part: from a
	// "MicrosoftExchange…" address, not a daemon; the paragraph with the
	// SMTP reply is the diagnostic.
	{"fallback-exchange2010.eml", []want{{
		recipient: "sam.gone@partner.example.net", reason: "userunknown", status: "5.1.1", hard: true,
		agent: "fallback", replyCode: 550, messageID: "<budget-2025@corp.example.com>",
		diagnostic: "sam.gone@partner.example.net mx.partner.example.net #550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##",
	}}},
	{"fallback-delivery-failure.eml", []want{{
		recipient: "lars@example.org", reason: "userunknown", status: "5.1.1", hard: true, agent: "fallback",
		messageID: "<quote-5@example.com>", origFrom: "kim@example.com",
	}}},
}

func TestGeneralFormats(t *testing.T) {
	for _, c := range generalCases {
		t.Run(c.file, func(t *testing.T) {
			res := Parse(fixture(t, c.file))
			checkRecords(t, c.file, res.Records, c.want)
		})
	}
}

// Ordinary messages with a bounce's words are not bounces.
func TestFallbackRefusesOrdinaryMail(t *testing.T) {
	for _, f := range []string{"notbounce-newsletter.eml", "notbounce-reply-quoting-error.eml", "notbounce-parcel.eml", "not-a-bounce.eml"} {
		if res := Parse(fixture(t, f)); len(res.Records) != 0 {
			t.Errorf("%s: %d records (%s), want none: %+v", f, len(res.Records), res.Agent, res.Records)
		}
	}
}

func TestBounceEvidence(t *testing.T) {
	const body = "\n\nThe message could not be delivered to <x@example.org>: 550 5.1.1 user unknown\n"
	for _, c := range []struct {
		name, head string
		want       bool
	}{
		{"null sender and failure subject", "Return-Path: <>\nSubject: Undeliverable: hi\n", true},
		{"daemon and Spanish subject", "From: MAILER-DAEMON@mx.example.net\nSubject: Mensaje no entregado\n", true},
		{"postmaster and Italian subject", "From: postmaster@mx.example.net\nSubject: Messaggio non recapitabile\n", true},
		{"X-Failed-Recipients and Dutch subject", "X-Failed-Recipients: x@example.org\nSubject: Onbestelbaar: hoi\n", true},
		{"daemon and Russian subject", "From: mailer-daemon@mx.example.ru\nSubject: Сообщение не доставлено\n", true},
		{"daemon and Chinese subject", "From: postmaster@mx.example.cn\nSubject: 系统退信\n", true},
		{"daemon and Portuguese subject", "From: postmaster@mx.example.br\nSubject: Mensagem não entregue\n", true},
		{"daemon and French subject", "From: postmaster@mx.example.fr\nSubject: Non remis : bonjour\n", true},
		{"failure subject only", "From: bob@example.com\nSubject: Delivery failure\n", false},
		{"daemon only", "From: postmaster@example.com\nSubject: Your account\n", false},
		{"a reply", "From: bob@example.com\nSubject: Re: Undeliverable: hi\nContent-Type: multipart/report\n", false},
		{"a read receipt", "From: bob@example.com\nSubject: Read: hi\nContent-Type: multipart/report; report-type=disposition-notification\n", false},
		{"a list post", "From: list@example.com\nList-Id: <l.example.com>\nSubject: Mail delivery failed\nContent-Type: multipart/report\n", false},
	} {
		m := parseMessage([]byte(c.head + body))
		if got := bounceEvidence(m, strings.ToLower(m.body), false); got != c.want {
			t.Errorf("%s: evidence %v, want %v", c.name, got, c.want)
		}
	}
	// The evidence is there but the text names no failure.
	m := parseMessage([]byte("Return-Path: <>\nSubject: Undeliverable: hi\n\nHello there.\n"))
	if bounceEvidence(m, strings.ToLower(m.body), false) {
		t.Error("a notice that names no failure taken for a bounce")
	}
}

func TestGuessBoundary(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{"preamble\n--abc\nx\n--abc--\n", "abc"},
		{"--=_x_1\nContent-Type: text/plain\n\nx\n--=_x_1\ny\n", "=_x_1"},
		{"no delimiter here\n", ""},
		{"--once only\n", ""},
		{"-- \nsignature\n", ""},
	} {
		if got := guessBoundary([]byte(c.body)); got != c.want {
			t.Errorf("guessBoundary(%q) = %q, want %q", c.body, got, c.want)
		}
	}
}

func TestSMTPReplyIn(t *testing.T) {
	for s, want := range map[string]bool{
		"550 5.1.1 user unknown":            true,
		"host said: 552 mailbox full":       true,
		"remote said 554 rejected":          true,
		"said: 451 try later":               true,
		"we have 550 stores":                false,
		"call 555-0100":                     false,
		"error (#5.1.1)":                    true,
		"order 4.2.2 shipped, version 5.1.": true, // an enhanced code is an enhanced code
	} {
		if got := smtpReplyIn(s); got != want {
			t.Errorf("smtpReplyIn(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestIsWarning(t *testing.T) {
	for s, want := range map[string]bool{
		"Warning: could not send message for past 4 hours":  true,
		"Delayed Mail (still being retried)":                true,
		"Delivery delayed: hello":                           true,
		"Mail delivery failed: returning message to sender": false,
		"Undelivered Mail Returned to Sender":               false,
	} {
		if got := isWarning(s); got != want {
			t.Errorf("isWarning(%q) = %v, want %v", s, got, want)
		}
	}
}

// Continuation lines join the field they continue; other lines stay.
func TestUnfoldDSN(t *testing.T) {
	got := unfoldDSN("Final-Recipient: rfc822;\n  a@example.org\nAction: failed\n  not a continuation? it is\nplain\n  text\n")
	want := []string{"Final-Recipient: rfc822; a@example.org", "Action: failed not a continuation? it is", "plain", "  text", ""}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("unfoldDSN = %q, want %q", got, want)
	}
}

// A notice with thousands of failing addresses and paragraphs costs time
// in proportion to its size: the recipients read are bounded.
func TestFallbackHostileSize(t *testing.T) {
	var b strings.Builder
	b.WriteString("Return-Path: <>\nFrom: postmaster@mx.example.net\nSubject: Undeliverable\nX-Failed-Recipients: ")
	for i := range 3000 {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "u%d@example.org", i)
	}
	b.WriteString("\n\n")
	for i := range 20000 {
		fmt.Fprintf(&b, "u%d@example.org: 550 5.1.1 user unknown\n\n", i)
	}
	start := time.Now()
	res := Parse([]byte(b.String()))
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	if n := len(res.Records); n != maxFallbackRecipients {
		t.Errorf("%d records, want the bound %d", n, maxFallbackRecipients)
	}
}

// A delay notice is its own kind, counted apart from bounces; a message
// with one failed and one delayed recipient is a bounce.
func TestDelayedKind(t *testing.T) {
	var s Summary
	delayed := Item{Result: Result{Records: []Record{{Recipient: "a@example.org", Reason: "expired", Action: "delayed"}}}}
	mixed := Item{Result: Result{Records: []Record{
		{Recipient: "a@example.org", Reason: "blocked", Action: "delayed"},
		{Recipient: "b@example.org", Reason: "userunknown", Action: "failed", Hard: true},
	}}}
	if k := delayed.Result.Records[0].Kind(); k != KindDelayed {
		t.Errorf("kind %q, want delayed", k)
	}
	s.AddMessage(delayed)
	s.AddMessage(mixed)
	if s.Delayed != 1 || s.Bounces != 1 || s.Records != 0 {
		t.Errorf("summary %+v: want 1 delayed, 1 bounce, no records counted before AddRecord", s)
	}
}
