package smtpprobe

import (
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
	"github.com/relayctl/relayctl/checks/tlsx/tlstest"
)

// Certificates that fail verification still give every TLS detail; each
// problem is its own finding; port 25 only warns about trust and name
// (opportunistic TLS), a submission port fails.
func TestCertificates(t *testing.T) {
	now := time.Now()
	cases := []struct {
		name   string
		cert   tlstest.LeafOptions
		port   int
		opt    func(*Options)
		want   []string
		status checks.Status
		check  func(t *testing.T, p *Probe)
	}{
		{
			name: "expired", port: 587,
			cert:   tlstest.LeafOptions{NotBefore: now.AddDate(0, 0, -100), NotAfter: now.AddDate(0, 0, -3)},
			want:   []string{CodeCertExpired, CodeStartTLSNotRequired},
			status: checks.StatusFail,
			check: func(t *testing.T, p *Probe) {
				c := p.TLS.Certificate
				if !c.Expired || c.DaysLeft != -3 || !p.TLS.Trusted || p.TLS.Verified {
					t.Errorf("cert %+v tls %+v", c, p.TLS)
				}
			},
		},
		{
			name: "expiring", port: 25,
			cert:   tlstest.LeafOptions{NotAfter: now.Add(5*24*time.Hour + time.Hour)},
			want:   []string{CodeCertExpiring},
			status: checks.StatusWarn,
			check: func(t *testing.T, p *Probe) {
				if p.TLS.Certificate.DaysLeft != 5 || !p.TLS.Verified {
					t.Errorf("cert %+v", p.TLS.Certificate)
				}
			},
		},
		{
			name: "not yet valid", port: 25,
			cert:   tlstest.LeafOptions{NotBefore: now.Add(48 * time.Hour), NotAfter: now.AddDate(1, 0, 0)},
			want:   []string{CodeCertNotYetValid},
			status: checks.StatusFail,
		},
		{
			name: "wrong name on submission", port: 587,
			cert:   tlstest.LeafOptions{Names: []string{"other.test.example", "www.test.example"}},
			want:   []string{CodeCertNameMismatch, CodeStartTLSNotRequired},
			status: checks.StatusFail,
			check: func(t *testing.T, p *Probe) {
				if p.TLS.NameMatch || !p.TLS.Trusted || !strings.Contains(p.TLS.NameError, "other.test.example, www.test.example, not for localhost") {
					t.Errorf("tls %+v", p.TLS)
				}
			},
		},
		{
			name: "wrong name on 25", port: 25,
			cert:   tlstest.LeafOptions{Names: []string{"other.test.example"}},
			want:   []string{CodeCertNameMismatch},
			status: checks.StatusWarn,
		},
		{
			name: "self-signed", port: 25,
			cert:   tlstest.LeafOptions{Names: []string{"localhost"}, SelfSigned: true},
			want:   []string{CodeCertUntrusted},
			status: checks.StatusWarn,
			check: func(t *testing.T, p *Probe) {
				ti := p.TLS
				if ti.Trusted || ti.TrustError != "self-signed certificate" || !ti.Certificate.SelfSigned || !ti.NameMatch || ti.Version == "" || ti.CipherSuite == "" || len(ti.Chain) != 1 {
					t.Errorf("tls %+v", ti)
				}
			},
		},
		{
			name: "unknown CA (system roots)", port: 465,
			cert:   tlstest.LeafOptions{},
			opt:    func(o *Options) { o.Roots = nil },
			want:   []string{CodeCertUntrusted},
			status: checks.StatusFail,
			check: func(t *testing.T, p *Probe) {
				if p.TLS.Trusted || !strings.Contains(p.TLS.TrustError, "unknown authority") || p.TLS.Roots != "system" {
					t.Errorf("tls %+v", p.TLS)
				}
			},
		},
		{
			name: "skip verify", port: 465,
			cert:   tlstest.LeafOptions{Names: []string{"other.test.example"}, SelfSigned: true},
			opt:    func(o *Options) { o.SkipVerify = true },
			want:   []string{},
			status: checks.StatusOK,
			check: func(t *testing.T, p *Probe) {
				if p.TLS.Trusted || p.TLS.NameMatch || p.TLS.Verified {
					t.Errorf("--tls-skip-verify changed the data: %+v", p.TLS)
				}
			},
		},
		{
			name: "weak RSA key", port: 465,
			cert:   tlstest.LeafOptions{RSABits: 1024},
			want:   []string{CodeCertWeakKey},
			status: checks.StatusWarn,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := smtptest.Config{TLS: issue(t, c.cert), Implicit: c.port == 465}
			srv := server(t, cfg)
			o := opts(t, nil)
			if c.opt != nil {
				c.opt(&o)
			}
			p, res := probeAt(t, srv.Addr, "localhost", c.port, o)
			wantCodes(t, res, c.want...)
			wellFormed(t, res)
			if res.Status != c.status {
				t.Errorf("status %s, want %s", res.Status, c.status)
			}
			if p.TLS == nil || p.TLS.Certificate == nil || p.Chain == nil {
				t.Fatalf("no TLS details: %+v", p)
			}
			if c.check != nil {
				c.check(t, p)
			}
		})
	}
}

