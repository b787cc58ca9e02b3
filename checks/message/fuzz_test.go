package message

import (
	"bytes"
	"context"
	"os"
	"strings"
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
	f.Add([]byte("Received: from a ([192.0.2.1]) by b with ESMTPS; Tue, 1 Dec 2026 10:00:00 +0000\r\nReceived: garbage\r\nList-Unsubscribe: <https://x.example/u>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\nDate: x\r\n\r\n"))
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

// FuzzOneClick: any List-Unsubscribe fields and any h= lists give an
// answer, never a panic, and one-click is signed only when the https
// URI and the POST field are there.
func FuzzOneClick(f *testing.F) {
	f.Add("<https://example.com/u>, <mailto:u@example.com>", "List-Unsubscribe=One-Click", "from:list-unsubscribe:list-unsubscribe-post")
	f.Add("<HTTPS://x>", "list-unsubscribe=one-click", "List-Unsubscribe")
	f.Add("https://no-brackets", "", "")
	f.Fuzz(func(t *testing.T, list, post, h string) {
		header := []dkimverify.Field{
			{Name: "List-Unsubscribe", Raw: []byte("List-Unsubscribe: " + list + "\r\n")},
			{Name: "List-Unsubscribe-Post", Raw: []byte("List-Unsubscribe-Post: " + post + "\r\n")},
		}
		sigs := []dkimverify.SignatureResult{{Status: dkimverify.StatusPass, Domain: "example.com", Headers: strings.Split(h, ":")}}
		u := oneClickOf(header, sigs)
		if u.signed && (!u.https || !u.post) || u.post && !u.https && u.signed || (!u.signed && u.why == "") {
			t.Fatalf("%+v", u)
		}
		headerProblems(header)
	})
}
