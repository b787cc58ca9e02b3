package exporter

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
	"github.com/relayctl/relayctl/checks/tlsx/tlstest"
)

// The smtp module probes a real (in-process, loopback) SMTP server with
// STARTTLS: the probe succeeds, the check's status is a series, and the
// certificate's expiry is the leaf's NotAfter.
func TestSMTPProbe(t *testing.T) {
	ca := tlstest.NewCA(t, "exporter test CA")
	cfg := ca.ServerConfig(t, "127.0.0.1", "mx.test.example")
	srv := smtptest.Start(t, smtptest.Config{TLS: cfg})
	leaf := cfg.Certificates[0].Leaf
	if leaf == nil {
		t.Fatal("test CA gave a certificate without its parsed leaf")
	}
	c := testConfig()
	c.Modules["mx"] = Module{Prober: ProberSMTP, TLSSkipVerify: true, EHLO: "probe.test.example"}
	h, _ := newHandler(t, c, offline(t), Options{})
	code, fams, body := probe(t, h, "module=mx&target="+srv.Addr, nil)
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	mustValue(t, fams, "relayctl_probe_success", nil, 1)
	port := strconv.Itoa(srv.Port)
	mustValue(t, fams, "relayctl_smtp_cert_not_after_timestamp_seconds",
		map[string]string{"address": "127.0.0.1", "port": port}, float64(leaf.NotAfter.Unix()))
	if _, ok := value(fams, "relayctl_check_status", map[string]string{"check": "smtp " + srv.Addr, "status": "fail"}); !ok {
		t.Errorf("no relayctl_check_status series for the smtp check:\n%s", body)
	}
}
