package bounce

import (
	"bytes"
	"testing"
)

// The expiry rule holds for a connection error only: Courier's own
// verdict on a domain keeps its reason, and a server's reply its own.
func TestCourierOtherFailures(t *testing.T) {
	b := fixture(t, "courier-expired.eml")
	for _, c := range []struct {
		diag string
		want want
	}{
		{"unknown; No such domain.", want{recipient: "billing@closed.example.net", reason: "hostunknown", agent: "courier", hard: true}},
		{"unknown; DNS lookup failed.", want{recipient: "billing@closed.example.net", reason: "networkerror", agent: "courier"}},
		{"smtp; 550 5.1.1 <billing@closed.example.net>: Connection refused for this user",
			want{recipient: "billing@closed.example.net", reason: "userunknown", status: "5.1.1", replyCode: 550, hard: true}},
	} {
		old := []byte("Diagnostic-Code: unknown; Connection refused")
		if !bytes.Contains(b, old) {
			t.Fatal("the fixture no longer has the line this test rewrites")
		}
		m := bytes.Replace(b, old, []byte("Diagnostic-Code: "+c.diag), 1)
		checkRecords(t, c.diag, Parse(m).Records, []want{c.want})
	}
}

// A delay notice has no Diagnostic-Code: its diagnostic is the reply in
// Courier's transcript for the recipient, not the notice's preface, and
// its record is of the delayed kind (out of counts unless asked for).
func TestCourierDelayNotice(t *testing.T) {
	recs := Parse(fixture(t, "courier-delayed.eml")).Records
	if len(recs) != 1 || recs[0].Action != "delayed" || recs[0].Kind() != KindDelayed || recs[0].Recipient != "billing@closed.example.net" ||
		recs[0].Diagnostic != "Connection refused" || recs[0].Agent != "courier" {
		t.Errorf("records %+v, want one delayed for billing@closed.example.net with the diagnostic \"Connection refused\"", recs)
	}
	if got := courierTranscript("x\n<a@example.com>:\n     [192.0.2.1] [192.0.2.1]:\n >>> RCPT TO:<a@example.com>\n <<< 550 5.1.1 no\n <<< such user\n\nDiagnostic-Code: x\n", "a@example.com"); got != "550 5.1.1 no such user" {
		t.Errorf("transcript %q", got)
	}
}
