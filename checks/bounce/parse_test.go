package bounce

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "bounce", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// want is what a fixture must yield; empty fields are not checked.
type want struct {
	recipient, reason, status, agent string
	hard                             bool
	replyCode                        int
	command, remoteMTA, reporting    string
	messageID, origFrom, date        string
	feedbackType, sourceIP           string
	action                           string
	diagnostic                       string
}

var fixtureCases = []struct {
	file string
	want []want
}{
	{"postfix-userunknown.eml", []want{{
		recipient: "dana.nobody@receiver.example", reason: "userunknown", status: "5.1.1", agent: "postfix",
		hard: true, replyCode: 550, command: "RCPT", remoteMTA: "mx1.receiver.example", reporting: "mail.sender.example",
		messageID: "<march-news-0001@sender.example>", origFrom: "newsletter@sender.example", action: "failed",
	}}},
	{"exim-mailboxfull.eml", []want{{
		recipient: "fred.full@mailbox.example", reason: "mailboxfull", status: "5.2.2", agent: "exim",
		replyCode: 552, command: "RCPT", remoteMTA: "mx.mailbox.example", messageID: "<order-7731@shop.example>",
		origFrom: "orders@shop.example", date: "2025-02-11T08:01:09Z",
	}}},
	{"qmail-hostunknown.eml", []want{{
		recipient: "gina@no-such-domain.example", reason: "hostunknown", status: "5.1.2", agent: "qmail", hard: true,
		messageID: "<thread-99-reply@forum.example>",
	}}},
	{"sendmail-delayed.eml", []want{{
		recipient: "lou@slow.example", reason: "expired", status: "4.4.1", agent: "sendmail", action: "delayed",
		remoteMTA: "mx.slow.example", messageID: "<jan-statement-42@company.example>",
	}}},
	{"feedback-abuse.eml", []want{{
		recipient: "henry@isp.example", reason: "feedback", agent: "arf", feedbackType: "abuse",
		sourceIP: "192.0.2.44", reporting: "fbl.isp.example", messageID: "<promo-5521@sender.example>",
		origFrom: "promo@sender.example",
	}}},
	{"autoreply.eml", []want{{recipient: "irene@office.example", reason: "vacation", agent: "rfc3834",
		origFrom: "support@vendor.example"}}},
	{"delivered.eml", []want{{recipient: "ned@client.example", reason: "delivered", status: "2.0.0",
		action: "delivered", replyCode: 250}}},
	{"global-dsn.eml", []want{{
		recipient: "josé@destinataire.example", reason: "userunknown", status: "5.1.1", hard: true,
		remoteMTA: "mx.destinataire.example", messageID: "<bonjour-1@expediteur.example>", origFrom: "lea@expediteur.example",
	}}},
	{"iso2022jp-crlf.eml", []want{{recipient: "rin@sakura.example", reason: "mailboxfull", status: "5.2.2"}}},
	{"truncated.eml", []want{{recipient: "pat@rejects.example", reason: "blocked", status: "5.7.1"}}},
	{"not-a-bounce.eml", nil},
	// An HTML-only notice: the tags and entities go before the text is
	// read as the diagnostic.
	{"html-notice.eml", []want{{recipient: "full.box@example.com", reason: "mailboxfull", status: "4.2.2",
		replyCode: 452, agent: "rfc3464", reporting: "outbound.example.net", action: "failed"}}},
	// A bounce forwarded with every line quoted reads like the original.
	{"forwarded-dsn.eml", []want{{recipient: "nobody@example.com", reason: "userunknown", status: "5.1.1",
		hard: true, replyCode: 550, agent: "rfc3464", remoteMTA: "mx.example.com", reporting: "mail.example.net",
		date: "2025-02-11T09:57:59+01:00", action: "failed"}}},
}

