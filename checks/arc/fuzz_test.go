package arc

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/dkimverify"
	"github.com/relayctl/relayctl/checks/dnsx"
)

func FuzzParseSeal(f *testing.F) {
	f.Add(" i=1; a=rsa-sha256; cv=none; d=example.org; s=dummy; t=12345; b=YWJj")
	f.Add(" i=51; a=rsa-sha1; cv=PASS; d=; s=dummy;; h=from; b=")
	f.Fuzz(func(t *testing.T, value string) {
		raw := []byte(FieldSeal + ":" + value + "\r\n")
		s, err := ParseSeal(dkimverify.Field{Name: FieldSeal, Raw: raw})
		if (s == nil) == (err == nil) {
			t.Fatalf("%q: seal %v, error %v", value, s, err)
		}
		if s != nil && (s.Instance < 1 || s.Instance > dkimverify.MaxInstance || s.CV == "") {
			t.Fatalf("%q: %+v", value, s)
		}
	})
}

func FuzzParseResultsInstance(f *testing.F) {
	f.Add(" i=1; lists.example.org; spf=pass")
	f.Add(" lists.example.org; i=1")
	f.Add(" i = 07 ;")
	f.Fuzz(func(t *testing.T, value string) {
		raw := []byte(FieldResults + ":" + value + "\r\n")
		n, _, err := ParseResultsInstance(dkimverify.Field{Name: FieldResults, Raw: raw})
		if err == nil && (n < 1 || n > dkimverify.MaxInstance) {
			t.Fatalf("%q: instance %d", value, n)
		}
	})
}

// FuzzValidate: any message validates to none, pass or fail without a
// panic, and a fail always says why and where the chain broke or that
// it broke as a whole.
func FuzzValidate(f *testing.F) {
	f.Add([]byte("ARC-Seal: i=1; a=rsa-sha256; cv=none; d=example.org; s=k; b=YWJj\r\n" +
		"ARC-Message-Signature: i=1; a=rsa-sha256; d=example.org; s=k; h=from; bh=MTIz; b=YWJj\r\n" +
		"ARC-Authentication-Results: i=1; example.org; none\r\nFrom: a\r\n\r\nbody\r\n"))
	f.Add([]byte("ARC-Seal: i=2; cv=pass\nARC-Seal: i=1\nARC-Authentication-Results: i=1;\n\n"))
	z := dnsx.NewZone("example.org")
	z.Add(txtRR("k._domainkey.example.org", "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := dkimverify.ParseMessage(bytes.NewReader(raw), int64(len(raw)))
		if err != nil {
			return
		}
		c, err := dnsx.New(dnsx.Config{Zones: []*dnsx.Zone{z}, Offline: true})
		if err != nil {
			t.Fatal(err)
		}
		res := Validate(context.Background(), c, m, Options{Now: time.Unix(1700000000, 0)})
		switch res.Status {
		case StatusNone, StatusPass:
			if res.Err != nil {
				t.Fatalf("%s with error %v", res.Status, res.Err)
			}
		case StatusFail:
			if res.Err == nil || res.Cause == CauseNone || res.FailedInstance > res.Instances {
				t.Fatalf("fail: %+v", res)
			}
		default:
			t.Fatalf("status %q", res.Status)
		}
	})
}
