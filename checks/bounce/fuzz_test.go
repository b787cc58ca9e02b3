package bounce

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

// FuzzParse feeds the message parser arbitrary bytes: it must not panic
// or hang, and every record it returns must make sense.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(testdata, "*.eml"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("From: a@b.example\nContent-Type: multipart/report; boundary=x\n\n--x\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; c@d.example\nStatus: 5.1.1\n--x--\n"))
	f.Add([]byte("Subject: failure notice\n\nHi. This is the qmail-send program\n<a@b.example>:\nno mailbox here by that name\n"))
	f.Add([]byte("Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n=?=\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res := parse(data, false) // a reader's panic fails the target
		for _, r := range res.Records {
			if !isAddress(r.Recipient) {
				t.Fatalf("recipient %q is no address", r.Recipient)
			}
			if !reason.Known(r.Reason) {
				t.Fatalf("unknown reason %q", r.Reason)
			}
			if r.Status != "" && !reason.ValidStatus(r.Status) {
				t.Fatalf("status %q is no status code", r.Status)
			}
			if r.Hard && r.Reason != reason.UserUnknown && r.Reason != reason.HostUnknown &&
				r.Reason != reason.HasMoved && r.Reason != reason.NotAccept {
				t.Fatalf("hard %s", r.Reason)
			}
			if r.ReplyCode != 0 && (r.ReplyCode < 200 || r.ReplyCode > 599) {
				t.Fatalf("reply code %d", r.ReplyCode)
			}
			if strings.ContainsAny(r.SMTPCommand, " \n") {
				t.Fatalf("command %q", r.SMTPCommand)
			}
			_ = utf8.ValidString(r.Diagnostic) // invalid UTF-8 is allowed; JSON replaces it
		}
	})
}
