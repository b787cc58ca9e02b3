package send

import (
	"strings"
	"testing"
)

func TestQueueID(t *testing.T) {
	cases := []struct{ reply, want string }{
		{"250 2.0.0 Ok: queued as 4XyZ1abcd", "4XyZ1abcd"},
		{"250 2.0.0 Ok: queued as 4Wq8nS0qvWz9tJ0", "4Wq8nS0qvWz9tJ0"},
		{"250 OK id=1tAbCd-000123-Xy", "1tAbCd-000123-Xy"},
		{"250 2.6.0 <abc@host.example> [InternalId=123456789, Hostname=AM0PR01MB1234.eurprd01.prod.exchangelabs.com] Queued mail for delivery", "123456789"},
		{"250 2.0.0 OK  1700000000 d2e1a72fcca58-6c2a1b2c3d4sm123456pfb.12 - gsmtp", "d2e1a72fcca58-6c2a1b2c3d4sm123456pfb.12"},
		{"250 2.0.0 OK 1597071234 a1sm123456qka.12 - gsmtp", "a1sm123456qka.12"},
		{"250 2.0.0 4AQLx1AB012345 Message accepted for delivery", "4AQLx1AB012345"},
		{"250 Ok 0100018c1a2b3c4d-5e6f7a8b-0000-0000-0000-000000000000-000000", "0100018c1a2b3c4d-5e6f7a8b-0000-0000-0000-000000000000-000000"},
		{"250 2.0.0 Ok: queued as <ABCDEF>", "ABCDEF"},
		{"250 2.0.0 Ok", ""},
		{"250 OK", ""},
		{"250 Message accepted", ""},
		{"", ""},
	}
	for _, c := range cases {
		if got := QueueID(c.reply); got != c.want {
			t.Errorf("QueueID(%q) = %q, want %q", c.reply, got, c.want)
		}
	}
}

func FuzzQueueID(f *testing.F) {
	f.Add("250 2.0.0 Ok: queued as 4XyZ")
	f.Add("250 OK id=1tAbCd-000123-Xy")
	f.Add("250 2.6.0 <a@b> [InternalId=1, Hostname=x] Queued")
	f.Add("250 2.0.0 OK 1 abc - gsmtp")
	f.Fuzz(func(t *testing.T, reply string) {
		id := QueueID(reply)
		if strings.ContainsAny(id, " \t\r\n,[]<>") {
			t.Fatalf("QueueID(%q) = %q holds a separator", reply, id)
		}
		if id != "" && !strings.Contains(reply, id) {
			t.Fatalf("QueueID(%q) = %q is not in the reply", reply, id)
		}
	})
}
