package smtpprobe

import (
	"crypto/tls"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
	"github.com/relayctl/relayctl/checks/tlsx/tlstest"
)

// A well-configured MX on port 25: STARTTLS under a trusted certificate for
// its name, AUTH only under TLS. Every detail of the dialogue is in the
// probe, there is no finding, and the server saw QUIT and no DATA.
func TestGoodSTARTTLS(t *testing.T) {
	srv := server(t, smtptest.Config{TLS: issue(t, tlstest.LeafOptions{Names: []string{"localhost"}}), Users: plainUser, Mechs: plainMech})
	p, res := probeAt(t, srv.Addr, "localhost", 25, opts(t, nil))
	wantCodes(t, res)
	wellFormed(t, res)
	if res.Status != checks.StatusOK || res.Name != "smtp 127.0.0.1:25" {
		t.Errorf("status %s name %q", res.Status, res.Name)
	}
	if p.Mode != ModeSTARTTLS || p.Failure != "" || p.Banner == nil || p.Banner.Code != 220 || !strings.Contains(p.Banner.Text(), "mx.test.example") {
		t.Fatalf("probe %+v banner %+v", p, p.Banner)
	}
	e := p.EHLO
	if e == nil || !e.StartTLS || !e.Pipelining || !e.EightBitMIME || !e.SMTPUTF8 || !e.Chunking || !e.DSN || !e.EnhancedStatusCodes {
		t.Errorf("EHLO before TLS: %+v", e)
	}
	if e.Size == nil || *e.Size != 10<<20 {
		t.Errorf("SIZE %v", e.Size)
	}
	if len(e.Auth) != 0 || e.RequireTLS {
		t.Errorf("AUTH or REQUIRETLS offered in clear: %+v", e)
	}
	et := p.EHLOTLS
	if et == nil || et.StartTLS || !et.RequireTLS || len(et.Auth) != 1 || et.Auth[0] != "PLAIN" {
		t.Errorf("EHLO under TLS: %+v", et)
	}
	if p.AuthBeforeTLS != nil {
		t.Errorf("AUTH test ran though AUTH was not offered in clear")
	}
	if p.StartTLS == nil || !p.StartTLS.Offered || p.StartTLS.Required == nil || *p.StartTLS.Required || p.StartTLS.Reply.Code != 220 {
		t.Errorf("starttls %+v", p.StartTLS)
	}
	ti := p.TLS
	if ti == nil || ti.Version != "TLS1.3" || !strings.HasPrefix(ti.CipherSuite, "TLS_") || ti.KeyExchange == "" || ti.KeyExchange == "RSA" || ti.ServerName != "localhost" {
		t.Fatalf("tls %+v", ti)
	}
	if !ti.Trusted || !ti.NameMatch || !ti.Verified || !ti.ChainInOrder || len(ti.Chain) != 2 || ti.Roots != "custom" {
		t.Errorf("verification %+v", ti)
	}
	c := ti.Certificate
	if c.KeyType != "ECDSA" || c.KeyBits != 256 || c.DaysLeft < 88 || c.DaysLeft > 90 || c.Expired || c.SelfSigned ||
		len(c.SANs) != 1 || c.SANs[0] != "localhost" || !strings.Contains(c.Issuer, "relayctl test CA") || len(c.SHA256) != 64 {
		t.Errorf("certificate %+v", c)
	}
	if len(p.Chain) != 2 || p.ConnectionState == nil {
		t.Errorf("chain for DANE: %d certificates", len(p.Chain))
	}
	tm := p.Timings
	if tm.Connect <= 0 || tm.Banner <= 0 || tm.EHLO <= 0 || tm.StartTLS <= 0 || tm.Handshake <= 0 || tm.EHLOTLS <= 0 || tm.Total < tm.Handshake {
		t.Errorf("timings %+v", tm)
	}
	// The probe ends with QUIT and never sends a message.
	log := srv.Log()
	if !strings.Contains(log, "QUIT") || strings.Contains(log, "DATA") || srv.Count() != 0 {
		t.Errorf("server log:\n%s", log)
	}
	if !strings.Contains(strings.Join(p.Transcript, "\n"), "C: STARTTLS") {
		t.Errorf("transcript %q", p.Transcript)
	}
	// The data serialises with the documented keys and without the chain.
	b, err := json.Marshal(res.Data)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"timings_ms"`, `"ehlo_tls"`, `"key_exchange"`, `"days_left"`, `"8bitmime"`, `"required":false`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("JSON lacks %s: %s", k, b)
		}
	}
}

// STARTTLS required (a MAIL before it gets 530): right on submission, a
// warning on port 25, where RFC 3207 §4 forbids it for a public MX.
func TestSTARTTLSRequired(t *testing.T) {
	srv := server(t, smtptest.Config{TLS: issue(t, tlstest.LeafOptions{}), RequireTLS: true})
	p, res := probeAt(t, srv.Addr, "localhost", 587, opts(t, nil))
	wantCodes(t, res)
	if p.StartTLS.Required == nil || !*p.StartTLS.Required || p.StartTLS.MailBeforeTLS.Code != 530 || p.StartTLS.MailBeforeTLS.Secode != "5.7.0" {
		t.Errorf("starttls %+v mail %+v", p.StartTLS, p.StartTLS.MailBeforeTLS)
	}
	_, res = probeAt(t, srv.Addr, "localhost", 25, opts(t, nil))
	wantCodes(t, res, CodeStartTLSRequired)
	if res.Status != checks.StatusWarn {
		t.Errorf("status %s", res.Status)
	}
}

// STARTTLS only offered on a submission port is worth knowing (info).
func TestSTARTTLSOptionalOnSubmission(t *testing.T) {
	srv := server(t, smtptest.Config{TLS: issue(t, tlstest.LeafOptions{})})
	_, res := probeAt(t, srv.Addr, "localhost", 587, opts(t, nil))
	wantCodes(t, res, CodeStartTLSNotRequired)
	if res.Status != checks.StatusOK {
		t.Errorf("status %s", res.Status)
	}
}

func TestNoSTARTTLS(t *testing.T) {
	srv := server(t, smtptest.Config{})
	p, res := probeAt(t, srv.Addr, "localhost", 25, opts(t, nil))
	wantCodes(t, res, CodeNoStartTLS)
	wellFormed(t, res)
	if res.Status != checks.StatusFail || p.TLS != nil || p.StartTLS.Offered || p.StartTLS.Required != nil {
		t.Errorf("status %s probe %+v", res.Status, p.StartTLS)
	}
	if !strings.Contains(srv.Log(), "QUIT") {
		t.Errorf("no QUIT:\n%s", srv.Log())
	}
}

// Port 465 means TLS from the first byte; --implicit-tls forces it on
// any port.
func TestImplicitTLS(t *testing.T) {
	srv := server(t, smtptest.Config{TLS: issue(t, tlstest.LeafOptions{}), Implicit: true, Users: plainUser, Mechs: plainMech})
	for _, c := range []struct {
		port  int
		force bool
	}{{465, false}, {2465, true}} {
		o := opts(t, nil)
		o.ImplicitTLS = c.force
		p, res := probeAt(t, srv.Addr, "localhost", c.port, o)
		wantCodes(t, res)
		if p.Mode != ModeImplicit || p.EHLO != nil || p.EHLOTLS == nil || p.TLS == nil || p.StartTLS != nil || p.Banner.Code != 220 {
			t.Errorf("port %d: %+v", c.port, p)
		}
		if len(p.EHLOTLS.Auth) != 1 || !p.TLS.Verified || p.Timings.Handshake <= 0 {
			t.Errorf("port %d: ehlo %+v tls %+v", c.port, p.EHLOTLS, p.TLS)
		}
		if !strings.Contains(res.Summary, "implicit TLS TLS1.3") {
			t.Errorf("summary %q", res.Summary)
		}
	}
}

// AUTH offered and accepted before TLS: the probe gets 334, cancels with
// "*", and never sends a credential.
func TestAuthBeforeTLS(t *testing.T) {
	srv := server(t, smtptest.Config{TLS: issue(t, tlstest.LeafOptions{}), Users: plainUser, Mechs: plainMech, InsecureAuth: true})
	p, res := probeAt(t, srv.Addr, "localhost", 587, opts(t, nil))
	wantCodes(t, res, CodeAuthBeforeTLS, CodeStartTLSNotRequired)
	wellFormed(t, res)
	a := p.AuthBeforeTLS
	if a == nil || !a.Exposed || a.Mechanism != "PLAIN" || a.Reply.Code != 334 {
		t.Fatalf("auth test %+v", a)
	}
	log := srv.Log()
	if !strings.Contains(log, "AUTH PLAIN\r\n") || !strings.Contains(log, "\r\n*\r\n") || !strings.Contains(log, "501") {
		t.Errorf("server log:\n%s", log)
	}
	if res.Status != checks.StatusFail || !strings.Contains(res.Summary, "AUTH in clear") {
		t.Errorf("status %s summary %q", res.Status, res.Summary)
	}
	// The session is still usable after the cancel: STARTTLS went ahead.
	if p.TLS == nil || p.EHLOTLS == nil {
		t.Errorf("no TLS after the AUTH test")
	}
}

// Old protocol versions and weak suites still connect, and are judged.
func TestOldTLSVersion(t *testing.T) {
	cfg := issue(t, tlstest.LeafOptions{})
	cfg.MinVersion, cfg.MaxVersion = tls.VersionTLS10, tls.VersionTLS11
	srv := server(t, smtptest.Config{TLS: cfg})
	p, res := probeAt(t, srv.Addr, "localhost", 587, opts(t, nil))
	if findingOf(res, CodeTLSOldVersion) == nil || p.TLS == nil || p.TLS.Version != "TLS1.1" {
		t.Fatalf("findings %v tls %+v error %s", codes(res), p.TLS, res.Error)
	}
	if res.Status != checks.StatusFail {
		t.Errorf("status %s", res.Status)
	}
}

// TLS 1.2 with a legacy RSA key exchange suite: weak, and the key exchange
// says so.
func TestWeakCipher(t *testing.T) {
	cfg := issue(t, tlstest.LeafOptions{RSABits: 2048})
	cfg.MaxVersion = tls.VersionTLS12
	cfg.CipherSuites = []uint16{tls.TLS_RSA_WITH_AES_128_CBC_SHA}
	srv := server(t, smtptest.Config{TLS: cfg})
	p, res := probeAt(t, srv.Addr, "localhost", 25, opts(t, nil))
	wantCodes(t, res, CodeTLSWeakCipher)
	if p.TLS.KeyExchange != "RSA" || p.TLS.Version != "TLS1.2" || p.TLS.Certificate.KeyType != "RSA" || p.TLS.Certificate.KeyBits != 2048 {
		t.Errorf("tls %+v cert %+v", p.TLS, p.TLS.Certificate)
	}
}

func TestTimeoutIsPerStep(t *testing.T) {
	srv := server(t, smtptest.Config{TLS: issue(t, tlstest.LeafOptions{}), Delay: 150 * time.Millisecond})
	o := opts(t, nil)
	// Generous next to the 150 ms delay, so a loaded CI machine does not
	// turn a slow step into a timeout; the dialogue (about ten delayed
	// replies) still takes longer than it as a whole.
	o.Timeout = time.Second
	// Every step is slower than nothing but faster than the timeout: the
	// probe finishes although the whole dialogue takes longer than it.
	p, res := probeAt(t, srv.Addr, "localhost", 25, o)
	wantCodes(t, res)
	if p.Timings.Total <= float64(o.Timeout.Milliseconds()) {
		t.Errorf("total %.0f ms, not above the %v timeout: the delay was not applied", p.Timings.Total, o.Timeout)
	}
}
