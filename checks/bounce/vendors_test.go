package bounce

import (
	"slices"
	"testing"
)

// vendorCases give every reader of the vendors table a message of its
// own under testdata/bounce, written for these tests from the format the
// server or provider sends (its bounce template, its documentation):
// made-up people at example.com, .net and .org and documentation
// addresses, so that a clean clone tests every reader without the
// development corpus. reader is the reader that must recognise the
// message (Result.Agent); the records' agent may be more precise.
type vendorCase struct {
	file, reader string
	want         []want
}

var vendorCases = []vendorCase{
	{"amazonses-bounce.eml", "amazonses", []want{{
		recipient: "no.such.user@example.com", reason: "userunknown", status: "5.1.1", hard: true, replyCode: 550,
		agent: "amazonses", reporting: "a1-23.smtp-out.us-west-2.amazonses.com", action: "failed",
		messageID: "<0100018d2a5b7c9e-original-0001>", origFrom: "newsletter@example.org",
	}}},
	// An SNS envelope around a complaint: the notification is a JSON
	// string inside the JSON.
	{"amazonses-complaint.eml", "amazonses", []want{{
		recipient: "annoyed@example.net", reason: "feedback", feedbackType: "abuse", agent: "amazonses",
		messageID: "<0100018d2a5b7c9e-original-0002>", origFrom: "offers@example.org",
	}}},
	{"amazonses-delivery.eml", "amazonses", []want{{
		recipient: "happy@example.com", reason: "delivered", status: "2.6.0", replyCode: 250, action: "delivered",
		remoteMTA: "192.0.2.80", reporting: "a1-24.smtp-out.us-west-2.amazonses.com", agent: "amazonses",
	}}},
	{"dragonfly-userunknown.eml", "dragonfly", []want{{
		recipient: "nobody@example.com", reason: "userunknown", status: "5.1.1", hard: true, replyCode: 550,
		command: "RCPT", remoteMTA: "mx.example.com", agent: "dragonfly",
		messageID: "<67870e2c.4f2a0.ayaka@mail.example.org>", origFrom: "ayaka@example.org",
	}}},
	// The two Courier fixtures follow what the Debian package of Courier
	// 1.0.16 wrote in scripts/bounce-e2e.sh. A refused connection is
	// only ever a deferral to Courier: failing on it means the queuetime
	// ran out. Courier writes no Last-Attempt-Date; the DSN's Date is
	// when it gave up.
	{"courier-expired.eml", "courier", []want{{
		recipient: "billing@closed.example.net", reason: "expired", status: "5.0.0", action: "failed",
		reporting: "mail.example.org", agent: "courier", messageID: "<invoice-2025-031@mail.example.org>",
		origFrom: "mika@mail.example.org", date: "2025-03-13T14:20:04Z", diagnostic: "Connection refused",
	}}},
	// Refused at MAIL FROM for its SIZE: the status from the reply, not
	// the DSN's 5.0.0.
	{"courier-mesgtoobig.eml", "courier", []want{{
		recipient: "jun@example.net", reason: "mesgtoobig", status: "5.3.4", replyCode: 552, action: "failed",
		command: "MAIL", remoteMTA: "mx.example.net", reporting: "mail.example.org", agent: "courier",
		messageID: "<scans-0313@mail.example.org>", date: "2025-03-13T14:22:56Z",
	}}},
	// The two dma fixtures follow what the Debian package of dma 0.13
	// wrote in scripts/bounce-e2e.sh: only the returned header, and the
	// bounce's own Date is when it gave up.
	{"dma-mesgtoobig.eml", "dragonfly", []want{{
		recipient: "hana@example.net", reason: "mesgtoobig", status: "5.3.4", replyCode: 552, action: "failed",
		command: "DATA", remoteMTA: "mx.example.net", reporting: "mail.example.org", agent: "dragonfly",
		messageID: "<photos-0304@mail.example.org>", origFrom: "kenji@mail.example.org",
		date: "2025-03-04T09:12:41+01:00",
	}}},
	// Given up after its compiled-in five days: no reply, a pseudo status,
	// and the date of the bounce, not of the message five days before.
	{"dma-expired.eml", "dragonfly", []want{{
		recipient: "ops@unreachable.example.com", reason: "expired", status: "5.0.947", action: "failed",
		reporting: "mail.example.org", agent: "dragonfly", messageID: "<report-0305@mail.example.org>",
		date: "2025-03-10T18:40:05+01:00",
	}}},
	// MSEXCH code 000C05A6 is Unknown Recipient; the report has no
	// enhanced code, so the record gets the pseudo one.
	{"exchange2003-unknown.eml", "exchange2003", []want{{
		recipient: "lost.soul@example.net", reason: "userunknown", status: "5.0.911", hard: true,
		agent: "exchange2003", date: "2025-01-16T14:21:58+01:00",
	}}},
	{"exim-unrouteable.eml", "exim", []want{
		{recipient: "ghost@nowhere.example.net", reason: "hostunknown", status: "5.0.912", hard: true, agent: "exim",
			messageID: "<E1tYpzz-000Apn-0x@mail.example.org>", origFrom: "clerk@example.org"},
		// Given up after retrying: a failure (it bounced), not a delay
		// notice, though the reason is expired.
		{recipient: "slow@example.com", reason: "expired", status: "4.0.947", agent: "exim", action: "failed"},
	}},
	// A delay warning with its status part. The reason is the current
	// classification's: the 4.7.1 of a greylisting reply reads as
	// blocked, though the message is only delayed (see docs/bounce.md).
	{"exim-delayed-dsn.eml", "exim", []want{{
		recipient: "late@example.com", reason: "blocked", status: "4.7.1", replyCode: 451, command: "RCPT",
		remoteMTA: "mx.example.com", action: "delayed", agent: "exim",
	}}},
	// McAfee SaaS (formerly MXLogic) sends Exim's layout with the address
	// in angle brackets and its own headers.
	{"mcafee-userunknown.eml", "exim", []want{{
		recipient: "nobody@example.com", reason: "userunknown", status: "5.1.1", hard: true, replyCode: 550,
		agent: "exim", messageID: "<prices-0001@example.org>",
	}}},
	// Gmail's "(state 14)" is the RCPT step.
	{"gmail-userunknown.eml", "gmail", []want{{
		recipient: "no.one@example.com", reason: "userunknown", status: "5.1.1", hard: true, replyCode: 550,
		command: "RCPT", agent: "gmail", messageID: "<CAF=lunch-0001@mail.example.org>",
	}}},
	// The four bullets say the sender may not post: the group is the
	// recipient, named by X-Failed-Recipients.
	{"googlegroups-rejected.eml", "googlegroups", []want{{
		recipient: "birdwatchers@example.org", reason: "rejected", status: "5.0.918", agent: "googlegroups",
		remoteMTA: "mail-sor-f69.google.com", messageID: "<owl-0001@example.net>", origFrom: "taro@example.net",
	}}},
	{"x2-userunknown.eml", "x2", []want{{
		recipient: "absent@example.net", reason: "userunknown", status: "5.1.1", hard: true, agent: "x2",
		messageID: "<schedule-0001@example.org>",
	}}},
	{"opensmtpd-mixed.eml", "opensmtpd", []want{
		{recipient: "nobody@example.com", reason: "userunknown", status: "5.1.1", hard: true, replyCode: 550,
			agent: "opensmtpd", messageID: "<photos-0001@example.org>"},
		{recipient: "someone@no-such-domain.example.net", reason: "hostunknown", status: "5.0.912", hard: true,
			agent: "opensmtpd"},
	}},
	{"zoho-invalid.eml", "zoho", []want{{
		recipient: "gone@example.com", reason: "userunknown", status: "5.1.1", hard: true, replyCode: 550,
		agent: "zoho", messageID: "<hello-again-0001@example.org>",
	}}},
	{"gmx-userunknown.eml", "gmx", []want{{
		recipient: "absent@example.com", reason: "userunknown", status: "5.1.1", hard: true, command: "RCPT",
		remoteMTA: "mx.example.com", agent: "gmx", messageID: "<termin-0001@example.org>",
	}}},
	{"imailserver-unknown.eml", "imailserver", []want{{
		recipient: "nobody@example.net", reason: "userunknown", status: "5.0.911", hard: true,
		agent: "imailserver", messageID: "<recital-0001@example.org>",
	}}},
	// au's note outranks the 550: the account is disabled, not unknown.
	{"ezweb-disabled.eml", "ezweb", []want{{
		recipient: "suspended@example.com", reason: "suspend", status: "5.0.921", replyCode: 550, command: "RCPT",
		agent: "ezweb", messageID: "<see-you-0001@example.org>",
	}}},
	{"kddi-mailboxfull.eml", "kddi", []want{{
		recipient: "fullbox@example.com", reason: "mailboxfull", status: "5.0.922", agent: "kddi",
		date: "2025-01-28T19:20:01+09:00",
	}}},
	{"x3-userunknown.eml", "x3", []want{{
		recipient: "missing@example.com", reason: "userunknown", status: "5.1.1", hard: true, replyCode: 550,
		command: "RCPT", remoteMTA: "mx.example.com", agent: "x3", messageID: "<reunion-0001@example.org>",
	}}},
	{"einsundeins-userunknown.eml", "einsundeins", []want{{
		recipient: "nobody@example.com", reason: "userunknown", status: "5.1.1", hard: true, replyCode: 550,
		command: "RCPT", remoteMTA: "mx.example.com", agent: "einsundeins", messageID: "<angebot-0001@example.org>",
	}}},
	{"notes-userunknown.eml", "notes", []want{{
		recipient: "unlisted@example.com", reason: "userunknown", status: "5.0.911", hard: true, agent: "notes",
		messageID: "<quarterly-0001@example.org>",
	}}},
	{"mfilter-userunknown.eml", "mfilter", []want{{
		recipient: "unknown.user@example.com", reason: "userunknown", status: "5.1.1", hard: true, replyCode: 550,
		command: "RCPT", agent: "mfilter", messageID: "<estimate-0001@example.org>",
	}}},
	// The Subject says "are not member": the list refused the post.
	{"fml-notmember.eml", "fml", []want{{
		recipient: "sironeko@example.net", reason: "rejected", status: "5.0.918", agent: "fml",
		messageID: "<kittens-0001@example.net>",
	}}},
	{"domino-userunknown.eml", "domino", []want{{
		recipient: "unlisted@example.com", reason: "userunknown", status: "5.0.911", hard: true, agent: "domino",
	}}},
	// The reader for "Message details:" notices names Apache James and
	// Verizon apart.
	{"apachejames-userunknown.eml", "verizon", []want{{
		recipient: "nobody@example.com", reason: "userunknown", status: "5.1.1", hard: true, replyCode: 550,
		agent: "apachejames",
	}}},
	{"verizon-rejected.eml", "verizon", []want{{
		recipient: "5555550100@example.com", reason: "userunknown", status: "5.0.911", hard: true, replyCode: 550,
		command: "RCPT", agent: "verizon",
	}}},
	{"x6-userunknown.eml", "x6", []want{{
		recipient: "noone@example.com", reason: "userunknown", status: "5.1.1", hard: true, replyCode: 550,
		command: "RCPT", remoteMTA: "mx.example.com", agent: "x6", messageID: "<draft-0001@example.org>",
	}}},
	{"biglobe-mailboxfull.eml", "biglobe", []want{{
		recipient: "fullbox@example.com", reason: "mailboxfull", status: "5.0.922", agent: "biglobe",
		messageID: "<trip-0001@example.org>",
	}}},
	{"postfix-userunknown.eml", "postfix", []want{{recipient: "dana.nobody@receiver.example", reason: "userunknown",
		status: "5.1.1", hard: true, replyCode: 550, command: "RCPT", agent: "postfix"}}},
	// The SMTP server's notice to the postmaster: "In:" is what the
	// client sent, "Out:" the server's reply (Postfix smtpd_chat.c).
	{"postfix-server-transcript.eml", "postfix", []want{{
		recipient: "nobody@example.org", reason: "userunknown", status: "5.1.1", hard: true, replyCode: 550,
		command: "RCPT", agent: "postfix",
	}}},
	// qmail-remote's "does not like recipient." is the RCPT step.
	{"qmail-userunknown.eml", "qmail", []want{{
		recipient: "nobody@example.com", reason: "userunknown", status: "5.1.1", hard: true, replyCode: 550,
		command: "RCPT", remoteMTA: "192.0.2.25", agent: "qmail", messageID: "<books-0001@example.org>",
	}}},
	{"qmail-hostunknown.eml", "qmail", []want{{recipient: "gina@no-such-domain.example", reason: "hostunknown",
		status: "5.1.2", hard: true, agent: "qmail"}}},
	// Two recipients refused after the pipelined DATA: one record each,
	// in the order of the status part.
	{"sendmail-two-recipients.eml", "sendmail", []want{
		{recipient: "nobody@example.com", reason: "userunknown", status: "5.1.1", hard: true, replyCode: 550,
			command: "DATA", remoteMTA: "mx.example.com", reporting: "mail.example.org", agent: "sendmail",
			messageID: "<party-0001@example.org>", action: "failed"},
		{recipient: "full@example.com", reason: "mailboxfull", status: "5.2.2", replyCode: 552,
			command: "DATA", remoteMTA: "mx.example.com", agent: "sendmail", action: "failed"},
	}},
	{"sendmail-delayed.eml", "sendmail", []want{{recipient: "lou@slow.example", reason: "expired", status: "4.4.1",
		agent: "sendmail", action: "delayed"}}},
	{"v5sendmail-userunknown.eml", "v5sendmail", []want{{
		recipient: "nobody@example.com", reason: "userunknown", status: "5.0.911", hard: true, replyCode: 550,
		command: "RCPT", remoteMTA: "mx.example.com", agent: "v5sendmail", messageID: "<tea-0001@example.org>",
	}}},
}

func TestVendorFixtures(t *testing.T) {
	for _, c := range vendorCases {
		t.Run(c.file, func(t *testing.T) {
			res := Parse(fixture(t, c.file))
			if res.Agent != c.reader {
				t.Errorf("read by %q, want %q", res.Agent, c.reader)
			}
			if res.Problem != nil {
				t.Errorf("problem: %v", res.Problem)
			}
			checkRecords(t, c.file, res.Records, c.want)
		})
	}
}

// Every reader in the table has a fixture it reads, so that a new reader
// cannot arrive untested.
func TestEveryVendorHasAFixture(t *testing.T) {
	for _, v := range vendors {
		if !slices.ContainsFunc(vendorCases, func(c vendorCase) bool { return c.reader == v.name }) {
			t.Errorf("reader %q has no fixture in vendorCases", v.name)
		}
	}
}