func checkRecords(t *testing.T, name string, got []Record, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("%s: %d records, want %d: %+v", name, len(got), len(wants), got)
	}
	for i, w := range wants {
		r := got[i]
		check := func(field, got, want string) {
			if want != "" && got != want {
				t.Errorf("%s: %s = %q, want %q", name, field, got, want)
			}
		}
		check("recipient", r.Recipient, w.recipient)
		check("reason", string(r.Reason), w.reason)
		check("status", r.Status, w.status)
		check("agent", r.Agent, w.agent)
		check("smtp_command", r.SMTPCommand, w.command)
		check("remote_mta", r.RemoteMTA, w.remoteMTA)
		check("reporting_mta", r.ReportingMTA, w.reporting)
		check("original_message_id", r.OriginalMessageID, w.messageID)
		check("original_from", r.OriginalFrom, w.origFrom)
		check("date", r.Date, w.date)
		check("feedback_type", r.FeedbackType, w.feedbackType)
		check("source_ip", r.SourceIP, w.sourceIP)
		check("action", r.Action, w.action)
		check("diagnostic", r.Diagnostic, w.diagnostic)
		if r.Hard != w.hard {
			t.Errorf("%s: hard = %v, want %v", name, r.Hard, w.hard)
		}
		if w.replyCode != 0 && r.ReplyCode != w.replyCode {
			t.Errorf("%s: reply_code = %d, want %d", name, r.ReplyCode, w.replyCode)
		}
	}
}

func TestParseFixtures(t *testing.T) {
	for _, c := range fixtureCases {
		t.Run(c.file, func(t *testing.T) {
			res := Parse(fixture(t, c.file))
			checkRecords(t, c.file, res.Records, c.want)
		})
	}
}

// Every fixture reads the same with LF, CRLF and CR-only line endings.
func TestLineEndings(t *testing.T) {
	var files []string
	for _, c := range fixtureCases {
		files = append(files, c.file)
	}
	for _, c := range vendorCases {
		files = append(files, c.file)
	}
	for _, file := range files {
		lf := bytes.ReplaceAll(fixture(t, file), []byte("\r\n"), []byte("\n"))
		base := Parse(lf)
		for name, conv := range map[string][]byte{
			"crlf": bytes.ReplaceAll(lf, []byte("\n"), []byte("\r\n")),
			"cr":   bytes.ReplaceAll(lf, []byte("\n"), []byte("\r")),
		} {
			got := Parse(conv)
			if !reflect.DeepEqual(got.Records, base.Records) {
				t.Errorf("%s as %s: %+v\nwant %+v", file, name, got.Records, base.Records)
			}
		}
	}
}

func TestParseProblems(t *testing.T) {
	if res := Parse(nil); !errors.Is(res.Problem, ErrEmpty) {
		t.Errorf("empty input: problem %v, want ErrEmpty", res.Problem)
	}
	if res := Parse([]byte("   \n\n")); !errors.Is(res.Problem, ErrEmpty) {
		t.Errorf("blank input: problem %v, want ErrEmpty", res.Problem)
	}
	if res := Parse([]byte("just some words\nno header here\n")); !errors.Is(res.Problem, ErrNoHeader) || res.Records != nil {
		t.Errorf("no header: %+v", res)
	}
	res := Parse(fixture(t, "truncated.eml"))
	if !errors.Is(res.Problem, ErrTruncated) {
		t.Errorf("truncated: problem %v, want ErrTruncated", res.Problem)
	}
	if len(res.Records) != 1 {
		t.Errorf("truncated: what could be read is kept, got %d records", len(res.Records))
	}
	if res := Parse(fixture(t, "not-a-bounce.eml")); res.Problem != nil || res.Records != nil || res.Agent != "" {
		t.Errorf("ordinary message: %+v", res)
	}
	// A person reads the problem without the package name.
	for _, err := range []error{ErrEmpty, ErrNoHeader, ErrTruncated} {
		if msg := checks.Message(err); strings.Contains(msg, "bounce") || !strings.HasPrefix(err.Error(), "bounce: "+msg) {
			t.Errorf("%v: message %q", err, msg)
		}
	}
}

