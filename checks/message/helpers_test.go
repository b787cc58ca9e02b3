package message

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dkimverify"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// plain is a message before signing; its body has trailing whitespace
// and empty lines at the end, which the canonicalizations treat apart.
const plain = "From: Alice <alice@example.com>\r\n" +
	"To: Bob <bob@example.net>\r\n" +
	"Subject: Quarterly figures\r\n" +
	"Date: Tue, 1 Dec 2026 10:00:00 +0000\r\n" +
	"Message-ID: <q4@example.com>\r\n" +
	"\r\n" +
	"Hello Bob,\r\n" +
	"the figures are attached.\r\n"

// trace is what the receiver adds on top: Return-Path and its Received
// field, the client 192.0.2.10 greeting as mail.example.com.
const trace = "Return-Path: <bounce@example.com>\r\n" +
	"Received: from mail.example.com (mail.example.com [192.0.2.10])\r\n" +
	"\tby mx.example.net (Postfix) with ESMTPS id 4dQxYz1abc\r\n" +
	"\tfor <bob@example.net>; Tue, 1 Dec 2026 10:00:05 +0000 (UTC)\r\n"

// records is the zone of example.com without its DKIM key: SPF allows
// 192.0.2.10 for the MAIL FROM and the HELO name, DMARC rejects.
const records = `example.com. 300 IN SOA ns.example.com. hostmaster.example.com. 1 7200 3600 1209600 300
example.com. 300 IN TXT "v=spf1 ip4:192.0.2.10 -all"
mail.example.com. 300 IN TXT "v=spf1 ip4:192.0.2.10 -all"
mail.example.com. 300 IN A 192.0.2.10
_dmarc.example.com. 300 IN TXT "v=DMARC1; p=reject; rua=mailto:d@example.com"
`

var testNow = time.Date(2026, 12, 1, 10, 1, 0, 0, time.UTC)

// edKey is a new Ed25519 key.
func edKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// keyTXT is the DKIM key record of a key.
func keyTXT(t testing.TB, k crypto.Signer) string {
	t.Helper()
	switch pub := k.Public().(type) {
	case ed25519.PublicKey:
		return "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)
	case *rsa.PublicKey:
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		return "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der)
	}
	t.Fatalf("key %T", k)
	return ""
}

// zoneText quotes a TXT record's text in 255-byte strings.
func zoneTXT(name, text string) string {
	var parts []string
	for len(text) > 200 {
		parts = append(parts, `"`+text[:200]+`"`)
		text = text[200:]
	}
	parts = append(parts, `"`+text+`"`)
	return fmt.Sprintf("%s. 300 IN TXT ( %s )\n", name, strings.Join(parts, " "))
}

// sign signs msg with go-msgauth's signer as d=example.com.
func sign(t testing.TB, msg string, o dkim.SignOptions) string {
	t.Helper()
	if o.Domain == "" {
		o.Domain = "example.com"
	}
	if o.HeaderKeys == nil {
		o.HeaderKeys = []string{"From", "To", "Subject", "Date", "Message-ID"}
	}
	var b strings.Builder
	if err := dkim.Sign(&b, strings.NewReader(msg), &o); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// signManual signs msg with a relaxed/relaxed signature by alg
// ("ed25519-sha256", "rsa-sha256", "rsa-sha1"), with l= set to the
// canonical body's length when withL: what go-msgauth's signer will not
// do (it has no l= and refuses SHA-1). The verifier's own
// canonicalization computes bh=, and the signature is over its
// HeaderData.
func signManual(t testing.TB, msg string, key crypto.Signer, alg, sel string, withL bool) string {
	t.Helper()
	hash := "sha256"
	if alg == dkimverify.RSASHA1 {
		hash = "sha1"
	}
	_, body, _ := strings.Cut(msg, "\r\n\r\n")
	l, tagL := int64(-1), ""
	if withL {
		all, err := dkimverify.HashBody(context.Background(), strings.NewReader(body), []dkimverify.BodyReq{{Canon: dkimverify.Relaxed, Hash: hash, Length: -1}})
		if err != nil {
			t.Fatal(err)
		}
		l = all[0].Octets
		tagL = fmt.Sprintf(" l=%d;", l)
	}
	hs, err := dkimverify.HashBody(context.Background(), strings.NewReader(body), []dkimverify.BodyReq{{Canon: dkimverify.Relaxed, Hash: hash, Length: l}})
	if err != nil {
		t.Fatal(err)
	}
	field := fmt.Sprintf("DKIM-Signature: v=1; a=%s; c=relaxed/relaxed; d=example.com; s=%s;%s\r\n\th=from:from:to:subject; bh=%s; b=AAAA\r\n",
		alg, sel, tagL, base64.StdEncoding.EncodeToString(hs[0].Sum))
	signed, err := fillSignature(t, field, msg, key, alg)
	if err != nil {
		t.Fatal(err)
	}
	return signed + msg
}

// fillSignature puts key's signature by alg into field, a DKIM-Signature
// with the placeholder "b=AAAA", over the fields of header (a message or
// its header) as the verifier selects them (its own HeaderData). The hash
// is the algorithm's (RFC 6376 §3.3); Ed25519 signs the SHA-256 digest
// itself (RFC 8463 §3), so it is passed no hash option. A key crypto
// will not sign with returns field unsigned, with the error.
func fillSignature(t testing.TB, field, header string, key crypto.Signer, alg string) (string, error) {
	t.Helper()
	raw := field + header
	m, err := dkimverify.ParseMessage(strings.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	s, err := dkimverify.ParseSignature(m.Header[0], dkimverify.KindDKIM)
	if err != nil {
		t.Fatal(err)
	}
	digest := crypto.SHA256
	if alg == dkimverify.RSASHA1 {
		digest = crypto.SHA1
	}
	h := digest.New()
	h.Write(s.HeaderData(m.Header, m.Header[0]))
	opts := crypto.SignerOpts(digest)
	if !isRSAKey(key) {
		opts = crypto.Hash(0)
	}
	b, err := key.Sign(rand.Reader, h.Sum(nil), opts)
	if err != nil {
		return field, err
	}
	return strings.Replace(field, "b=AAAA", "b="+base64.StdEncoding.EncodeToString(b), 1), nil
}

func isRSAKey(k crypto.Signer) bool {
	_, ok := k.Public().(*rsa.PublicKey)
	return ok
}

// offline is a resolver answering from the zone text alone (origin ".":
// every other name is NXDOMAIN), as --zone --offline does.
func offline(t testing.TB, text string) dnsx.Resolver {
	t.Helper()
	return dnstest.Offline(t, dnstest.Zone(t, ".", text))
}

func check(t testing.TB, r dnsx.Resolver, raw string, opts Options) checks.Report {
	t.Helper()
	if opts.Now.IsZero() {
		opts.Now = testNow
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return Check(ctx, r, Input{Source: "test.eml", Data: []byte(raw)}, opts)
}

func result(t testing.TB, rep checks.Report, name string) checks.Result {
	t.Helper()
	for _, c := range rep.Checks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no %s check in %+v", name, rep)
	return checks.Result{}
}

func codes(res checks.Result) []string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, f.Code)
	}
	return out
}

func hasCode(res checks.Result, code string) bool { return slices.Contains(codes(res), code) }

func findingOf(res checks.Result, code string) checks.Finding {
	for _, f := range res.Findings {
		if f.Code == code {
			return f
		}
	}
	return checks.Finding{}
}
