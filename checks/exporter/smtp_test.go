package exporter

import (
	"errors"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/relayctl/relayctl/checks/dnsx"
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

// A module's ca, or serve's --ca (Options.Roots), is what the probe
// verifies the server's chain with: without either, the private CA's
// certificate is untrusted; with one, it is not. A ca file that cannot be
// read is a config error at start.
func TestSMTPProbeCA(t *testing.T) {
	ca := tlstest.NewCA(t, "exporter private CA")
	srv := smtptest.Start(t, smtptest.Config{TLS: ca.ServerConfig(t, "127.0.0.1", "mx.test.example")})
	untrusted := func(h http.Handler, module string) bool {
		t.Helper()
		code, fams, body := probe(t, h, "module="+module+"&target="+srv.Addr, nil)
		if code != http.StatusOK {
			t.Fatalf("%s: status %d: %s", module, code, body)
		}
		_, ok := value(fams, "relayctl_finding", map[string]string{"code": "smtp.cert-untrusted"})
		return ok
	}
	c := testConfig()
	c.Modules["plain"] = Module{Prober: ProberSMTP, EHLO: "probe.test.example"}
	c.Modules["private"] = Module{Prober: ProberSMTP, EHLO: "probe.test.example", CA: ca.WritePEM(t)}
	h, _ := newHandler(t, c, offline(t), Options{})
	if !untrusted(h, "plain") {
		t.Error("the private CA's certificate is trusted without any ca")
	}
	if untrusted(h, "private") {
		t.Error("the module's ca did not make the private CA's certificate trusted")
	}
	h, _ = newHandler(t, c, offline(t), Options{Roots: ca.Pool()})
	if untrusted(h, "plain") {
		t.Error("Options.Roots (serve's --ca) did not reach a module without a ca")
	}

	c.Modules["broken"] = Module{Prober: ProberSMTP, CA: filepath.Join(t.TempDir(), "none.pem")}
	if _, err := New(c, Options{NewResolver: func([]string) (dnsx.Resolver, error) { return offline(t), nil }}); !errors.Is(err, ErrConfig) {
		t.Errorf("a missing ca file: %v, want a config error", err)
	}
}