// An IP literal host is matched against the certificate's IP addresses.
func TestIPLiteralNameMatch(t *testing.T) {
	srv := server(t, smtptest.Config{TLS: issue(t, tlstest.LeafOptions{Names: []string{"127.0.0.1"}}), Implicit: true})
	p, res := probeAt(t, srv.Addr, "127.0.0.1", 465, opts(t, nil))
	wantCodes(t, res)
	if !p.TLS.NameMatch || p.TLS.ServerName != "" {
		t.Errorf("tls %+v", p.TLS)
	}
}

// The open-relay test: accepted is smtp.open-relay, refused is nothing;
// never a DATA, and the test runs under TLS when there is TLS.
func TestRelayTest(t *testing.T) {
	for _, open := range []bool{true, false} {
		srv := server(t, smtptest.Config{TLS: issue(t, tlstest.LeafOptions{}), LocalOnly: !open})
		o := opts(t, nil)
		o.RelayTest = true
		p, res := probeAt(t, srv.Addr, "localhost", 25, o)
		rt := p.RelayTest
		if rt == nil || !rt.TLS || rt.Mail.Code != 250 {
			t.Fatalf("open=%v: relay test %+v", open, rt)
		}
		if open {
			wantCodes(t, res, CodeOpenRelay)
			wellFormed(t, res)
			if rt.Result != RelayAccepted || res.Status != checks.StatusFail {
				t.Errorf("result %s status %s", rt.Result, res.Status)
			}
		} else {
			wantCodes(t, res)
			if rt.Result != RelayRefused || rt.Rcpt.Code != 554 {
				t.Errorf("result %s rcpt %v", rt.Result, rt.Rcpt)
			}
		}
		log := srv.Log()
		if !strings.Contains(log, "RCPT TO:<"+RelayTo+">") || strings.Contains(log, "DATA") || !strings.Contains(log, "RSET") || !strings.Contains(log, "QUIT") || srv.Count() != 0 {
			t.Errorf("server log:\n%s", log)
		}
	}
	// Without the opt-in, no MAIL with a sender is ever sent.
	srv := server(t, smtptest.Config{TLS: issue(t, tlstest.LeafOptions{})})
	p, _ := probeAt(t, srv.Addr, "localhost", 25, opts(t, nil))
	if p.RelayTest != nil || strings.Contains(srv.Log(), "RCPT") {
		t.Errorf("relay test ran without the opt-in")
	}
}

// A server that refuses the test's sender leaves the test inconclusive.
func TestRelayTestInconclusive(t *testing.T) {
	srv := server(t, smtptest.Config{TLS: issue(t, tlstest.LeafOptions{}), RequireTLS: true})
	o := opts(t, nil)
	o.RelayTest = true
	o.Dial = router(map[int]string{})
	// Without STARTTLS (a plain server requiring TLS cannot exist in
	// go-smtp), use a raw server that refuses every MAIL.
	r := raw(t, script(
		"220 relay.test ESMTP",
		"<EHLO", "250 relay.test",
		"<MAIL", "550 5.7.1 sender rejected",
		"<RSET", "250 ok",
		"<QUIT", "221 bye",
	))
	p, res := probeAt(t, r.Addr, "relay.test", 2525, o)
	if p.RelayTest == nil || p.RelayTest.Result != RelayInconclusive {
		t.Fatalf("relay %+v (%s)", p.RelayTest, p.Error)
	}
	wantCodes(t, res, CodeNoStartTLS, CodeRelayInconclusive)
	_ = srv
}
