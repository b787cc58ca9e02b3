package message

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/dkimverify"
)

// FuzzCheck: any bytes as a message, with every name answered from a
// small zone, give a report and never a panic; the From reader gives at
// most one domain to judge, and only when there is one From address.
func FuzzCheck(f *testing.F) {
	f.Add([]byte(trace + plain))
	f.Add([]byte("From: a@b.example, c@d.example\r\nFrom: <x@y.example>\r\n\r\nbody"))
	f.Add([]byte("DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s1; h=from; l=99999999999; bh=MTIz; b=YWJj\r\nFrom: a@example.com\r\n\r\n"))
	f.Add([]byte("ARC-Seal: i=1; a=rsa-sha256; cv=none; d=x.example; s=s; b=YWJj\r\nAuthentication-Results: mx; dkim=pass header.d=example.com\r\n\r\n"))
	if raw, err := os.ReadFile("../../testdata/message/length.eml"); err == nil {
		f.Add(raw)
	}
	r := offline(f, records)
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		rep := Check(ctx, r, Input{Source: "fuzz", Data: data}, Options{Now: testNow, AuthServIDs: []string{"mx"}})
		if rep.Error == "" && len(rep.Checks) != len(Checks()) {
			t.Fatalf("%d checks", len(rep.Checks))
		}
		if msg, err := dkimverify.ParseMessage(bytes.NewReader(data), int64(len(data))); err == nil {
			fd := headerFrom(msg.Header)
			if fd.domain != "" && (fd.fields != 1 || fd.addresses != 1) {
				t.Fatalf("a From domain from %d fields, %d addresses", fd.fields, fd.addresses)
			}
		}
	})
}
