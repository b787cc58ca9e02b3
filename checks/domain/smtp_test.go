package domain

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dane"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/smtpprobe"
	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
	"github.com/relayctl/relayctl/checks/tlsx/tlstest"
)

// smtpWorld is an MX set in a loopback DNS server and one loopback SMTP
// server that every connection to port 25 is sent to.
type smtpWorld struct {
	ca   *tlstest.CA
	leaf *x509.Certificate
	smtp *smtptest.Server
	dns  *dnstest.Server
	opt  smtpprobe.Options

	mu    sync.Mutex
	dials []string
}

// newSMTPWorld serves a certificate for certName with STARTTLS; zone lines
// are added to a root-origin zone, and "%TLSA%" in them becomes the
// SHA-256 of the leaf's SPKI.
func newSMTPWorld(t *testing.T, certName string, delay time.Duration, zone ...string) *smtpWorld {
	t.Helper()
	ca, err := tlstest.New("relayctl test CA")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Make(tlstest.LeafOptions{Names: []string{certName}})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := smtptest.Listen(smtptest.Config{TLS: tlstest.TLSConfig(cert), Domain: certName, Delay: delay})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	sum := sha256.Sum256(cert.Leaf.RawSubjectPublicKeyInfo)
	text := "$ORIGIN .\n$TTL 300\n" + strings.ReplaceAll(strings.Join(zone, "\n"), "%TLSA%", hex.EncodeToString(sum[:])) + "\n"
	z := dnstest.Zone(t, ".", text)
	w := &smtpWorld{ca: ca, leaf: cert.Leaf, smtp: srv, dns: dnstest.Start(t, z)}
	w.dns.SetAD(".", true)
	w.opt = smtpprobe.Options{
		EHLO:    "probe.test.example",
		Timeout: 5 * time.Second,
		Roots:   ca.Pool(),
		Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			w.mu.Lock()
			w.dials = append(w.dials, addr)
			w.mu.Unlock()
			var d net.Dialer
			return d.DialContext(ctx, "tcp", srv.Addr)
		},
	}
	return w
}

func (w *smtpWorld) run(t *testing.T, parts ...string) checks.Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// --ca reaches the probes through RootCAs.
	opt := w.opt
	opt.Roots = nil
	return Run(ctx, w.dns.Client(2*time.Second), "example.com", Options{Parts: parts, SMTP: true, SMTPOptions: opt, RootCAs: w.ca.Pool()})
}

func resultNames(rep checks.Report) []string {
	var out []string
	for _, c := range rep.Checks {
		out = append(out, c.Name)
	}
	return out
}

func findingCodes(res checks.Result) string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, f.Code)
	}
	return strings.Join(out, ",")
}

func TestSMTPProbesEveryMXAddressAndMatchesDANE(t *testing.T) {
	w := newSMTPWorld(t, "mx1.example.net", 0,
		"example.com MX 10 mx1.example.net.",
		"mx1.example.net A 192.0.2.25",
		"mx1.example.net AAAA 2001:db8::25",
		"_25._tcp.mx1.example.net TLSA 3 1 1 %TLSA%")
	rep := w.run(t, "dane")
	if got := strings.Join(resultNames(rep), ","); got != "dane,smtp 192.0.2.25:25,smtp [2001:db8::25]:25" {
		t.Fatalf("results = %s", got)
	}
	for _, c := range rep.Checks[1:] {
		p := c.Data.(*smtpprobe.Probe)
		if c.Status != checks.StatusOK || p.Host != "mx1.example.net" || p.TLS == nil {
			t.Errorf("%s: status %s (%s), host %q, findings %s", c.Name, c.Status, c.Error, p.Host, findingCodes(c))
		}
	}
	d := rep.Checks[0].Data.(*dane.Data)
	if f := findingCodes(rep.Checks[0]); f != "" {
		t.Errorf("dane findings: %s", f)
	}
	peers := d.Hosts[0].Peers
	if len(peers) != 2 || !peers[0].Matched || !peers[1].Matched || peers[0].Addr != "192.0.2.25" {
		t.Fatalf("dane peers = %+v", peers)
	}
	// One connection per address: dane and smtp share the probes.
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.dials) != 2 || !strings.HasSuffix(w.dials[0], ":25") {
		t.Errorf("dials = %v, want one per address on port 25", w.dials)
	}
}

func TestSMTPTLSAMismatch(t *testing.T) {
	w := newSMTPWorld(t, "mx1.example.net", 0,
		"example.com MX 10 mx1.example.net.",
		"mx1.example.net A 192.0.2.25",
		"_25._tcp.mx1.example.net TLSA 3 1 1 "+strings.Repeat("ab", 32))
	rep := w.run(t, "dane")
	if len(rep.Checks) != 2 {
		t.Fatalf("results = %v", resultNames(rep))
	}
	if got := findingCodes(rep.Checks[0]); got != "dane.tlsa-mismatch" {
		t.Fatalf("dane findings = %s", got)
	}
	if rep.Checks[0].Status != checks.StatusFail || rep.Status != checks.StatusFail {
		t.Errorf("dane %s, report %s", rep.Checks[0].Status, rep.Status)
	}
	if !strings.Contains(rep.Checks[0].Findings[0].Message, "192.0.2.25") {
		t.Errorf("message = %q", rep.Checks[0].Findings[0].Message)
	}
}

