package smtpprobe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math"
	"net"
	"net/netip"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/smtpwire"
)

// Modes of a probe.
const (
	ModeSTARTTLS = "starttls" // plain text, upgraded with STARTTLS (RFC 3207)
	ModeImplicit = "implicit" // TLS from the first byte (RFC 8314 §3.3)
)

// Failures: why a probe stopped before its end. Check turns each into its
// finding.
const (
	FailureUnreachable = "unreachable" // no TCP connection
	FailureTimeout     = "timeout"     // the server stopped answering mid-dialogue
	FailureProtocol    = "protocol"    // garbage, a closed connection, an endless line…
	FailureBanner      = "banner"      // the greeting was not 220
	FailureEHLO        = "ehlo"        // EHLO was refused
	FailureTLS         = "tls"         // STARTTLS refused, or the handshake failed
	FailureCanceled    = "canceled"    // the run was cancelled
)

// Stages of the dialogue, as FailedStage names them.
const (
	StageConnect   = "connect"
	StageHandshake = "handshake"
	StageBanner    = "banner"
	StageEHLO      = "ehlo"
	StageAuth      = "auth"
	StageMail      = "mail"
	StageStartTLS  = "starttls"
	StageEHLOTLS   = "ehlo_tls"
	StageRelayTest = "relay_test"
)

// Probe is everything one connection to one address and port showed. It
// is the data of the check Check makes of it.
type Probe struct {
	// Host is the name the certificate must match and the TLS server name
	// sent (none for an IP literal).
	Host    string     `json:"host"`
	Address netip.Addr `json:"address"`
	Port    int        `json:"port"`
	Mode    string     `json:"mode"` // ModeSTARTTLS or ModeImplicit
	// PTR are the reverse DNS names of Address (never null); PTRError the
	// failed lookup.
	PTR      []string `json:"ptr"`
	PTRError string   `json:"ptr_error,omitempty"`

	// ImplicitTLS is true when the port showed it speaks TLS from the
	// first byte where a banner in clear was expected: TLS records came
	// instead, or no banner came and a TLS handshake on a second
	// connection succeeded. The finding hints at --implicit-tls.
	ImplicitTLS bool `json:"implicit_tls,omitempty"`

	// Failure, FailedStage and Error say why the probe stopped early;
	// all empty when it ran to its end.
	Failure     string `json:"failure,omitempty"`
	FailedStage string `json:"failed_stage,omitempty"`
	Error       string `json:"error,omitempty"`

	Timings Timings         `json:"timings_ms"`
	Banner  *smtpwire.Reply `json:"banner,omitempty"`
	// EHLO is the EHLO reply in plain text (STARTTLS mode); EHLOTLS the
	// one under TLS (after STARTTLS, or the only one with implicit TLS).
	EHLO      *smtpwire.Capabilities `json:"ehlo,omitempty"`
	EHLOReply *smtpwire.Reply        `json:"ehlo_reply,omitempty"` // only when EHLO was refused
	EHLOTLS   *smtpwire.Capabilities `json:"ehlo_tls,omitempty"`

	StartTLS      *StartTLS  `json:"starttls,omitempty"`
	AuthBeforeTLS *AuthTest  `json:"auth_before_tls,omitempty"`
	TLS           *TLSInfo   `json:"tls,omitempty"`
	RelayTest     *RelayTest `json:"relay_test,omitempty"`

	// Transcript is the dialogue: "C: " lines the probe sent, "S: " lines
	// the server sent, "-- " notes; bounded in lines and line length.
	Transcript []string `json:"transcript"`

	// Chain is the certificate chain the server presented, leaf first
	// (for DANE matching); nil without a handshake.
	Chain []*x509.Certificate `json:"-"`
	// ConnectionState is the TLS state after the handshake.
	ConnectionState *tls.ConnectionState `json:"-"`
	// Defaulted is true when the port was not named by the user but came
	// from DefaultPorts: nothing listening on 465 or 587 is then
	// information, not a failure.
	Defaulted bool `json:"-"`

	err error
}

// Timings are the durations of the steps, in milliseconds; a step that did
// not happen is left out.
type Timings struct {
	Connect   float64 `json:"connect,omitempty"`
	Handshake float64 `json:"handshake,omitempty"` // implicit TLS or after STARTTLS
	Banner    float64 `json:"banner,omitempty"`
	EHLO      float64 `json:"ehlo,omitempty"`
	StartTLS  float64 `json:"starttls,omitempty"` // the STARTTLS command and its 220
	EHLOTLS   float64 `json:"ehlo_tls,omitempty"`
	Total     float64 `json:"total"`
}

