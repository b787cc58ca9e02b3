package exporter

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/smtpprobe"
)

func TestLoadConfig(t *testing.T) {
	c, err := LoadConfig(strings.NewReader(`
modules:
  mail_dns:
    prober: domain
    timeout: 20s
    parts: [spf, dmarc]
  domain:
    prober: domain
    selectors: [s1]
`), "exporter.yml")
	if err != nil {
		t.Fatal(err)
	}
	if m := c.Modules["mail_dns"]; m.Prober != ProberDomain || m.Timeout != 20*time.Second || strings.Join(m.Parts, ",") != "spf,dmarc" {
		t.Errorf("mail_dns = %+v", m)
	}
	if m := c.Modules["domain"]; strings.Join(m.Selectors, ",") != "s1" {
		t.Errorf("the file's domain module did not replace the default: %+v", m)
	}
	for _, p := range []string{ProberIP, ProberBlacklist, ProberSMTP} {
		if c.Modules[p].Prober != p {
			t.Errorf("default module %s missing: %+v", p, c.Modules[p])
		}
	}
	empty, err := LoadConfig(strings.NewReader(""), "empty.yml")
	if err != nil || len(empty.Modules) != 4 {
		t.Errorf("an empty file: %v modules, %v", len(empty.Modules), err)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"modules:\n  x:\n    prober: ping\n", `x.yml: module "x": prober "ping": want one of domain, ip, blacklist, smtp`},
		{"modules:\n  x:\n    prober: domain\n    selector: [s1]\n", "x.yml: line 4: unknown key selector"},
		{"modules:\n  x:\n    prober: domain\n    timeout: soon\n", "x.yml: line 4: soon is not a valid value for its key"},
		{"modules:\n  x:\n    prober: domain\n    timeout: -1s\n", "timeout -1s"},
		{"modules: [", "x.yml: "},
	} {
		_, err := LoadConfig(strings.NewReader(tc.text), "x.yml")
		if !errors.Is(err, ErrConfig) || !strings.Contains(checks.Message(err), tc.want) {
			t.Errorf("%q: %v, want ErrConfig with %q", tc.text, err, tc.want)
			continue
		}
		if msg := checks.Message(err); strings.Contains(msg, "yaml:") || strings.Contains(msg, "exporter") || strings.Contains(msg, "time.Duration") {
			t.Errorf("%q: a package name in %q", tc.text, msg)
		}
	}
}

func TestCertificateExpiry(t *testing.T) {
	notAfter := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	p := &smtpprobe.Probe{Host: "mx.example.test", Address: netip.MustParseAddr("192.0.2.25"), Port: 25,
		TLS: &smtpprobe.TLSInfo{Certificate: &smtpprobe.Certificate{NotAfter: notAfter}}}
	plain := &smtpprobe.Probe{Host: "mx.example.test", Address: netip.MustParseAddr("192.0.2.26"), Port: 25}
	rep := checks.Report{Target: "mx.example.test", Status: checks.StatusOK, Checks: []checks.Result{
		{Name: "smtp 192.0.2.25:25", Status: checks.StatusOK, Data: p},
		{Name: "smtp 192.0.2.26:25", Status: checks.StatusWarn, Data: plain},
	}}
	reg := prometheus.NewRegistry()
	collect(reg, rep, time.Second)
	// 2027-03-01T12:00:00Z is 1803902400 (date -ud ... +%s); the
	// probe without TLS has no series.
	want := `# HELP relayctl_smtp_cert_not_after_timestamp_seconds when the SMTP server's certificate expires (Unix time)
# TYPE relayctl_smtp_cert_not_after_timestamp_seconds gauge
relayctl_smtp_cert_not_after_timestamp_seconds{address="192.0.2.25",host="mx.example.test",port="25"} 1.8039024e+09
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "relayctl_smtp_cert_not_after_timestamp_seconds"); err != nil {
		t.Error(err)
	}
}
