package send

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
)

// A DKIM-signed message with an attachment, sent through the command:
// the server has every part, and the signature verifies against the key
// published in a test zone.
func TestSendSignedWithAttachment(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(priv)
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "dkim.pem")
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{0xff, 0x00, 0x10}, 200)...)
	pdfFile := filepath.Join(dir, "report.pdf")
	os.WriteFile(pdfFile, pdf, 0o600)
	zone := "$ORIGIN example.net.\n@ 3600 IN SOA ns.example.net. h.example.net. 1 3600 600 86400 300\n" +
		"s1._domainkey 3600 IN TXT \"v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub) + "\"\n"
	r := dnstest.Resolver(t, zone)
	lookup := func(name string) ([]string, error) {
		txt, _, err := dnsx.TXT(context.Background(), r, name)
		return txt, err
	}

	srv := smtptest.Start(t, smtptest.Config{})
	res := execute(t, nil, "", "--server", srv.Addr, "--tls", "none", "--from", "Ann <ann@example.net>", "--to", "bob@example.org",
		"--subject", "Quarterly — report", "--body", "See attached.", "--attach", pdfFile, "--header", "X-Report: Q3",
		"--dkim-key", keyFile, "--dkim-selector", "s1", "-o", "json")
	if res.code != 0 {
		t.Fatalf("exit %d: %s%s", res.code, res.stdout, res.stderr)
	}
	// The record says how it was signed.
	d, _ := record(t, res.stdout)["dkim"].(map[string]any)
	if d["domain"] != "example.net" || d["selector"] != "s1" || d["algorithm"] != "ed25519-sha256" || d["canonicalization"] != "relaxed/relaxed" {
		t.Errorf("record dkim %v", d)
	}
	data := srv.Messages()[0].Data
	vs, err := dkim.VerifyWithOptions(bytes.NewReader(data), &dkim.VerifyOptions{LookupTXT: lookup})
	if err != nil || len(vs) != 1 || vs[0].Err != nil || vs[0].Domain != "example.net" {
		t.Fatalf("DKIM: %v %+v", err, vs)
	}
	pm, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if pm.Header.Get("X-Report") != "Q3" {
		t.Errorf("X-Report %q", pm.Header.Get("X-Report"))
	}
	_, params, _ := mime.ParseMediaType(pm.Header.Get("Content-Type"))
	mr := multipart.NewReader(pm.Body, params["boundary"])
	var found bool
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		if p.FileName() == "report.pdf" {
			found = true
			b, _ := io.ReadAll(p)
			dec, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(b), "\r\n", ""))
			if err != nil || !bytes.Equal(dec, pdf) || !strings.HasPrefix(p.Header.Get("Content-Type"), "application/pdf") {
				t.Errorf("attachment: %v, type %q", err, p.Header.Get("Content-Type"))
			}
		}
	}
	if !found {
		t.Error("no report.pdf part")
	}

	// --dry-run prints the same signed message without connecting.
	res = execute(t, nil, "", "--from", "ann@example.net", "--to", "bob@example.org", "--subject", "dry", "--body", "x",
		"--dkim-key", keyFile, "--dkim-selector", "s1", "--dry-run", "-o", "json")
	rec := record(t, res.stdout)
	msg := rec["message"].(string)
	vs, err = dkim.VerifyWithOptions(strings.NewReader(msg), &dkim.VerifyOptions{LookupTXT: lookup})
	if err != nil || len(vs) != 1 || vs[0].Err != nil {
		t.Errorf("dry-run DKIM: %v %+v", err, vs)
	}
	if d, _ := rec["dkim"].(map[string]any); d["selector"] != "s1" {
		t.Errorf("dry-run dkim %v", rec["dkim"])
	}
	// Not signed: no dkim key at all.
	res = execute(t, nil, "", "--from", "ann@example.net", "--to", "bob@example.org", "--body", "x", "--dry-run", "-o", "json")
	if _, ok := record(t, res.stdout)["dkim"]; ok {
		t.Errorf("unsigned message with a dkim key: %s", res.stdout)
	}
	if srv.Conns() != 1 {
		t.Errorf("dry run connected: %d connections", srv.Conns())
	}
}