// A quoted-printable and base64 notice with an RFC 2047 subject, a
// Postfix layout: the transfer encodings are undone before reading.
func TestParseEncodedParts(t *testing.T) {
	msg := strings.Join([]string{
		"From: MAILER-DAEMON@mx.encoded.example",
		"To: uma@encoded.example",
		"Subject: =?utf-8?q?Undelivered_Mail_Returned_to_Sender?=",
		"MIME-Version: 1.0",
		`Content-Type: multipart/report; report-type=delivery-status; boundary="b1"`,
		"",
		"--b1",
		"Content-Type: text/plain; charset=utf-8",
		"Content-Transfer-Encoding: quoted-printable",
		"",
		"This is the mail system at host mx.encoded.example.",
		"",
		"<vic@far.example>: host mx.far.example[203.0.113.9] said: 550 5.1.1 No such =",
		"user here (in reply to RCPT TO command)",
		"",
		"--b1",
		"Content-Type: message/delivery-status",
		"Content-Transfer-Encoding: base64",
		"",
		"UmVwb3J0aW5nLU1UQTogZG5zOyBteC5lbmNvZGVkLmV4YW1wbGUKCkZpbmFsLVJlY2lwaWVudDog",
		"cmZjODIyOyB2aWNAZmFyLmV4YW1wbGUKQWN0aW9uOiBmYWlsZWQKU3RhdHVzOiA1LjEuMQo=",
		"--b1--",
		"",
	}, "\n")
	res := Parse([]byte(msg))
	checkRecords(t, "encoded", res.Records, []want{{recipient: "vic@far.example", reason: "userunknown",
		status: "5.1.1", agent: "postfix", hard: true, command: "RCPT", remoteMTA: "mx.far.example"}})
	if d := res.Records[0].Diagnostic; !strings.Contains(d, "No such user here") {
		t.Errorf("soft line break not joined: %q", d)
	}
}

// Hostile shapes end without a panic and without records that make no
// sense.
func TestParseHostile(t *testing.T) {
	deep := "Content-Type: multipart/mixed; boundary=x\n\n"
	for range 200 {
		deep += "--x\nContent-Type: multipart/mixed; boundary=x\n\n"
	}
	for name, in := range map[string]string{
		"deep nesting":       deep,
		"boundary only":      "Content-Type: multipart/report; boundary=\"\"\n\n--\n--\n",
		"no boundary param":  "Content-Type: multipart/report\n\nFinal-Recipient: rfc822; a@b.example\nStatus: 5.1.1\n",
		"bad base64":         "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n!!!!====@@@@\n",
		"bad qp":             "Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n=ZZ=\n=",
		"header only":        "Subject: x",
		"huge header line":   "Subject: " + strings.Repeat("a", 1<<20) + "\n\nbody",
		"dsn without marker": "Subject: Delivery Status Notification\n\nReporting-MTA: dns; x.example\n\nFinal-Recipient: rfc822; z@y.example\nAction: failed\nStatus: 5.2.2\n",
	} {
		res := Parse([]byte(in))
		for _, r := range res.Records {
			if !isAddress(r.Recipient) || r.Reason == "" {
				t.Errorf("%s: nonsense record %+v", name, r)
			}
		}
	}
}

// Run reuses a message's buffer once Parse is done with it, so nothing
// Parse returns may point into the message: overwriting it afterwards
// must change no record.
func TestParseKeepsNoReferenceToInput(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testdata, "*.eml"))
	if dir := corpusDir(t); dir != "" {
		more, _ := filepath.Glob(filepath.Join(dir, "maildir", "*", "*.eml"))
		files = append(files, more...)
	}
	if len(files) == 0 {
		t.Fatal("no messages to parse")
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		buf := bytes.Clone(raw)
		got := Parse(buf)
		for i := range buf {
			buf[i] = 'X'
		}
		if want := Parse(raw); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the result changed when the input was overwritten", f)
		}
	}
}
