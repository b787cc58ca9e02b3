package smtpprobe

import (
	"crypto/tls"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/relayctl/relayctl/checks"
)

// Check judges one probe: its result is named p.Name(), holds p as Data
// and carries the findings of docs/smtp.md. A probe that could not reach
// a verdict (no connection, a stall, a temporary refusal, a cancelled
// run) has status error.
func Check(p *Probe, opt Options) checks.Result {
	res := checks.Result{Name: p.Name(), Data: p, DurationMS: int64(p.Timings.Total)}
	judgeFailure(p, &res)
	judgeClear(p, &res)
	judgeTLS(p, opt, &res)
	judgeRelay(p, &res)
	res.Summary = summary(p)
	// The worst first, so that a table's first line says the most.
	slices.SortStableFunc(res.Findings, func(a, b checks.Finding) int { return rank(b.Severity) - rank(a.Severity) })
	res.Settle()
	return res
}

func rank(s checks.Severity) int {
	switch s {
	case checks.SeverityFail:
		return 2
	case checks.SeverityWarn:
		return 1
	}
	return 0
}

func judgeFailure(p *Probe, res *checks.Result) {
	if p.ImplicitTLS {
		// What was seen, not a guess: TLS records, or a TLS handshake
		// that succeeded where no banner came.
		res.Add(finding(CodeImplicitTLS, checks.SeverityWarn, "RFC 8314 §3.3",
			"Probe it with --implicit-tls (port 465 always uses it); senders that expect a banner in clear on this port will not get one.",
			"port %d speaks TLS from the first byte (implicit TLS), not SMTP in clear", p.Port))
	}
	stage := p.FailedStage
	switch p.Failure {
	case "":
		return
	case FailureCanceled:
		fail(res, p.err)
	case FailureUnreachable:
		if p.Defaulted && p.Port != 25 {
			res.Status = checks.StatusInfo
			res.Add(finding(CodePortClosed, checks.SeverityInfo, "",
				fmt.Sprintf("Nothing to do if this host does not offer port %d; otherwise open it in the firewall and check that the server listens on it.", p.Port),
				"nothing answers on port %d (%s); fine if this host does not offer it", p.Port, connectCause(p.err)))
			return
		}
		fail(res, p.err)
		res.Add(finding(CodeUnreachable, checks.SeverityWarn, "",
			"Check that the server runs and listens on this address and port, and that no firewall on the way drops the connection.",
			"cannot connect to %s: %s", addrPort(p), connectCause(p.err)))
	case FailureTimeout:
		fail(res, p.err)
		res.Add(finding(CodeTimeout, checks.SeverityWarn, "RFC 5321 §4.5.3.2",
			"Look at the server's load and logs: a server that stops answering makes senders retry later and delays mail.",
			"the server stopped answering during %s: %s", stageWords(stage), cause(p.err)))
	case FailureProtocol:
		hint := "The server does not speak SMTP as RFC 5321 defines it here; check that this port runs a mail server and look at its logs."
		if errors.Is(p.err, ErrInjection) {
			hint = "Upgrade the mail server: it sends data between its STARTTLS reply and the TLS handshake, which an attacker can use to inject commands."
		}
		res.Add(finding(CodeProtocolError, checks.SeverityFail, "RFC 5321 §4.2",
			hint, "protocol error during %s: %s", stageWords(stage), cause(p.err)))
	case FailureBanner:
		b := p.Banner
		sev, ref := checks.SeverityFail, "RFC 5321 §3.1"
		if b.Class() == 4 {
			sev = checks.SeverityWarn
			fail(res, p.err)
		}
		res.Add(finding(CodeBannerError, sev, ref,
			"A greeting other than 220 turns every sender away; 421 is temporary (overload, maintenance), 554 a refusal of this client or of all mail. Check the server's connection limits and client restrictions.",
			"the server greeted with %s instead of 220", b))
	case FailureEHLO:
		sev := checks.SeverityFail
		if p.EHLOReply != nil && p.EHLOReply.Class() == 4 {
			sev = checks.SeverityWarn
			fail(res, p.err)
		}
		res.Add(finding(CodeEHLORefused, sev, "RFC 5321 §4.1.1.1",
			"Make the server accept EHLO: without it no extension — STARTTLS included — can be used.",
			"EHLO %s was refused: %s", stageSuffix(stage), p.EHLOReply))
	case FailureTLS:
		res.Add(finding(CodeTLSFailed, checks.SeverityFail, "RFC 3207 §4.1",
			"Check the server's TLS configuration: certificate and key files readable, protocol versions and ciphers that current clients share (TLS 1.2 or 1.3).",
			"%s", cause(p.err)))
	}
}

