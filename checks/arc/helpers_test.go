package arc

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/dkimverify"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// The test signer below is written apart from the code it tests: header
// fields are split, canonicalized and selected with string functions
// and a regular expression, not with dkimverify's byte loops.

const baseMessage = "From: Alice <alice@origin.example>\r\n" +
	"To: list@lists.example\r\n" +
	"Subject: Minutes\r\n" +
	"Date: Tue, 1 Dec 2026 10:00:00 +0000\r\n" +
	"Message-ID: <m1@origin.example>\r\n" +
	"\r\n" +
	"The minutes are below.\r\n" +
	"Nothing was decided.\r\n"

// hop is one intermediary that seals.
type hop struct {
	domain, sel string
	key         crypto.Signer
}

func (h hop) keyRecord(t testing.TB) string {
	t.Helper()
	switch k := h.key.Public().(type) {
	case *rsa.PublicKey:
		der, err := x509.MarshalPKIXPublicKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der)
	case ed25519.PublicKey:
		return "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(k)
	}
	t.Fatalf("key %T", h.key)
	return ""
}

func (h hop) alg() string {
	if _, ok := h.key.(ed25519.PrivateKey); ok {
		return "ed25519-sha256"
	}
	return "rsa-sha256"
}

func (h hop) sign(t testing.TB, data []byte) string {
	t.Helper()
	sum := sha256.Sum256(data)
	var sig []byte
	var err error
	if _, ok := h.key.(ed25519.PrivateKey); ok {
		sig, err = h.key.Sign(rand.Reader, sum[:], crypto.Hash(0))
	} else {
		sig, err = h.key.Sign(rand.Reader, sum[:], crypto.SHA256)
	}
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

func newRSAHop(t testing.TB, domain, sel string) hop {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return hop{domain, sel, k}
}

func newEdHop(t testing.TB, domain, sel string) hop {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return hop{domain, sel, k}
}

func fields(msg string) ([]string, string) {
	head, body, _ := strings.Cut(msg, "\r\n\r\n")
	var out []string
	for _, line := range strings.SplitAfter(head+"\r\n", "\r\n") {
		if line == "" {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			out[len(out)-1] += line
		} else {
			out = append(out, line)
		}
	}
	return out, body
}

var wsp = regexp.MustCompile(`[ \t]+`)

// relaxed is RFC 6376 §3.4.2 on one field.
func relaxed(f string) string {
	name, value, _ := strings.Cut(f, ":")
	value = strings.ReplaceAll(value, "\r\n", "")
	value = strings.TrimSpace(wsp.ReplaceAllString(value, " "))
	return strings.ToLower(strings.TrimSpace(name)) + ":" + value + "\r\n"
}

// pick returns the fields named, bottom-up, one instance per mention.
func pick(fs []string, names []string) []string {
	var out []string
	taken := map[int]bool{}
	for _, n := range names {
		for i := len(fs) - 1; i >= 0; i-- {
			name, _, _ := strings.Cut(fs[i], ":")
			if !taken[i] && strings.EqualFold(strings.TrimSpace(name), n) {
				taken[i] = true
				out = append(out, fs[i])
				break
			}
		}
	}
	return out
}

// seal adds an ARC set for instance i at the top of msg: an AAR with
// the results text, an AMS (relaxed header, simple body: the test
// bodies end in one CRLF, so their simple form is themselves) over
// From, To, Subject, Date and the AAR, and a seal over every set with
// the given cv (RFC 8617 §5.1).
func (h hop) seal(t testing.TB, msg string, i int, cv, results string) string {
	t.Helper()
	aar := fmt.Sprintf("ARC-Authentication-Results: i=%d; %s; %s\r\n", i, h.domain, results)
	msg = aar + msg
	fs, body := fields(msg)
	bh := sha256.Sum256([]byte(body))
	signed := []string{"From", "To", "Subject", "Date", "ARC-Authentication-Results"}
	ams := fmt.Sprintf("ARC-Message-Signature: i=%d; a=%s; c=relaxed/simple; d=%s; s=%s;\r\n\th=%s;\r\n\tbh=%s; b=",
		i, h.alg(), h.domain, h.sel, strings.ToLower(strings.Join(signed, ":")), base64.StdEncoding.EncodeToString(bh[:]))
	var data string
	for _, f := range pick(fs, signed) {
		data += relaxed(f)
	}
	data += strings.TrimSuffix(relaxed(ams), "\r\n")
	ams += h.sign(t, []byte(data)) + "\r\n"
	msg = ams + msg

	// The seal covers sets 1..i in order: AAR, AMS, AS.
	fs, _ = fields(msg)
	var sets [][3]string
	for n := 1; n <= i; n++ {
		var set [3]string
		for _, f := range fs {
			name, value, _ := strings.Cut(f, ":")
			if !strings.Contains(value, fmt.Sprintf("i=%d;", n)) {
				continue
			}
			switch strings.ToLower(name) {
			case "arc-authentication-results":
				set[0] = f
			case "arc-message-signature":
				set[1] = f
			case "arc-seal":
				set[2] = f
			}
		}
		sets = append(sets, set)
	}
	as := fmt.Sprintf("ARC-Seal: i=%d; a=%s; cv=%s; d=%s; s=%s; t=%d; b=", i, h.alg(), cv, h.domain, h.sel, time.Now().Unix())
	data = ""
	for n, set := range sets {
		data += relaxed(set[0]) + relaxed(set[1])
		if n < i-1 {
			data += relaxed(set[2])
		}
	}
	data += strings.TrimSuffix(relaxed(as), "\r\n")
	as += h.sign(t, []byte(data)) + "\r\n"
	return as + msg
}

// serve puts the hops' keys on a loopback DNS server.
func serve(t testing.TB, hops ...hop) *dnstest.Server {
	t.Helper()
	z := dnsx.NewZone(".")
	for _, h := range hops {
		z.Add(txtRR(h.sel+"._domainkey."+h.domain, h.keyRecord(t)))
	}
	return dnstest.Start(t, z)
}

func parse(t testing.TB, raw string) *dkimverify.Message {
	t.Helper()
	m, err := dkimverify.ParseMessage(strings.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	return m
}
