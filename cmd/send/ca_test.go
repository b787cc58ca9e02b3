package send

import (
	"crypto/x509"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/tlsx"
	"github.com/relayctl/relayctl/checks/tlsx/tlstest"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// --ca means what it means in check: the system's roots plus the file, so
// that a relay with a public certificate still verifies beside a private
// CA. (It used to be the file alone.)
func TestCAAddsToSystemRoots(t *testing.T) {
	sys, err := x509.SystemCertPool()
	if err != nil || sys.Equal(x509.NewCertPool()) {
		t.Skip("no system roots to tell apart from the file's")
	}
	ca := tlstest.NewCA(t, "Private CA")
	o := &Options{
		Globals: &cmdutil.Globals{Timeout: 5 * time.Second},
		CA:      ca.WritePEM(t), TLS: "auto", Auth: "auto",
		Retries: 0, RetryDelay: time.Second, DataTimeout: time.Minute,
	}
	cfg, err := o.config()
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.RootCAs.Equal(tlsx.PoolWith(ca.Cert)) {
		t.Error("--ca did not give the system roots plus the file")
	}
	if cfg.RootCAs.Equal(ca.Pool()) {
		t.Error("--ca trusts the file alone")
	}
}
