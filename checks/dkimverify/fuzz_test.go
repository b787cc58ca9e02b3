package dkimverify

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/dnsx"
)

// FuzzParseSignature: any field value parses or fails without a panic,
// and an error always carries a column inside the field.
func FuzzParseSignature(f *testing.F) {
	f.Add(goodSig[len("DKIM-Signature:"):])
	f.Add(" v=1; a=rsa-sha256; d=e.com; s=s; h=from; bh=MTIz; b=YWJj")
	f.Add(" i=1; a=rsa-sha256; d=e.com; s=s; h=from:to::date; bh=MTIz; b=YW Jj;")
	f.Add(";;=;b=;bh;l=99999999999999999999999;x=1;t=2")
	f.Fuzz(func(t *testing.T, value string) {
		raw := "DKIM-Signature:" + value + "\r\n"
		for _, kind := range []Kind{KindDKIM, KindAMS} {
			s, err := ParseSignature(Field{Name: "DKIM-Signature", Raw: []byte(raw)}, kind)
			if (s == nil) == (err == nil) {
				t.Fatalf("%q: signature %v and error %v", value, s, err)
			}
			if err != nil {
				for _, e := range err.(SyntaxErrors) {
					if e.Col < 0 || e.Col > len(raw) {
						t.Fatalf("%q: column %d outside the field", value, e.Col)
					}
				}
				continue
			}
			StripTag([]byte(raw), "b")
		}
	})
}

// FuzzCanonBody: the canonical body does not depend on how the body is
// cut into writes, and relaxed never holds a WSP run or a line ending
// in WSP.
func FuzzCanonBody(f *testing.F) {
	f.Add([]byte(" C \r\nD \t E\r\n\r\n\r\n"), uint8(3))
	f.Add([]byte("a\r\r\n\n\r"), uint8(1))
	f.Fuzz(func(t *testing.T, body []byte, chunk uint8) {
		n := int(chunk) + 1
		for _, c := range []Canon{Simple, Relaxed} {
			whole := canonBody(c, string(body), len(body)+1)
			if cut := canonBody(c, string(body), n); cut != whole {
				t.Fatalf("%s %q: in chunks of %d %q, whole %q", c, body, n, cut, whole)
			}
			if len(whole) > 0 && !strings.HasSuffix(whole, "\r\n") || strings.HasSuffix(whole, "\r\n\r\n") {
				t.Fatalf("%s %q: canonical form %q", c, body, whole)
			}
			if c == Relaxed && (strings.Contains(whole, "  ") || strings.Contains(whole, "\t") || strings.Contains(whole, " \r\n")) {
				t.Fatalf("relaxed %q: %q", body, whole)
			}
		}
	})
}

// FuzzVerify: any message parses or fails, and verifies without a panic
// (against keys from an in-memory zone, offline).
func FuzzVerify(f *testing.F) {
	f.Add([]byte(goodSig + plainMessage))
	f.Add([]byte("DKIM-Signature: v=1; a=ed25519-sha256; d=example.com; s=k; h=from:from; bh=MTIz; b=YWJj; l=3\nFrom: a\n\nbody"))
	z := dnsx.NewZone("example.com")
	z.Add(txtRR("k._domainkey.example.com", "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="))
	z.Add(txtRR("sel._domainkey.example.com", "v=DKIM1; p="))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := ParseMessage(bytes.NewReader(raw), int64(len(raw)))
		if err != nil {
			return
		}
		c, err := dnsx.New(dnsx.Config{Zones: []*dnsx.Zone{z}, Offline: true})
		if err != nil {
			t.Fatal(err)
		}
		res := Verify(context.Background(), c, m, Options{Now: time.Unix(1700000000, 0)})
		for _, s := range res.Signatures {
			if s.Status == "" || (s.Status == StatusPass) != (s.Err == nil) {
				t.Fatalf("result %+v", s)
			}
		}
	})
}
