package send

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/smtpwire"
	"github.com/relayctl/relayctl/checks/tlsx"
	"github.com/relayctl/relayctl/internal/textutil"
)

// conn is one SMTP connection: its socket, what the server offered, and
// the per-connection transcript. It is used by one goroutine at a time.
type conn struct {
	cfg  *Config
	nc   net.Conn
	br   *bufio.Reader
	bw   *bufio.Writer
	log  *connLog
	host string // the server's name: SNI and certificate check
	addr string // host:port as reported in records

	caps     *smtpwire.Capabilities // the EHLO reply (none after HELO)
	tlsInfo  TLSInfo
	auth     string
	notes    []string // facts for the record: an unverified certificate, no DSN
	dsnNoted bool
	used     bool // a transaction ran on it: RSET before the next
	broken   bool // must not be used again
	stop     func() bool
}

// aLongTimeAgo is a deadline in the past: it makes blocked I/O return.
var aLongTimeAgo = time.Unix(1, 0)

// stepError is why a step did not succeed.
type stepError struct {
	failure Failure
	reply   *smtpwire.Reply // the server's reply, when there was one
	err     error           // a network, protocol or policy error
	// retry: a temporary failure (4xx, a connection problem) that a new
	// attempt may cure.
	retry bool
	// unknown: the final dot went out and no reply came back.
	unknown bool
	// permanent: no reply, but a refusal as final as a 5xx (a null MX, an
	// address that needs SMTPUTF8 the server lacks, no usable AUTH).
	permanent bool
	// stale: a reused connection failed before the transaction's first
	// reply — the server dropped an idle connection; reconnect at once.
	stale bool
}

func (e *stepError) Error() string {
	if e.err != nil && e.reply != nil {
		return e.err.Error() + ": " + e.reply.Raw()
	}
	if e.err != nil {
		return e.err.Error()
	}
	return e.reply.Raw()
}

// Message is the step's error for a person: the error's message, then
// the server's reply as it sent it.
func (e *stepError) Message() string {
	if e.err != nil && e.reply != nil {
		return checks.Message(e.err) + ": " + e.reply.Raw()
	}
	if e.err != nil {
		return checks.Message(e.err)
	}
	return e.reply.Raw()
}

// replyError is a step refused by the server: 4xx may be retried, 5xx not.
func replyError(f Failure, r *smtpwire.Reply) *stepError {
	return &stepError{failure: f, reply: r, retry: r.Temporary()}
}