// judgeClear judges the plain-text part of a STARTTLS probe.
func judgeClear(p *Probe, res *checks.Result) {
	if p.EHLO != nil && !p.EHLO.StartTLS {
		res.Add(finding(CodeNoStartTLS, checks.SeverityFail, "RFC 3207 §4",
			"Configure a certificate and enable STARTTLS (Postfix: smtpd_tls_security_level = may on port 25, encrypt on 587).",
			"the server does not offer STARTTLS: mail to and from it travels in clear text"))
	}
	if a := p.AuthBeforeTLS; a != nil && a.Exposed {
		res.Add(finding(CodeAuthBeforeTLS, checks.SeverityFail, "RFC 4954 §4, RFC 8314 §3",
			"Offer AUTH only after STARTTLS (Postfix: smtpd_tls_auth_only = yes), or only on port 465.",
			"the server takes AUTH %s before TLS (it answered %s): passwords can travel in clear text", a.Mechanism, a.Reply))
	}
	st := p.StartTLS
	if st == nil || st.Required == nil {
		return
	}
	if *st.Required && p.Port == 25 {
		res.Add(finding(CodeStartTLSRequired, checks.SeverityWarn, "RFC 3207 §4",
			"A publicly referenced MX must accept mail without TLS; require TLS on the submission ports instead, or per sender with MTA-STS or DANE.",
			"the server refuses MAIL before STARTTLS (%s): senders without TLS cannot deliver", st.MailBeforeTLS))
	}
	if !*st.Required && p.Port != 25 {
		res.Add(finding(CodeStartTLSNotRequired, checks.SeverityInfo, "RFC 8314 §3.3",
			"On a submission port, refuse MAIL until STARTTLS (Postfix: -o smtpd_tls_security_level=encrypt).",
			"the server accepts MAIL before STARTTLS on port %d", p.Port))
	}
}

func judgeTLS(p *Probe, opt Options, res *checks.Result) {
	t := p.TLS
	if t == nil {
		return
	}
	if p.ConnectionState != nil && p.ConnectionState.Version < tls.VersionTLS12 {
		res.Add(finding(CodeTLSOldVersion, checks.SeverityFail, "RFC 8996, RFC 8314 §4.1",
			"Enable TLS 1.2 and 1.3 and turn off TLS 1.0 and 1.1 (Postfix: smtpd_tls_protocols = >=TLSv1.2).",
			"the server negotiated %s, which is deprecated", t.Version))
	}
	if p.ConnectionState != nil && weakSuite(p.ConnectionState.CipherSuite) {
		res.Add(finding(CodeTLSWeakCipher, checks.SeverityWarn, "RFC 9325 §4.2",
			"Prefer ECDHE key exchange with AES-GCM or ChaCha20-Poly1305; drop RC4, 3DES and plain-RSA suites.",
			"the server chose the weak cipher suite %s", t.CipherSuite))
	}
	c := t.Certificate
	if c == nil {
		return
	}
	renew := "Renew the certificate and reload the mail server; automate renewal (ACME) so this cannot recur."
	switch {
	case c.Expired:
		res.Add(finding(CodeCertExpired, checks.SeverityFail, "RFC 5280 §4.1.2.5", renew,
			"the certificate expired on %s (%d days ago)", c.NotAfter.Format("2006-01-02"), -c.DaysLeft))
	case c.NotYetValid:
		res.Add(finding(CodeCertNotYetValid, checks.SeverityFail, "RFC 5280 §4.1.2.5",
			"Check the clock of the machine that issued the certificate, or install the certificate once it is valid.",
			"the certificate is not valid before %s", c.NotBefore.Format(timeFormat)))
	case c.DaysLeft < ExpiringDays:
		res.Add(finding(CodeCertExpiring, checks.SeverityWarn, "RFC 5280 §4.1.2.5", renew,
			"the certificate expires on %s, in %d days", c.NotAfter.Format("2006-01-02"), c.DaysLeft))
	}
	if !opt.SkipVerify && !t.Trusted {
		res.Add(finding(CodeCertUntrusted, strictness(p.Port), "RFC 5280 §6, RFC 8461 §4.2",
			"Use a certificate from a public CA (Let's Encrypt is free) and send the full chain, leaf first. For a private CA pass --ca FILE; to skip this judgement pass --tls-skip-verify.",
			"the certificate is not trusted: %s", t.TrustError))
	}
	if !opt.SkipVerify && !t.NameMatch {
		res.Add(finding(CodeCertNameMismatch, strictness(p.Port), "RFC 6125 §6, RFC 7672 §3.2.3",
			fmt.Sprintf("Get a certificate that lists %s among its subject alternative names (an MX host must be covered for MTA-STS and DANE-TA).", p.Host),
			"%s", t.NameError))
	}
	if c.KeyType == "RSA" && c.KeyBits < 2048 {
		res.Add(finding(CodeCertWeakKey, checks.SeverityWarn, "RFC 9325 §4.3",
			"Issue the certificate for an RSA key of 2048 bits or more, or an ECDSA P-256 key.",
			"the certificate's RSA key has only %d bits", c.KeyBits))
	}
	if !t.ChainInOrder {
		res.Add(finding(CodeCertChainOrder, checks.SeverityInfo, "RFC 8446 §4.4.2",
			"Send the leaf certificate first, then each intermediate in order, and nothing unrelated.",
			"the certificates are not sent in chain order"))
	}
}

