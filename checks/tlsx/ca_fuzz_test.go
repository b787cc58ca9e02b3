package tlsx

import (
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/tlsx/tlstest"
)

// FuzzParseCerts: any --ca file either gives one certificate per
// CERTIFICATE block or an error of ours (no certificate, a bad one) whose
// message names no package; LoadCA agrees and names the file. Nothing
// panics.
func FuzzParseCerts(f *testing.F) {
	ca, err := tlstest.New("fuzz CA")
	if err != nil {
		f.Fatal(err)
	}
	good := ca.PEM()
	f.Add(good)
	f.Add(append(append([]byte{}, good...), good...))
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
	f.Add([]byte("not pem"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		certs, err := ParseCerts(b)
		if err != nil {
			if certs != nil || !errors.Is(err, ErrNoCertificates) && !errors.Is(err, ErrBadCertificate) {
				t.Fatalf("certs %v, error %v", certs, err)
			}
			if msg := checks.Message(err); strings.Contains(msg, "tlsx:") || strings.Contains(msg, "x509:") {
				t.Fatalf("message %q names a package", msg)
			}
		} else {
			blocks := 0
			for rest := b; ; {
				var blk *pem.Block
				if blk, rest = pem.Decode(rest); blk == nil {
					break
				}
				if blk.Type == "CERTIFICATE" {
					blocks++
				}
			}
			if len(certs) == 0 || len(certs) != blocks {
				t.Fatalf("%d certificates from %d CERTIFICATE blocks", len(certs), blocks)
			}
		}
		path := filepath.Join(dir, "ca.pem")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		pool, lerr := LoadCA(path)
		if (lerr == nil) != (err == nil) || (lerr == nil) == (pool == nil) {
			t.Fatalf("LoadCA: pool %v, error %v; ParseCerts error %v", pool != nil, lerr, err)
		}
		if lerr != nil && !strings.Contains(checks.Message(lerr), path) {
			t.Fatalf("LoadCA error %q does not name the file", checks.Message(lerr))
		}
	})
}