func TestSMTPCertNameCheckedAgainstMXHost(t *testing.T) {
	w := newSMTPWorld(t, "other.example.org", 0,
		"example.com MX 10 mx1.example.net.",
		"mx1.example.net A 192.0.2.25")
	rep := w.run(t, "dane")
	if len(rep.Checks) != 2 {
		t.Fatalf("results = %v", resultNames(rep))
	}
	if got := findingCodes(rep.Checks[1]); !strings.Contains(got, "smtp.cert-name-mismatch") {
		t.Fatalf("smtp findings = %s", got)
	}
	// No TLSA: the dane part does not ask for the probe, and says so.
	if got := findingCodes(rep.Checks[0]); got != "dane.missing" {
		t.Errorf("dane findings = %s", got)
	}
}

func TestSMTPWithoutDANEPart(t *testing.T) {
	w := newSMTPWorld(t, "mx1.example.net", 0,
		"example.com MX 10 mx1.example.net.",
		"example.com MX 20 mx2.example.net.",
		"mx1.example.net A 192.0.2.25",
		"mx2.example.net A 192.0.2.26")
	rep := w.run(t, "mx")
	if got := strings.Join(resultNames(rep), ","); got != "mx,smtp 192.0.2.25:25,smtp 192.0.2.26:25" {
		t.Fatalf("results = %s", got)
	}
	if p := rep.Checks[2].Data.(*smtpprobe.Probe); p.Host != "mx2.example.net" {
		t.Errorf("second probe host = %q", p.Host)
	}
}

func TestSMTPNullMXAndImplicitMX(t *testing.T) {
	w := newSMTPWorld(t, "example.com", 0, "example.com MX 0 .")
	rep := w.run(t, "mx")
	if len(rep.Checks) != 2 || rep.Checks[1].Name != "smtp" || rep.Checks[1].Status != checks.StatusInfo || !strings.Contains(rep.Checks[1].Summary, "null MX") {
		t.Fatalf("null MX: %+v", rep.Checks)
	}

	w = newSMTPWorld(t, "example.com", 0, "example.com A 192.0.2.80")
	rep = w.run(t, "mx")
	if len(rep.Checks) != 2 || rep.Checks[1].Name != "smtp 192.0.2.80:25" {
		t.Fatalf("implicit MX: %v", resultNames(rep))
	}
	if p := rep.Checks[1].Data.(*smtpprobe.Probe); p.Host != "example.com" || rep.Checks[1].Status != checks.StatusOK {
		t.Errorf("implicit MX probe: host %q status %s %s", p.Host, rep.Checks[1].Status, findingCodes(rep.Checks[1]))
	}
}

func TestSMTPMXLookupFails(t *testing.T) {
	w := newSMTPWorld(t, "mx1.example.net", 0, "example.com MX 10 mx1.example.net.")
	w.dns.Set("example.com", dnstest.ServFail)
	rep := w.run(t, "mx")
	if len(rep.Checks) != 2 || rep.Checks[1].Name != "smtp" || rep.Checks[1].Status != checks.StatusError {
		t.Fatalf("results: %+v", rep.Checks)
	}
}

// All MX hosts are probed at once: four hosts behind a server that delays
// every reply take about as long as one.
func TestSMTPHostsProbedConcurrently(t *testing.T) {
	const delay = 60 * time.Millisecond
	lines := []string{}
	for i := 1; i <= 4; i++ {
		lines = append(lines, fmt.Sprintf("example.com MX %d mx%d.example.net.", i*10, i), fmt.Sprintf("mx%d.example.net A 192.0.2.%d", i, i))
	}
	one := newSMTPWorld(t, "mx1.example.net", delay, lines[:2]...)
	start := time.Now()
	one.run(t)
	single := time.Since(start)

	four := newSMTPWorld(t, "mx1.example.net", delay, lines...)
	start = time.Now()
	rep := four.run(t)
	all := time.Since(start)
	if len(rep.Checks) != len(Parts())+4 {
		t.Fatalf("results = %v", resultNames(rep))
	}
	t.Logf("one host %v, four hosts %v", single, all)
	// Each probe holds its connection for several delayed replies, so
	// probes run at once show as four connections open together. (A
	// structural check, not a timed one: timings go in the benchmark.)
	if p := four.smtp.Peak(); p < 4 {
		t.Errorf("at most %d connections were open at once: the four MX hosts were not probed concurrently (one host %v, four %v)", p, single, all)
	}
}