func judgeRelay(p *Probe, res *checks.Result) {
	rt := p.RelayTest
	if rt == nil {
		return
	}
	switch rt.Result {
	case RelayAccepted:
		res.Add(finding(CodeOpenRelay, checks.SeverityFail, "RFC 5321 §7.1, RFC 2505 §2",
			"Accept RCPT for foreign domains only from authenticated or listed clients (Postfix: smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination).",
			"open relay: an unauthenticated client was allowed to send from %s to %s (%s)", rt.From, rt.To, rt.Rcpt))
	case RelayInconclusive:
		res.Add(finding(CodeRelayInconclusive, checks.SeverityInfo, "",
			"Nothing to do; the server refused the test's sender, so it was not asked to relay.",
			"relay test inconclusive: MAIL FROM:<%s> was refused (%s)", rt.From, rt.Mail))
	}
}

// weakSuite reports suites Go lists as insecure (RC4, 3DES, CBC-SHA256)
// and the legacy RSA key exchange suites, which lack forward secrecy.
func weakSuite(id uint16) bool {
	for _, cs := range tls.InsecureCipherSuites() {
		if cs.ID == id {
			return true
		}
	}
	return strings.HasPrefix(tls.CipherSuiteName(id), "TLS_RSA_")
}

const timeFormat = "2006-01-02 15:04 MST"

func addrPort(p *Probe) string {
	return strings.TrimPrefix(p.Name(), "smtp ")
}

// cause is an error's message for a person.
func cause(err error) string {
	if err == nil {
		return "unknown error"
	}
	return checks.Message(err)
}

// connectCause is why a connection failed, without "cannot connect".
func connectCause(err error) string {
	var e *checks.Error
	if errors.As(err, &e) && e.Kind == ErrUnreachable && e.Err != nil {
		return cause(e.Err)
	}
	return cause(err)
}

// fail gives res status error with err's message for a person.
func fail(res *checks.Result, err error) {
	res.Fail(err)
	if err != nil {
		res.Error = checks.Message(err)
	}
}

func stageWords(stage string) string {
	switch stage {
	case StageBanner:
		return "the greeting"
	case StageEHLO:
		return "EHLO"
	case StageEHLOTLS:
		return "EHLO under TLS"
	case StageAuth:
		return "the AUTH test"
	case StageMail:
		return "the MAIL-before-STARTTLS test"
	case StageStartTLS:
		return "STARTTLS"
	case StageHandshake:
		return "the TLS handshake"
	case StageRelayTest:
		return "the relay test"
	}
	return stage
}

func stageSuffix(stage string) string {
	if stage == StageEHLOTLS {
		return "under TLS"
	}
	return "in plain text"
}

// summary is the one line a person reads first.
func summary(p *Probe) string {
	var parts []string
	if p.Banner != nil {
		parts = append(parts, oneLine(p.Banner.String(), 60))
	}
	switch p.Failure {
	case FailureUnreachable:
		return "cannot connect: " + connectCause(p.err)
	case FailureCanceled:
		return "cancelled"
	case "":
	default:
		parts = append(parts, "stopped at "+p.FailedStage+": "+oneLine(cause(p.err), 80))
		return strings.Join(parts, "; ")
	}
	if p.Mode == ModeSTARTTLS && p.EHLO != nil && !p.EHLO.StartTLS {
		parts = append(parts, "no STARTTLS")
	}
	if t := p.TLS; t != nil {
		mode := "STARTTLS"
		if p.Mode == ModeImplicit {
			mode = "implicit TLS"
		}
		parts = append(parts, fmt.Sprintf("%s %s %s %s", mode, t.Version, t.CipherSuite, t.KeyExchange))
		if c := t.Certificate; c != nil {
			name := c.Subject
			if len(c.SANs) > 0 {
				name = c.SANs[0]
			}
			trust := "trusted"
			if !t.Trusted {
				trust = "untrusted"
			}
			parts = append(parts, fmt.Sprintf("cert %s, %s, %d days left", name, trust, c.DaysLeft))
		}
	}
	if a := p.AuthBeforeTLS; a != nil && a.Exposed {
		parts = append(parts, "AUTH in clear")
	}
	if rt := p.RelayTest; rt != nil {
		parts = append(parts, "relay test "+rt.Result)
	}
	return strings.Join(parts, "; ")
}

func oneLine(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " / ")
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "…"
	}
	return s
}