// StartTLS is what the plain-text part showed about STARTTLS.
type StartTLS struct {
	// Offered: STARTTLS is in the EHLO reply.
	Offered bool `json:"offered"`
	// Required: a MAIL command before STARTTLS was refused with 530
	// (RFC 3207 §4); null when not tested (STARTTLS not offered).
	Required *bool `json:"required"`
	// MailBeforeTLS is the reply to "MAIL FROM:<>" sent in plain text.
	MailBeforeTLS *smtpwire.Reply `json:"mail_before_tls,omitempty"`
	// Reply is the reply to the STARTTLS command.
	Reply *smtpwire.Reply `json:"reply,omitempty"`
}

// AuthTest is the AUTH-in-clear test (RFC 4954 §4): AUTH with no initial
// response, then "*" to cancel. No credentials are ever sent.
type AuthTest struct {
	Mechanism string          `json:"mechanism"`
	Reply     *smtpwire.Reply `json:"reply"`
	// Exposed: the server asked for credentials in plain text (334).
	Exposed bool `json:"exposed"`
}

// Results of the open-relay test.
const (
	RelayAccepted     = "accepted"     // RCPT to a foreign domain got 2xx: an open relay
	RelayRefused      = "refused"      // RCPT refused
	RelayInconclusive = "inconclusive" // MAIL was refused, so RCPT was never asked
)

// RelayTest is the opt-in open-relay test: MAIL FROM an outside address,
// RCPT TO a .invalid domain, then RSET. DATA is never sent.
type RelayTest struct {
	From   string          `json:"from"`
	To     string          `json:"to"`
	Mail   *smtpwire.Reply `json:"mail,omitempty"`
	Rcpt   *smtpwire.Reply `json:"rcpt,omitempty"`
	Result string          `json:"result"`
	TLS    bool            `json:"under_tls"`
}

// Name is the check name of the probe: "smtp ADDRESS:PORT".
func (p *Probe) Name() string {
	return "smtp " + netip.AddrPortFrom(p.Address, uint16(p.Port)).String()
}

// Err is the error that stopped the probe (nil when it ran to its end).
func (p *Probe) Err() error { return p.err }

// ProbeAddr connects to addr:port and runs the dialogue: banner, EHLO,
// AUTH in clear when advertised, MAIL before STARTTLS, STARTTLS (or TLS
// from the start on port 465 or with Options.ImplicitTLS), the TLS
// details, EHLO again, the relay test when asked, QUIT. It never sends a
// message. host is the name the certificate is checked against (an IP
// literal is matched against the certificate's IP addresses). r, when not
// nil, looks up the reverse DNS of addr while the dialogue runs.
func ProbeAddr(ctx context.Context, r dnsx.Resolver, host string, addr netip.Addr, port int, opt Options) *Probe {
	start := time.Now()
	addr = addr.Unmap()
	p := &Probe{Host: host, Address: addr, Port: port, Mode: ModeSTARTTLS, PTR: []string{}, Transcript: []string{}}
	if opt.implicit(port) {
		p.Mode = ModeImplicit
	}
	var ptr []string
	var ptrErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		if r != nil {
			ptr, _, ptrErr = dnsx.PTR(ctx, r, addr)
		}
	}()
	p.dialogue(ctx, opt)
	<-done
	for _, n := range ptr {
		p.PTR = append(p.PTR, strings.TrimSuffix(n, "."))
	}
	if ptrErr != nil {
		p.PTRError = checks.Message(ptrErr)
	}
	p.Timings.Total = ms(time.Since(start))
	return p
}

// ms is a duration in milliseconds, to the microsecond.
func ms(d time.Duration) float64 {
	v := math.Round(float64(d)/float64(time.Microsecond)) / 1000
	if v == 0 {
		v = 0.001 // the step happened: keep it in the JSON
	}
	return v
}

// fail records why the probe stops.
func (p *Probe) fail(stage, failure string, err error) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		failure = FailureCanceled
	}
	p.Failure, p.FailedStage, p.err = failure, stage, err
	if err != nil {
		p.Error = checks.Message(err)
	}
	p.note("-- stopped at " + stage + ": " + p.Error)
}

// failIO records an I/O or protocol error at stage: a timeout or a
// protocol failure.
func (p *Probe) failIO(stage string, err error) {
	if errors.Is(err, ErrTimeout) {
		p.fail(stage, FailureTimeout, err)
		return
	}
	p.fail(stage, FailureProtocol, err)
}

