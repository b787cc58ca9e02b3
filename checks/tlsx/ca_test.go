package tlsx

import (
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/tlsx/tlstest"
)

func TestLoadCATrustsTheFile(t *testing.T) {
	ca := tlstest.NewCA(t, "test CA")
	leaf := ca.Issue(t, "mta-sts.example.com")
	pool, err := LoadCA(ca.WritePEM(t))
	if err != nil {
		t.Fatal(err)
	}
	_, err = leaf.Leaf.Verify(x509.VerifyOptions{DNSName: "mta-sts.example.com", Roots: pool})
	if err != nil {
		t.Errorf("leaf of the loaded CA does not verify: %v", err)
	}
	// A CA made elsewhere is not trusted by this pool.
	other := tlstest.NewCA(t, "other CA").Issue(t, "mta-sts.example.com")
	if _, err := other.Leaf.Verify(x509.VerifyOptions{DNSName: "mta-sts.example.com", Roots: pool}); err == nil {
		t.Error("a certificate of another CA verified")
	}
}

func TestLoadCAErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.pem")
	os.WriteFile(empty, []byte("not pem at all\n"), 0o600)
	bad := filepath.Join(dir, "bad.pem")
	os.WriteFile(bad, []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), 0o600)
	keyOnly := filepath.Join(dir, "key.pem")
	os.WriteFile(keyOnly, []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), 0o600)

	if _, err := LoadCA(filepath.Join(dir, "absent.pem")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent file: %v", err)
	}
	if _, err := LoadCA(empty); !errors.Is(err, ErrNoCertificates) {
		t.Errorf("no PEM: %v", err)
	}
	if _, err := LoadCA(keyOnly); !errors.Is(err, ErrNoCertificates) {
		t.Errorf("key only: %v", err)
	}
	if _, err := LoadCA(bad); !errors.Is(err, ErrBadCertificate) {
		t.Errorf("bad certificate: %v", err)
	}
}

func TestParseCertsSkipsOtherBlocks(t *testing.T) {
	a := tlstest.NewCA(t, "a")
	b := tlstest.NewCA(t, "b")
	bundle := append(append(a.PEM(), []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")...), b.PEM()...)
	certs, err := ParseCerts(bundle)
	if err != nil || len(certs) != 2 || certs[1].Subject.CommonName != "b" {
		t.Fatalf("certs %d, err %v", len(certs), err)
	}
}

// The errors a person reads name the file and the problem, not the
// package.
func TestLoadCAMessages(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.pem")
	os.WriteFile(empty, []byte("hello"), 0o600)
	_, err := LoadCA(empty)
	if got := checks.Message(err); got != "no PEM certificate in the file ("+empty+")" {
		t.Errorf("message %q", got)
	}
	if !strings.HasPrefix(err.Error(), "tlsx: no PEM certificate") {
		t.Errorf("Error() %q", err.Error())
	}
	_, err = LoadCA(filepath.Join(dir, "absent.pem"))
	if got := checks.Message(err); strings.Contains(got, "tlsx") || !strings.Contains(got, "absent.pem") {
		t.Errorf("message %q", got)
	}
}
