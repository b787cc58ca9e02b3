package send_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/send"
	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
)

// keyRecord is the DKIM TXT record for pub, split into zone-file strings.
func keyRecord(t *testing.T, pub crypto.PublicKey) string {
	t.Helper()
	var k, p string
	switch pk := pub.(type) {
	case *rsa.PublicKey:
		der, err := x509.MarshalPKIXPublicKey(pk)
		if err != nil {
			t.Fatal(err)
		}
		k, p = "rsa", base64.StdEncoding.EncodeToString(der)
	case ed25519.PublicKey:
		k, p = "ed25519", base64.StdEncoding.EncodeToString(pk)
	}
	rec := "v=DKIM1; k=" + k + "; p=" + p
	var parts []string
	for len(rec) > 200 {
		parts = append(parts, `"`+rec[:200]+`"`)
		rec = rec[200:]
	}
	parts = append(parts, `"`+rec+`"`)
	return strings.Join(parts, " ")
}

// verifier checks DKIM signatures with go-msgauth, the key looked up
// through relayctl's resolver from a loopback DNS server.
func verifier(t *testing.T, zone string) func([]byte) []*dkim.Verification {
	r := dnstest.Resolver(t, zone)
	return func(data []byte) []*dkim.Verification {
		vs, err := dkim.VerifyWithOptions(bytes.NewReader(data), &dkim.VerifyOptions{
			LookupTXT: func(name string) ([]string, error) {
				txt, ans, err := dnsx.TXT(context.Background(), r, name)
				if err == nil && len(txt) == 0 {
					return nil, fmt.Errorf("no TXT at %s (nxdomain=%v)", name, ans.NXDomain())
				}
				return txt, err
			},
		})
		if err != nil {
			t.Fatalf("verify: %v", err)
		}
		return vs
	}
}

func TestDKIMSignedMessageVerifies(t *testing.T) {
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	zone := "$ORIGIN example.net.\n" +
		"@ 3600 IN SOA ns.example.net. h.example.net. 1 3600 600 86400 300\n" +
		"rsa1._domainkey 3600 IN TXT " + keyRecord(t, rsaKey.Public()) + "\n" +
		"ed1._domainkey 3600 IN TXT " + keyRecord(t, edKey.Public()) + "\n"
	verify := verifier(t, zone)
	srv := smtptest.Start(t, smtptest.Config{})

	for _, c := range []struct {
		sel, alg string
		key      crypto.Signer
	}{{"rsa1", "rsa-sha256", rsaKey}, {"ed1", "ed25519-sha256", edKey}} {
		signer, err := send.NewDKIMSigner(c.key, "example.net", c.sel)
		if err != nil {
			t.Fatal(err)
		}
		if signer.Algorithm() != c.alg {
			t.Errorf("algorithm %s", signer.Algorithm())
		}
		from, _ := send.ParseAddress("from", "Ann <ann@example.net>")
		to, _ := send.ParseAddress("to", "bob@example.org")
		m, err := send.Build(send.Spec{From: from, To: []send.Address{to}, Subject: "Signed — ünïcode",
			Text: "Line one\n.dot line\n\n\n", HasText: true, HTML: "<p>hi</p>", HasHTML: true,
			Attachments: []send.Attachment{{Name: "a.pdf", Data: []byte("%PDF-1.4 fake")}},
			Headers:     []send.Header{{"X-Campaign", "7"}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := signer.Sign(m); err != nil {
			t.Fatal(err)
		}
		rec := send.Send(ctx(t), cfgFor(srv.Addr), m)
		if rec.Result != send.ResultSent {
			t.Fatalf("%+v", rec)
		}
		got := srv.Messages()
		data := got[len(got)-1].Data
		if !bytes.HasPrefix(data, []byte("DKIM-Signature: ")) {
			t.Fatalf("no signature on top:\n%s", data)
		}
		sig := string(data[:bytes.Index(data, []byte("\r\nFrom:"))])
		for _, tag := range []string{"a=" + c.alg, "c=relaxed/relaxed", "d=example.net", "s=" + c.sel, "h=From:Subject:Date:To:Message-ID:MIME-Version:Content-Type"} {
			if !strings.Contains(strings.Join(strings.Fields(sig), ""), strings.ReplaceAll(tag, " ", "")) {
				t.Errorf("%s: signature lacks %s:\n%s", c.sel, tag, sig)
			}
		}
		vs := verify(data)
		if len(vs) != 1 || vs[0].Err != nil || vs[0].Domain != "example.net" {
			t.Errorf("%s: verification %+v", c.sel, vs[0])
		}
		// A changed body no longer verifies: the check can fail.
		tampered := bytes.Replace(data, []byte("Line one"), []byte("Line 0ne"), 1)
		if vs := verify(tampered); vs[0].Err == nil {
			t.Errorf("%s: a tampered message verifies", c.sel)
		}
	}
}

func TestParseDKIMKey(t *testing.T) {
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 1024)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	pkcs8 := func(k any) []byte {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	}
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)})
	for name, data := range map[string][]byte{"pkcs1": pkcs1, "pkcs8 rsa": pkcs8(rsaKey), "pkcs8 ed25519": pkcs8(edKey)} {
		if _, err := send.ParseDKIMKey(data); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, data := range map[string][]byte{
		"768 bits":    []byte(smallKey),
		"not pem":     []byte("hello"),
		"certificate": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1, 2}}),
		"garbage der": pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2}}),
	} {
		if _, err := send.ParseDKIMKey(data); !errors.Is(err, send.ErrBadInput) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// smallKey is a 768-bit RSA key (Go no longer generates one): too weak
// for DKIM (RFC 8301 §3.2).
const smallKey = `-----BEGIN RSA PRIVATE KEY-----
MIIBzAIBAAJhAK6oyF5ubHQGrnNWO7aFjmltG1Z2m13DjB1XaXOviEJzDwfj61cS
gA4RQCjzNYjUTXM2yJ4tWlJiYBJOfomaQbmYl4tFz4xHdCBNZqsq9v0PLOiyjxZZ
TNpm6qbALkWIyQIDAQABAmEAhtHKOPpLxRQTPPxng3B8iWyrGYbcTvhPA6chwybP
q1tdUt3gH4osRq+SMwnpXQFisPHmddgcXrn8/M17Pd9nHsvj4S9qp5ckoepAaJIN
C/A90ixMF+4H69cHJaZR+KXBAjEA2CeSYIz9vhc0Mrh9oVyJsJk6sE0r5AtLrmCI
X94n8LW0KIF+RJ2qeOX9q+knLJ7dAjEAztsH+AqzoCS7vTPezYIhtQ8jTVJVCt1s
rOAf1/LtI1FOJkLYzwKAjA65yNW78bTdAjEAj4IeTdntsWIIdtBEIHimtcfVzi0+
QaY6NejDQhrlm4uXs/jdU0L2ZlQUCim+p4JFAjBsU/ZjZq9VEYej+RMYSqr+V/Qj
3RcePoFYM3NZsyWPFlg331ANcQEC1/9hdtUbKp0CMQC8CPuaiH7RfRw9Whe2msR1
JmBNTc84eyWwuGQTHfmLshFAQRacVTts+r2uchumeRM=
-----END RSA PRIVATE KEY-----
`