func (p *Probe) dialogue(ctx context.Context, opt Options) {
	dial := opt.Dial
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	target := netip.AddrPortFrom(p.Address, uint16(p.Port)).String()
	p.note("-- connecting to " + target)
	t := time.Now()
	dctx, cancel := context.WithTimeout(ctx, opt.timeout())
	conn, err := dial(dctx, "tcp", target)
	p.Timings.Connect = ms(time.Since(t))
	defer cancel()
	if err != nil {
		if ctx.Err() == nil && errors.Is(dctx.Err(), context.DeadlineExceeded) {
			err = ErrTimeout
		}
		p.fail(StageConnect, FailureUnreachable, dialError(err))
		return
	}
	defer conn.Close()
	stop := watchContext(ctx, conn)
	defer stop()
	s := newSession(conn, opt.timeout(), p)

	if p.Mode == ModeImplicit {
		if !p.handshake(ctx, s, opt) {
			return
		}
	}

	t = time.Now()
	if p.Mode != ModeImplicit && p.sniffBanner(ctx, s, opt, target) {
		p.Timings.Banner = ms(time.Since(t))
		return
	}
	banner, err := s.readReply(ctx)
	p.Timings.Banner = ms(time.Since(t))
	if err != nil {
		p.Banner = banner
		p.failIO(StageBanner, err)
		return
	}
	p.Banner = banner
	if banner.Code != 220 {
		p.fail(StageBanner, FailureBanner, smtpwire.Refused("", banner))
		p.quit(ctx, s)
		return
	}

	t = time.Now()
	caps, ok := p.ehlo(ctx, s, opt, StageEHLO)
	p.Timings.EHLO = ms(time.Since(t))
	if !ok {
		return
	}
	if p.Mode == ModeImplicit {
		p.EHLOTLS = caps
		p.finish(ctx, s, opt)
		return
	}
	p.EHLO = caps
	p.StartTLS = &StartTLS{Offered: caps.StartTLS}

	if len(caps.Auth) > 0 && !p.authTest(ctx, s, caps) {
		return
	}
	if caps.StartTLS && !p.mailBeforeTLS(ctx, s) {
		return
	}
	if !caps.StartTLS {
		p.finish(ctx, s, opt)
		return
	}

	t = time.Now()
	reply, err := s.cmd(ctx, "STARTTLS")
	p.Timings.StartTLS = ms(time.Since(t))
	p.StartTLS.Reply = reply
	if err != nil {
		p.failIO(StageStartTLS, err)
		return
	}
	if reply.Code != 220 {
		p.fail(StageStartTLS, FailureTLS, smtpwire.Refused("STARTTLS", reply))
		p.quit(ctx, s)
		return
	}
	// Anything the server sent after its 220 and before the handshake
	// would be read as if it came under TLS (the STARTTLS command
	// injection of CVE-2011-0411 and its kin): refuse to go on.
	if s.br.Buffered() > 0 {
		p.fail(StageStartTLS, FailureProtocol, newError(ErrInjection, "data sent after the STARTTLS reply, before the handshake", nil))
		return
	}
	if !p.handshake(ctx, s, opt) {
		return
	}
	t = time.Now()
	caps, ok = p.ehlo(ctx, s, opt, StageEHLOTLS)
	p.Timings.EHLOTLS = ms(time.Since(t))
	if !ok {
		return
	}
	p.EHLOTLS = caps
	p.finish(ctx, s, opt)
}

// ehlo sends EHLO and parses its reply; false when the probe stops.
func (p *Probe) ehlo(ctx context.Context, s *session, opt Options, stage string) (*smtpwire.Capabilities, bool) {
	reply, err := s.cmd(ctx, "EHLO "+opt.ehlo())
	if err != nil {
		p.failIO(stage, err)
		return nil, false
	}
	if reply.Code != 250 {
		p.EHLOReply = reply
		p.fail(stage, FailureEHLO, smtpwire.Refused("EHLO", reply))
		p.quit(ctx, s)
		return nil, false
	}
	return smtpwire.ParseEHLO(reply.Lines), true
}

// authTest asks for AUTH in plain text without credentials (RFC 4954
// §4): 334 means the server would take a password in clear; the exchange
// is cancelled with "*" at once.
func (p *Probe) authTest(ctx context.Context, s *session, caps *smtpwire.Capabilities) bool {
	mech := caps.Auth[0]
	for _, m := range []string{"PLAIN", "LOGIN"} {
		if slices.Contains(caps.Auth, m) {
			mech = m
			break
		}
	}
	at := &AuthTest{Mechanism: mech}
	p.AuthBeforeTLS = at
	reply, err := s.cmd(ctx, "AUTH "+mech)
	at.Reply = reply
	if err != nil {
		p.failIO(StageAuth, err)
		return false
	}
	switch reply.Code {
	case 334:
		at.Exposed = true
		// RFC 4954 §4: "*" cancels; the server answers 501.
		if _, err := s.cmd(ctx, "*"); err != nil {
			p.failIO(StageAuth, err)
			return false
		}
	case 235:
		// Authenticated without credentials: exposed in the worst way.
		at.Exposed = true
	}
	return true
}

