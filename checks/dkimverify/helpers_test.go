package dkimverify

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// testMessage has the fields a signer signs and a body with trailing
// whitespace and empty lines, which the canonicalizations treat apart.
const testMessage = "From: Alice <alice@example.com>\r\n" +
	"To: Bob <bob@example.net>\r\n" +
	"Subject: Quarterly  figures\r\n" +
	"Date: Tue, 1 Dec 2026 10:00:00 +0000\r\n" +
	"Message-ID: <q4@example.com>\r\n" +
	"\r\n" +
	"Hello Bob,  \r\n" +
	"the figures are attached.\r\n" +
	"\r\n" +
	"\r\n"

// plainMessage is testMessage with a body whose simple form is itself.
const plainMessage = "From: Alice <alice@example.com>\r\n" +
	"To: Bob <bob@example.net>\r\n" +
	"Subject: Quarterly  figures\r\n" +
	"Date: Tue, 1 Dec 2026 10:00:00 +0000\r\n" +
	"Message-ID: <q4@example.com>\r\n" +
	"\r\n" +
	"Hello Bob,\r\n" +
	"the figures are attached.\r\n"

// keyTXT is the DKIM key record for a public key.
func keyTXT(t testing.TB, pub crypto.PublicKey, extra string) string {
	t.Helper()
	switch k := pub.(type) {
	case *rsa.PublicKey:
		der, err := x509.MarshalPKIXPublicKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return "v=DKIM1; k=rsa; " + extra + "p=" + base64.StdEncoding.EncodeToString(der)
	case ed25519.PublicKey:
		return "v=DKIM1; k=ed25519; " + extra + "p=" + base64.StdEncoding.EncodeToString(k)
	}
	t.Fatalf("key type %T", pub)
	return ""
}

// txtRR is a TXT record holding text split into 255-byte strings.
func txtRR(name, text string) dns.RR {
	rr := &dns.TXT{Hdr: dns.RR_Header{Name: dns.Fqdn(name), Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 300}}
	for len(text) > 255 {
		rr.Txt = append(rr.Txt, text[:255])
		text = text[255:]
	}
	rr.Txt = append(rr.Txt, text)
	return rr
}

// keyServer serves the TXT records (name → text) on loopback and returns
// the server and a resolver asking it.
func keyServer(t testing.TB, records map[string]string) (*dnstest.Server, dnsx.Resolver) {
	t.Helper()
	z := dnsx.NewZone(".")
	for name, text := range records {
		z.Add(txtRR(name, text))
	}
	srv := dnstest.Start(t, z)
	return srv, srv.Client(2 * time.Second)
}

func rsaKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func edKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// msgauthSign signs msg with go-msgauth's signer.
func msgauthSign(t testing.TB, msg string, key crypto.Signer, domain, sel string, hc, bc dkim.Canonicalization, headers []string) string {
	t.Helper()
	var out bytes.Buffer
	err := dkim.Sign(&out, strings.NewReader(msg), &dkim.SignOptions{
		Domain: domain, Selector: sel, Signer: key,
		HeaderCanonicalization: hc, BodyCanonicalization: bc, HeaderKeys: headers,
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// simpleSign signs msg with simple/simple canonicalization, computed here
// without the package's canonicalizers: a simple header is its raw bytes,
// and the test bodies end in exactly one CRLF, so their simple form is
// themselves. It can write what go-msgauth's signer cannot: rsa-sha1 and
// l=. tags are extra tags put before b=.
func simpleSign(t testing.TB, msg string, key *rsa.PrivateKey, alg, domain, sel string, headers []string, tags string) string {
	t.Helper()
	_, body, ok := strings.Cut(msg, "\r\n\r\n")
	if !ok || strings.HasSuffix(body, "\r\n\r\n") {
		t.Fatalf("simpleSign: want a header, an empty line and a body ending in one CRLF")
	}
	hashed := body
	if strings.Contains(tags, "l=") {
		var l int
		fmt.Sscanf(tags[strings.Index(tags, "l=")+2:], "%d", &l)
		hashed = body[:l]
	}
	bh := sha256.Sum256([]byte(hashed))
	if alg == RSASHA1 {
		s := sha1.Sum([]byte(hashed))
		return signHeader(t, msg, key, alg, domain, sel, headers, tags, s[:])
	}
	return signHeader(t, msg, key, alg, domain, sel, headers, tags, bh[:])
}

// signHeader writes a simple/simple signature with body hash bh over
// the header of msg (which may stop after the empty line).
func signHeader(t testing.TB, msg string, key *rsa.PrivateKey, alg, domain, sel string, headers []string, tags string, bh []byte) string {
	t.Helper()
	head, _, _ := strings.Cut(msg, "\r\n\r\n")
	fields := splitFields(head + "\r\n")
	sum, h := sha256.Sum256, crypto.SHA256
	digest := func(b []byte) []byte { s := sum(b); return s[:] }
	if alg == RSASHA1 {
		digest, h = func(b []byte) []byte { s := sha1.Sum(b); return s[:] }, crypto.SHA1
	}
	sigField := fmt.Sprintf("DKIM-Signature: v=1; a=%s; c=simple/simple; d=%s; s=%s; %sh=%s; bh=%s; b=", alg, domain, sel, tags, strings.Join(headers, ":"), base64.StdEncoding.EncodeToString(bh))
	var data []byte
	next := map[string]int{}
	for _, name := range headers {
		i, ok := next[strings.ToLower(name)]
		if !ok {
			i = len(fields)
		}
		for i--; i >= 0 && !strings.EqualFold(fieldName(fields[i]), name); i-- {
		}
		next[strings.ToLower(name)] = max(i, 0)
		if i >= 0 {
			data = append(data, fields[i]...)
		}
	}
	data = append(data, sigField...)
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, h, digest(data))
	if err != nil {
		t.Fatal(err)
	}
	return sigField + base64.StdEncoding.EncodeToString(sig) + "\r\n" + msg
}

func splitFields(head string) []string {
	var out []string
	for _, line := range strings.SplitAfter(head, "\r\n") {
		if line == "" {
			continue
		}
		if (line[0] == ' ' || line[0] == '\t') && len(out) > 0 {
			out[len(out)-1] += line
		} else {
			out = append(out, line)
		}
	}
	return out
}

func fieldName(f string) string {
	n, _, _ := strings.Cut(f, ":")
	return strings.TrimSpace(n)
}

func parse(t testing.TB, raw string) *Message {
	t.Helper()
	m, err := ParseMessage(strings.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatalf("ParseMessage: %v", err)
	}
	return m
}
