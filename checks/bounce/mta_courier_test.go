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
