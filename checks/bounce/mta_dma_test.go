package bounce

import (
	"bytes"
	"testing"
)

func TestDmaPeer(t *testing.T) {
	for _, c := range []struct{ who, want string }{
		{"mx.example.net [192.0.2.41]", "mx.example.net"},
		// A SMARTHOST given as an address.
		{"192.0.2.41 [192.0.2.41]", "192.0.2.41"},
		{"mx [192.0.2.41]", "192.0.2.41"},
		// The wording of dma's releases after 0.13.
		{"remote host", ""},
		{"", ""},
	} {
		if got := dmaPeer(c.who); got != c.want {
			t.Errorf("dmaPeer(%q) = %q, want %q", c.who, got, c.want)
		}
	}
}

// Later dma releases say "remote host did not like our ..." without
// naming the host: the record has the reply, the command and no remote MTA.
func TestDragonFlyRemoteHostWording(t *testing.T) {
	b := fixture(t, "dma-mesgtoobig.eml")
	old := []byte("mx.example.net [192.0.2.41] did not like our final DATA:")
	if !bytes.Contains(b, old) {
		t.Fatal("the fixture no longer has the line this test rewrites")
	}
	b = bytes.Replace(b, old, []byte("remote host did not like our final DATA:"), 1)
	res := Parse(b)
	checkRecords(t, "rewritten dma-mesgtoobig.eml", res.Records, []want{{
		recipient: "hana@example.net", reason: "mesgtoobig", status: "5.3.4", replyCode: 552,
		command: "DATA", agent: "dragonfly",
	}})
	if len(res.Records) == 1 && res.Records[0].RemoteMTA != "" {
		t.Errorf("remote_mta = %q, want none", res.Records[0].RemoteMTA)
	}
}
