package send_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/send"
	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
	"github.com/relayctl/relayctl/checks/tlsx/tlstest"
)

// mapDialer sends each MX address to a loopback test server; any other
// address is refused at once.
type mapDialer map[string]string

func (m mapDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	real, ok := m[addr]
	if !ok {
		return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New(syscall.ECONNREFUSED.Error())}
	}
	var d net.Dialer
	return d.DialContext(ctx, network, real)
}

const twoDomains = `$ORIGIN example.
@          3600 IN SOA ns.example. hostmaster.example. 1 3600 600 86400 300
a          3600 IN MX 10 mx.a
mx.a       3600 IN A 192.0.2.10
b          3600 IN MX 10 dead.b
b          3600 IN MX 20 live.b
dead.b     3600 IN A 192.0.2.11
live.b     3600 IN A 192.0.2.12
`

// Without --server, each recipient domain's MX gets its own
// transaction — with the MX fallback order — not everything to the
// first recipient's MX.
func TestMXDeliveryPerDomain(t *testing.T) {
	srvA := smtptest.Start(t, smtptest.Config{})
	srvB := smtptest.Start(t, smtptest.Config{Rcpt: func(n int, to string) error {
		if strings.HasPrefix(to, "nobody@") {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
		}
		return nil
	}})
	cfg := &send.Config{Resolver: dnstest.Resolver(t, twoDomains), MXPort: 25, Timeout: 2 * time.Second, TLS: send.TLSNone,
		Dialer: mapDialer{"192.0.2.10:25": srvA.Addr, "192.0.2.12:25": srvB.Addr}}

	rec := send.Send(ctx(t), cfg, msg(t, "ann@a.example", "bob@b.example", "cat@a.example"))
	if rec.Result != send.ResultSent || len(rec.Deliveries) != 2 || len(rec.Accepted) != 3 {
		t.Fatalf("record %+v", rec)
	}
	da, db := rec.Deliveries[0], rec.Deliveries[1]
	if da.Domain != "a.example" || da.Server != "192.0.2.10:25" || strings.Join(da.To, ",") != "ann@a.example,cat@a.example" || da.Result != send.ResultSent ||
		db.Domain != "b.example" || db.Server != "192.0.2.12:25" || strings.Join(db.To, ",") != "bob@b.example" || !strings.HasPrefix(db.Reply, "250") {
		t.Errorf("deliveries %+v", rec.Deliveries)
	}
	a, b := srvA.Messages(), srvB.Messages()
	if len(a) != 1 || strings.Join(a[0].To, ",") != "ann@a.example,cat@a.example" || len(b) != 1 || strings.Join(b[0].To, ",") != "bob@b.example" {
		t.Errorf("server a got %+v, b got %+v", a, b)
	}

	// One domain refuses its recipient: partial, and who is said.
	rec = send.Send(ctx(t), cfg, msg(t, "ann@a.example", "nobody@b.example"))
	if rec.Result != send.ResultPartial || strings.Join(rec.Accepted, ",") != "ann@a.example" || len(rec.Rejected) != 1 ||
		rec.Rejected[0].Recipient != "nobody@b.example" || rec.Deliveries[1].Result != send.ResultRejected {
		t.Errorf("partial: %+v", rec)
	}

	// One domain: the record as before, no deliveries.
	rec = send.Send(ctx(t), cfg, msg(t, "bob@b.example"))
	if rec.Result != send.ResultSent || rec.Deliveries != nil || rec.Server != "192.0.2.12:25" {
		t.Errorf("single domain: %+v", rec)
	}

	// A batch Sender reusing its connection switches MX with the domain.
	s := send.NewSender(cfg, 0)
	defer s.Close()
	before := srvA.Count()
	for _, to := range []string{"bob@b.example", "ann@a.example"} {
		if r := s.Send(ctx(t), msg(t, to)); r.Result != send.ResultSent {
			t.Errorf("%s: %+v", to, r)
		}
	}
	if srvA.Count() != before+1 {
		t.Errorf("a.example's MX got %d new messages, want 1", srvA.Count()-before)
	}
}

// Port 25 to an MX with a certificate that does not verify: opportunistic
// TLS, as MTAs do — delivered, and the record notes the certificate was
// not verified and why. --tls-verify refuses it; a verified one has no
// note.
func TestMXOpportunisticTLS(t *testing.T) {
	ca := tlstest.NewCA(t, "relayctl sendtest CA")
	srv := smtptest.Start(t, smtptest.Config{TLS: ca.ServerConfig(t, "mx.a.example")})
	base := send.Config{Resolver: dnstest.Resolver(t, twoDomains), MXPort: 25, Timeout: 2 * time.Second,
		Dialer: mapDialer{"192.0.2.10:25": srv.Addr}}

	cfg := base // the test CA is not a system root
	rec := send.Send(ctx(t), &cfg, msg(t, "ann@a.example"))
	if rec.Result != send.ResultSent || rec.TLS.Mode != "starttls" || rec.TLS.Verified || len(rec.Notes) != 1 ||
		!strings.Contains(rec.Notes[0], "not verified (signed by an unknown authority)") || !strings.Contains(rec.Notes[0], "--tls-verify") {
		t.Errorf("opportunistic: %+v", rec)
	}
	cfg = base
	cfg.TLSVerify = true
	rec = send.Send(ctx(t), &cfg, msg(t, "ann@a.example"))
	if rec.Result != send.ResultFailed || rec.Failure != send.FailureTLS || !strings.Contains(rec.Error, "not trusted") {
		t.Errorf("--tls-verify: %+v", rec)
	}
	cfg = base
	cfg.RootCAs = ca.Pool()
	cfg.TLSVerify = true
	rec = send.Send(ctx(t), &cfg, msg(t, "ann@a.example"))
	if rec.Result != send.ResultSent || !rec.TLS.Verified || len(rec.Notes) != 0 {
		t.Errorf("verified: %+v", rec)
	}
	cfg = base
	cfg.RootCAs = ca.Pool()
	rec = send.Send(ctx(t), &cfg, msg(t, "ann@a.example"))
	if rec.Result != send.ResultSent || !rec.TLS.Verified || len(rec.Notes) != 0 {
		t.Errorf("verified, opportunistic: %+v", rec)
	}
	if srv.Count() != 3 {
		t.Errorf("%d messages", srv.Count())
	}
}