// netError is a failed read or write: a timeout, a reset, an EOF.
func netError(f Failure, what string, err error) *stepError {
	e := &stepError{failure: f, err: wrap(what, cleanNetErr(err)), retry: true}
	if isTimeout(err) {
		e.failure = FailureTimeout
	}
	return e
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// cleanNetErr makes net's wordy errors read well.
func cleanNetErr(err error) error {
	switch {
	case isTimeout(err):
		return errors.New("timed out")
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("connection closed by the server")
	}
	return err
}

// dialOne connects to addr and reads the banner; with implicit TLS the
// handshake comes first.
func dialOne(ctx context.Context, cfg *Config, host, addr string, implicit bool, log *connLog, tm *Timings) (*conn, *stepError) {
	d := cfg.Dialer
	if d == nil {
		d = &net.Dialer{}
	}
	start := time.Now()
	dctx, cancel := context.WithTimeout(ctx, cfg.timeout())
	nc, err := d.DialContext(dctx, "tcp", addr)
	cancel()
	tm.Connect = ms(time.Since(start))
	if err != nil {
		if ctx.Err() != nil {
			return nil, &stepError{failure: FailureConnect, err: fmt.Errorf("connect to %s: %w", addr, ctx.Err())}
		}
		e := netError(FailureConnect, "connect to "+addr, err)
		e.failure = FailureConnect // a connect timeout is still a connect failure
		return nil, e
	}
	log.info("connected to %s", addr)
	c := &conn{cfg: cfg, nc: nc, host: host, addr: addr, log: log}
	c.br = bufio.NewReaderSize(nc, 4096)
	c.bw = bufio.NewWriterSize(nc, 32*1024)
	// Ctrl-C (or the caller's deadline) unblocks any read or write.
	c.stop = context.AfterFunc(ctx, func() { nc.SetDeadline(aLongTimeAgo) })
	c.tlsInfo.Mode = string(TLSNone)
	if implicit {
		t0 := time.Now()
		if e := c.handshake(ctx); e != nil {
			c.close()
			return nil, e
		}
		c.tlsInfo.Mode = string(TLSImplicit)
		tm.StartTLS = ms(time.Since(t0))
	}
	t0 := time.Now()
	if !implicit {
		if e := c.sniffBanner(ctx, addr); e != nil {
			tm.Banner = ms(time.Since(t0))
			c.close()
			return nil, e
		}
	}
	r, e := c.read(FailureConnect, "banner")
	tm.Banner = ms(time.Since(t0))
	if e != nil {
		c.close()
		return nil, e
	}
	if r.Code != 220 {
		c.close()
		if r.Class() == 2 || r.Class() == 3 {
			return nil, &stepError{failure: FailureConnect, err: errorf(ErrProtocol, "banner"), reply: r, retry: true}
		}
		return nil, replyError(FailureConnect, r)
	}
	return c, nil
}

// implicitHint is what to do about a port that speaks TLS from the
// first byte.
const implicitHint = "the port speaks TLS from the first byte (implicit TLS, RFC 8314): use --tls implicit"

// sniffBanner waits for the first bytes of the banner and tells a port
// that speaks TLS from the first byte from an SMTP server: TLS records
// where the banner should be, or — when nothing comes within the step
// limit — a TLS handshake that succeeds on a second connection. Only what
// was seen is said, never guessed: a silent server that does not answer
// TLS either is a plain timeout.
func (c *conn) sniffBanner(ctx context.Context, addr string) *stepError {
	c.deadline(c.cfg.timeout())
	if _, err := c.br.Peek(1); err != nil {
		if !isTimeout(err) || ctx.Err() != nil {
			return nil // read() reports the close or the interruption
		}
		var dial smtpwire.DialFunc
		if c.cfg.Dialer != nil {
			dial = c.cfg.Dialer.DialContext
		}
		if smtpwire.AnswersTLS(ctx, dial, addr, c.host, min(c.cfg.timeout(), 3*time.Second)) {
			c.log.info("no banner, but the port answers a TLS handshake")
			// Still a timeout, but one that trying again will not cure.
			return &stepError{failure: FailureTimeout, err: wrap("waiting for the banner", fmt.Errorf("none came within %s, but %s", c.cfg.timeout(), implicitHint))}
		}
		c.broken = true
		return netError(FailureConnect, "waiting for the reply to banner", err)
	}
	head, _ := c.br.Peek(min(c.br.Buffered(), 5))
	if smtpwire.LooksLikeTLS(head) {
		c.log.info("TLS record bytes (% x) where the banner should be", head)
		return &stepError{failure: FailureConnect, err: errorf(ErrProtocol, "the server sent TLS records instead of a banner: %s", implicitHint)}
	}
	return nil
}

func ms(d time.Duration) int64 {
	n := d.Milliseconds()
	if n == 0 && d > 0 {
		return 1
	}
	return n
}

// close ends the connection without QUIT.
func (c *conn) close() {
	if c == nil || c.nc == nil {
		return
	}
	c.broken = true
	if c.stop != nil {
		c.stop()
	}
	c.nc.Close()
}

// quit says QUIT politely (not waiting long) and closes.
func (c *conn) quit() {
	if c == nil || c.nc == nil || c.broken {
		c.close()
		return
	}
	c.nc.SetDeadline(time.Now().Add(min(c.cfg.timeout(), 2*time.Second)))
	if c.send("QUIT", "") == nil && c.bw.Flush() == nil {
		smtpwire.ReadReply(c.br, c.received)
	}
	c.close()
}

func (c *conn) isTLS() bool { return c.tlsInfo.Mode != string(TLSNone) }

func (c *conn) sent(line string) {
	if c.isTLS() {
		c.log.line(markSentTLS, line)
	} else {
		c.log.line(markSent, line)
	}
}

func (c *conn) received(line string) {
	if c.isTLS() {
		c.log.line(markReceivedTLS, line)
	} else {
		c.log.line(markReceived, line)
	}
}

// send buffers one command line; logLine replaces it in the transcript
// when not empty (AUTH payloads).
func (c *conn) send(line, logLine string) error {
	err := smtpwire.WriteCommand(c.bw, line)
	if errors.Is(err, smtpwire.ErrLineBreak) {
		// Never reached with validated input; a last guard against
		// smuggling a second command.
		return errorf(ErrInjection, "%q", textutil.Clip(line, 80))
	}
	if c.log.enabled() {
		if logLine != "" {
			c.sent(logLine)
		} else {
			c.sent(line)
		}
	}
	return err
}

// deadline arms the per-step limit.
func (c *conn) deadline(d time.Duration) {
	c.nc.SetDeadline(time.Now().Add(d))
}

// read reads one reply within the step limit.
func (c *conn) read(f Failure, what string) (*smtpwire.Reply, *stepError) {
	c.deadline(c.cfg.timeout())
	r, err := smtpwire.ReadReply(c.br, c.received)
	if err != nil {
		c.broken = true
		if errors.Is(err, smtpwire.ErrProtocol) {
			return nil, &stepError{failure: f, err: wrap(what, err)}
		}
		return nil, netError(f, "waiting for the reply to "+what, err)
	}
	if r.Code == 421 {
		// RFC 5321 §3.8: the server is closing the channel.
		c.broken = true
	}
	return r, nil
}

// cmd sends one command and reads its reply.
func (c *conn) cmd(f Failure, line, logLine string) (*smtpwire.Reply, *stepError) {
	c.deadline(c.cfg.timeout())
	what := firstWord(line)
	if err := c.send(line, logLine); err != nil {
		return nil, &stepError{failure: f, err: err}
	}
	if err := c.bw.Flush(); err != nil {
		c.broken = true
		return nil, netError(f, "sending "+what, err)
	}
	return c.read(f, what)
}

func firstWord(line string) string {
	if i := strings.IndexByte(line, ' '); i > 0 {
		return line[:i]
	}
	return line
}

// ehlo greets the server and records its extensions, falling back to
// HELO when EHLO is not understood (RFC 5321 §3.2).
func (c *conn) ehlo() *stepError {
	name := c.cfg.ehloName()
	r, e := c.cmd(FailureConnect, "EHLO "+name, "")
	if e != nil {
		return e
	}
	c.caps = smtpwire.ParseEHLO(nil)
	if r.Code == 250 {
		c.caps = smtpwire.ParseEHLO(r.Lines)
		return nil
	}
	if r.Permanent() && r.Code != 421 {
		r2, e := c.cmd(FailureConnect, "HELO "+name, "")
		if e != nil {
			return e
		}
		if r2.Code == 250 {
			return nil
		}
		return replyError(FailureConnect, r2)
	}
	return replyError(FailureConnect, r)
}

// has reports an EHLO extension.
func (c *conn) has(ext string) bool { return c.caps.Has(ext) }

// ehloName is --ehlo, else smtpwire's default, the same for every
// command: this host's name when it is a fully qualified domain name.
func (cfg *Config) ehloName() string {
	if cfg.EHLO != "" {
		return cfg.EHLO
	}
	return smtpwire.DefaultEHLO(cfg.Hostname)
}

// startTLS runs STARTTLS and greets again (RFC 3207 §4.2: everything
// learnt before the handshake is discarded).
func (c *conn) startTLS(ctx context.Context) *stepError {
	r, e := c.cmd(FailureTLS, "STARTTLS", "")
	if e != nil {
		e.failure = failureOr(e.failure, FailureTLS)
		return e
	}
	if r.Code != 220 {
		return replyError(FailureTLS, r)
	}
	if c.br.Buffered() > 0 {
		// Bytes before the handshake: a man in the middle injecting
		// commands (CVE-2011-0411 style). Do not go on.
		return &stepError{failure: FailureTLS, err: errorf(ErrProtocol, "the server sent data before the TLS handshake")}
	}
	if e := c.handshake(ctx); e != nil {
		return e
	}
	c.tlsInfo.Mode = string(TLSStartTLS)
	return c.ehlo()
}

func failureOr(f, def Failure) Failure {
	if f == FailureTimeout {
		return f
	}
	return def
}

// handshake wraps the socket in TLS and verifies the certificate unless
// told not to.
func (c *conn) handshake(ctx context.Context) *stepError {
	opportunistic := c.cfg.opportunistic()
	conf := &tls.Config{
		ServerName:         c.host,
		RootCAs:            c.cfg.RootCAs,
		InsecureSkipVerify: c.cfg.SkipVerify || opportunistic,
	}
	tc := tls.Client(c.nc, conf)
	c.deadline(c.cfg.timeout())
	if err := tc.HandshakeContext(ctx); err != nil {
		c.broken = true
		var verr *tls.CertificateVerificationError
		e := &stepError{failure: FailureTLS, err: wrap("TLS handshake with "+c.host, cleanNetErr(err))}
		switch {
		case errors.As(err, &verr):
			// A certificate will not change by trying again.
			e.err = fmt.Errorf("TLS certificate of %s not trusted: %v (use --ca FILE for a private CA, or --tls-skip-verify)", c.host, verr.Err)
		case isTimeout(err):
			e.failure, e.retry = FailureTimeout, true
		default:
			e.retry = !isAlert(err)
		}
		c.log.info("TLS handshake failed: %v", e.err)
		return e
	}
	st := tc.ConnectionState()
	c.nc = tc
	c.br = bufio.NewReaderSize(tc, 4096)
	c.bw = bufio.NewWriterSize(tc, 32*1024)
	c.tlsInfo = TLSInfo{
		Version:    tlsx.VersionName(st.Version),
		Cipher:     tls.CipherSuiteName(st.CipherSuite),
		ServerName: c.host,
		Verified:   !c.cfg.SkipVerify,
	}
	subject := ""
	if len(st.PeerCertificates) > 0 {
		subject = st.PeerCertificates[0].Subject.String()
	}
	how := map[bool]string{true: "verified", false: "NOT verified (--tls-skip-verify)"}[c.tlsInfo.Verified]
	if opportunistic {
		if why := verifyPeer(st, c.host, c.cfg.RootCAs); why != "" {
			c.tlsInfo.Verified = false
			note := fmt.Sprintf("the TLS certificate of %s was not verified (%s): delivered with opportunistic TLS, as MTAs do on port 25 (RFC 7435); --tls-verify refuses such a server", c.host, why)
			c.notes = append(c.notes, note)
			how = "NOT verified (" + why + "); opportunistic TLS"
		}
	}
	c.log.info("TLS started: %s %s, certificate %q, %s", c.tlsInfo.Version, c.tlsInfo.Cipher, subject, how)
	return nil
}

// verifyPeer checks the server's chain against roots (the system's when
// nil) and its name; "" when good, else why not, in words.
func verifyPeer(st tls.ConnectionState, host string, roots *x509.CertPool) string {
	if len(st.PeerCertificates) == 0 {
		return "no certificate"
	}
	inter := x509.NewCertPool()
	for _, c := range st.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	_, err := st.PeerCertificates[0].Verify(x509.VerifyOptions{DNSName: host, Roots: roots, Intermediates: inter})
	var unknown x509.UnknownAuthorityError
	var name x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &unknown):
		return "signed by an unknown authority"
	case errors.As(err, &name):
		return "issued for other names than " + host
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return "expired or not yet valid"
	}
	return textutil.LibraryText(err)
}

// isAlert reports a TLS alert from the peer: a refusal, not a glitch.
func isAlert(err error) bool {
	var a tls.AlertError
	return errors.As(err, &a) || strings.Contains(err.Error(), "tls: ")
}