// mailBeforeTLS sends MAIL with the null sender before STARTTLS: a server
// that requires TLS refuses it with 530 (RFC 3207 §4).
func (p *Probe) mailBeforeTLS(ctx context.Context, s *session) bool {
	reply, err := s.cmd(ctx, "MAIL FROM:<>")
	p.StartTLS.MailBeforeTLS = reply
	if err != nil {
		p.failIO(StageMail, err)
		return false
	}
	// Only a 2xx (not required) and a 530 that is not about AUTH
	// (required) decide; any other refusal leaves the question open.
	switch {
	case reply.Class() == 2:
		p.StartTLS.Required = new(bool)
	case reply.Code == 530 && !authOnly(reply.Text()):
		p.StartTLS.Required = new(bool)
		*p.StartTLS.Required = true
	}
	if reply.Class() == 2 {
		if _, err := s.cmd(ctx, "RSET"); err != nil {
			p.failIO(StageMail, err)
			return false
		}
	}
	return true
}

// authOnly reports whether a 530 is RFC 4954's "authentication required"
// rather than RFC 3207's "must issue a STARTTLS command first".
func authOnly(text string) bool {
	t := strings.ToLower(text)
	return strings.Contains(t, "auth") && !strings.Contains(t, "tls")
}

// finish runs the relay test when asked and ends with QUIT.
func (p *Probe) finish(ctx context.Context, s *session, opt Options) {
	if opt.RelayTest && !p.relayTest(ctx, s) {
		return
	}
	p.quit(ctx, s)
}

// relayTest is the open-relay test.
func (p *Probe) relayTest(ctx context.Context, s *session) bool {
	rt := &RelayTest{From: RelayFrom, To: RelayTo, Result: RelayInconclusive, TLS: p.TLS != nil}
	p.RelayTest = rt
	reply, err := s.cmd(ctx, "MAIL FROM:<"+RelayFrom+">")
	rt.Mail = reply
	if err != nil {
		p.failIO(StageRelayTest, err)
		return false
	}
	if reply.Class() != 2 {
		return true
	}
	reply, err = s.cmd(ctx, "RCPT TO:<"+RelayTo+">")
	rt.Rcpt = reply
	if err != nil {
		p.failIO(StageRelayTest, err)
		return false
	}
	rt.Result = RelayRefused
	if reply.Class() == 2 {
		rt.Result = RelayAccepted
	}
	if _, err := s.cmd(ctx, "RSET"); err != nil {
		p.failIO(StageRelayTest, err)
		return false
	}
	return true
}

// quit ends the session politely. Its reply is not judged, and a server
// slow to answer it is waited for at most a second.
func (p *Probe) quit(ctx context.Context, s *session) {
	if s.timeout > time.Second {
		s.timeout = time.Second
	}
	s.cmd(ctx, "QUIT")
}

// dialError says why a connection failed in words a person knows.
func dialError(err error) error {
	if errors.Is(err, ErrTimeout) {
		return newError(ErrUnreachable, "cannot connect", errors.New("no answer within the timeout (a firewall may drop the packets)"))
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	// "dial tcp 192.0.2.1:25: connect: connection refused" says the
	// address twice and the verb once too often: keep the cause.
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		err = oe.Err
	}
	var se *os.SyscallError
	if errors.As(err, &se) && se.Err != nil {
		err = se.Err
	}
	return newError(ErrUnreachable, "cannot connect", err)
}

// sniffBanner waits for the banner's first bytes and tells a port that
// speaks TLS from the first byte (RFC 8314) from an SMTP server: TLS
// records where the banner should be, or no banner at all and a TLS
// handshake that succeeds on a second connection. It returns true when
// the probe stopped (the failure recorded); otherwise the banner is read
// as usual.
func (p *Probe) sniffBanner(ctx context.Context, s *session, opt Options, target string) bool {
	if err := s.step(ctx); err != nil {
		return false
	}
	if _, err := s.br.Peek(1); err != nil {
		werr := s.wrap(ctx, err)
		if !errors.Is(werr, ErrTimeout) {
			return false // readReply reports it
		}
		if smtpwire.AnswersTLS(ctx, opt.Dial, target, p.Host, min(opt.timeout(), 3*time.Second)) {
			p.ImplicitTLS = true
			p.note("-- no banner, but the port answers a TLS handshake")
		}
		p.failIO(StageBanner, werr)
		return true
	}
	head, _ := s.br.Peek(min(s.br.Buffered(), 5))
	if smtpwire.LooksLikeTLS(head) {
		p.ImplicitTLS = true
		p.note(fmt.Sprintf("-- TLS record bytes (% x) where the banner should be", head))
		p.fail(StageBanner, FailureProtocol, newError(smtpwire.ErrProtocol, "TLS records instead of a banner", nil))
		return true
	}
	return false
}
