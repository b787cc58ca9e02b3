package smtpprobe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/internal/codetest"
	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
	"github.com/relayctl/relayctl/checks/tlsx/tlstest"
)

// exampleTimeout bounds each step of the examples' probes: the ones
// that time out do so on purpose.
const exampleTimeout = 300 * time.Millisecond

// dialogue probes, as port 25 of mx.example.com, a raw server that greets
// and answers EHLO with the given lines, then answers each later command
// in turn: the example's replies said on the wire as they are.
func dialogue(t *testing.T, port int, o Options, steps ...string) checks.Result {
	t.Helper()
	r := raw(t, script(steps...))
	_, res := probeAt(t, r.Addr, "mx.example.com", port, o)
	return res
}

// tlsServer probes an smtptest server with cfg on port as host.
func tlsServer(t *testing.T, cfg smtptest.Config, host string, port int, o Options) (*Probe, checks.Result) {
	t.Helper()
	return probeAt(t, server(t, cfg).Addr, host, port, o)
}

// withCert is a STARTTLS server (implicit TLS on 465) with a certificate
// made as leaf says, probed as localhost.
func withCert(t *testing.T, leaf tlstest.LeafOptions, port int) checks.Result {
	t.Helper()
	_, res := tlsServer(t, smtptest.Config{TLS: issue(t, leaf), Implicit: port == 465}, "localhost", port, opts(t, nil))
	return res
}

// smtpExamples build each code's Example into the server (or the DNS
// answers) it describes and probe it; a builder returns every result of
// the probe.
var smtpExamples = map[string]func(e codetest.Example) []checks.Result{
	"smtp.unreachable": func(e codetest.Example) []checks.Result {
		closed := closedAddr(e.T)
		_, res := probeAt(e.T, closed, "mx.example.com", 25, opts(e.T, nil))
		if !strings.Contains(res.Error, e.Piece(0)) {
			e.T.Errorf("error %q does not say %q", res.Error, e.Piece(0))
		}
		return []checks.Result{res}
	},
	"smtp.port-closed": func(e codetest.Example) []checks.Result {
		p, _ := probeAt(e.T, closedAddr(e.T), "mx.example.com", 587, opts(e.T, nil))
		p.Defaulted = true // 587 came from the default list, not the user
		return []checks.Result{Check(p, opts(e.T, nil))}
	},
	"smtp.timeout": func(e codetest.Example) []checks.Result {
		o := opts(e.T, nil)
		o.Timeout = exampleTimeout
		return []checks.Result{dialogue(e.T, 25, o, "!sleep")}
	},
	"smtp.protocol-error": func(e codetest.Example) []checks.Result {
		o := opts(e.T, nil)
		o.Timeout = exampleTimeout
		return []checks.Result{dialogue(e.T, 25, o, e.Piece(0), "!sleep")}
	},
	"smtp.banner-error": func(e codetest.Example) []checks.Result {
		return []checks.Result{dialogue(e.T, 25, opts(e.T, nil), e.Piece(0))}
	},
	"smtp.ehlo-refused": func(e codetest.Example) []checks.Result {
		return []checks.Result{dialogue(e.T, 25, opts(e.T, nil), "220 mx.example.com ESMTP", "<"+e.Piece(1), e.Piece(0))}
	},
	"smtp.no-starttls": func(e codetest.Example) []checks.Result {
		// The pieces are the EHLO reply's lines; the last names what is
		// missing.
		steps := append([]string{"220 mx.example.com ESMTP", "<EHLO"}, e.Pieces[:len(e.Pieces)-1]...)
		return []checks.Result{dialogue(e.T, 25, opts(e.T, nil), steps...)}
	},
	"smtp.tls-failed": func(e codetest.Example) []checks.Result {
		return []checks.Result{dialogue(e.T, 25, opts(e.T, nil), "220 mx.example.com ESMTP", "<EHLO", "250-mx.example.com", "250 STARTTLS",
			"<MAIL", "250 2.1.0 Ok", "<RSET", "250 2.0.0 Ok", "<"+e.Piece(1), e.Piece(0))}
	},
	"smtp.tls-old-version": func(e codetest.Example) []checks.Result {
		cfg := issue(e.T, tlstest.LeafOptions{})
		v := map[string]uint16{"TLS1.0": tls.VersionTLS10, "TLS1.1": tls.VersionTLS11}[e.Piece(0)]
		if v == 0 {
			e.T.Fatalf("no TLS version %q", e.Piece(0))
		}
		cfg.MinVersion, cfg.MaxVersion = tls.VersionTLS10, v
		_, res := tlsServer(e.T, smtptest.Config{TLS: cfg}, "localhost", 25, opts(e.T, nil))
		return []checks.Result{res}
	},
	"smtp.tls-weak-cipher": func(e codetest.Example) []checks.Result {
		cfg := issue(e.T, tlstest.LeafOptions{RSABits: 2048})
		cfg.MaxVersion = tls.VersionTLS12
		for _, cs := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
			if cs.Name == e.Piece(0) {
				cfg.CipherSuites = []uint16{cs.ID}
			}
		}
		if cfg.CipherSuites == nil {
			e.T.Fatalf("no cipher suite %q", e.Piece(0))
		}
		_, res := tlsServer(e.T, smtptest.Config{TLS: cfg}, "localhost", 25, opts(e.T, nil))
		return []checks.Result{res}
	},
	"smtp.cert-expired": func(e codetest.Example) []checks.Result {
		now := time.Now()
		return []checks.Result{withCert(e.T, tlstest.LeafOptions{NotBefore: now.AddDate(0, 0, -90), NotAfter: now.AddDate(0, 0, -e.Number(" days"))}, 25)}
	},
	"smtp.cert-not-yet-valid": func(e codetest.Example) []checks.Result {
		now := time.Now()
		return []checks.Result{withCert(e.T, tlstest.LeafOptions{NotBefore: now.AddDate(0, 0, e.Number(" days")), NotAfter: now.AddDate(0, 0, 90)}, 25)}
	},
	"smtp.cert-expiring": func(e codetest.Example) []checks.Result {
		return []checks.Result{withCert(e.T, tlstest.LeafOptions{NotAfter: time.Now().AddDate(0, 0, e.Number(" days")).Add(time.Hour)}, 25)}
	},
	"smtp.cert-untrusted": func(e codetest.Example) []checks.Result {
		return []checks.Result{withCert(e.T, tlstest.LeafOptions{Names: []string{"localhost"}, SelfSigned: true}, 25)}
	},
	"smtp.cert-name-mismatch": func(e codetest.Example) []checks.Result {
		_, res := tlsServer(e.T, smtptest.Config{TLS: issue(e.T, tlstest.LeafOptions{Names: []string{e.Piece(1)}})}, e.Piece(0), 25, opts(e.T, nil))
		return []checks.Result{res}
	},
	"smtp.cert-weak-key": func(e codetest.Example) []checks.Result {
		bits, err := strconv.Atoi(e.Piece(0))
		if err != nil {
			e.T.Fatal(err)
		}
		return []checks.Result{withCert(e.T, tlstest.LeafOptions{RSABits: bits}, 25)}
	},
	"smtp.cert-chain-order": func(e codetest.Example) []checks.Result {
		root := mint(e.T, "example root", nil, true)
		inter := mint(e.T, "example intermediate", root, true)
		leaf := mint(e.T, "localhost", inter, false)
		// The order the example says the file holds them in.
		byName := map[string]*pkiCert{"leaf": leaf, "root": root, "intermediate": inter}
		var ders [][]byte
		for _, w := range regexp.MustCompile(`leaf|root|intermediate`).FindAllString(e.Text, -1) {
			ders = append(ders, byName[w].cert.Raw)
		}
		cert := tls.Certificate{Certificate: ders, PrivateKey: leaf.key, Leaf: leaf.cert}
		o := opts(e.T, nil)
		o.Roots = x509.NewCertPool()
		o.Roots.AddCert(root.cert)
		_, res := tlsServer(e.T, smtptest.Config{TLS: tlstest.TLSConfig(cert)}, "localhost", 25, o)
		return []checks.Result{res}
	},
	"smtp.auth-before-tls": func(e codetest.Example) []checks.Result {
		mech := strings.TrimPrefix(e.Piece(0), "AUTH ")
		p, res := tlsServer(e.T, smtptest.Config{TLS: issue(e.T, tlstest.LeafOptions{}), Users: plainUser, Mechs: []string{mech}, InsecureAuth: true}, "localhost", 587, opts(e.T, nil))
		if a := p.AuthBeforeTLS; a == nil || a.Mechanism != mech || a.Reply.Code != 334 || strings.Join(a.Reply.Lines, " ") != strings.TrimPrefix(e.Piece(1), "334 ") {
			e.T.Errorf("auth test %+v, want %q answered %q", a, e.Piece(0), e.Piece(1))
		}
		return []checks.Result{res}
	},
	"smtp.starttls-required": func(e codetest.Example) []checks.Result {
		p, res := tlsServer(e.T, smtptest.Config{TLS: issue(e.T, tlstest.LeafOptions{}), RequireTLS: true}, "localhost", 25, opts(e.T, nil))
		if got := replyLine(p.StartTLS.MailBeforeTLS.Code, p.StartTLS.MailBeforeTLS.Lines); got != e.Piece(0) {
			e.T.Errorf("MAIL before TLS got %q, the example says %q", got, e.Piece(0))
		}
		return []checks.Result{res}
	},
	"smtp.starttls-not-required": func(e codetest.Example) []checks.Result {
		p, res := tlsServer(e.T, smtptest.Config{TLS: issue(e.T, tlstest.LeafOptions{})}, "localhost", 587, opts(e.T, nil))
		if p.StartTLS.MailBeforeTLS.Class() != 2 || !strings.HasPrefix(e.Piece(0), "250 ") {
			e.T.Errorf("MAIL before TLS got %+v; the example says %q", p.StartTLS.MailBeforeTLS, e.Piece(0))
		}
		return []checks.Result{res}
	},
	"smtp.open-relay": func(e codetest.Example) []checks.Result {
		o := opts(e.T, nil)
		o.RelayTest = true
		return []checks.Result{dialogue(e.T, 25, o, "220 mx.example.com ESMTP", "<EHLO", "250 mx.example.com",
			"<MAIL", "250 2.1.0 Ok", "<RCPT", e.Piece(0), "<RSET", "250 2.0.0 Ok")}
	},
	"smtp.relay-test-inconclusive": func(e codetest.Example) []checks.Result {
		o := opts(e.T, nil)
		o.RelayTest = true
		return []checks.Result{dialogue(e.T, 25, o, "220 mx.example.com ESMTP", "<EHLO", "250 mx.example.com", "<"+e.Piece(1), e.Piece(0))}
	},
	"smtp.host-unresolvable": func(e codetest.Example) []checks.Result {
		return CheckTarget(context.Background(), newFake(e.T), Target{Host: e.Piece(0)}, opts(e.T, nil)).Checks
	},
	"smtp.host-lookup-failed": func(e codetest.Example) []checks.Result {
		srv := server(e.T, smtptest.Config{TLS: issue(e.T, tlstest.LeafOptions{Names: []string{"mx.example.com"}})})
		r := newFake(e.T, "mx.example.com. 300 IN A 127.0.0.1")
		qtype := dns.StringToType[e.Piece(0)]
		r.errs["mx.example.com. "+e.Piece(0)] = &dnsx.QueryError{Name: "mx.example.com.", Type: qtype, Err: dnsx.ErrTimeout}
		return CheckTarget(context.Background(), r, Target{Host: "mx.example.com", Port: 25}, opts(e.T, map[int]string{25: srv.Addr})).Checks
	},
	"smtp.implicit-tls": func(e codetest.Example) []checks.Result {
		o := opts(e.T, nil)
		o.Timeout = time.Second // the second connection's handshake must fit in it
		port, err := strconv.Atoi(regexp.MustCompile(`port (\d+)`).FindStringSubmatch(e.Text)[1])
		if err != nil {
			e.T.Fatal(err)
		}
		_, res := tlsServer(e.T, smtptest.Config{TLS: ca(e.T).ServerConfig(e.T, "localhost"), Implicit: true}, "localhost", port, o)
		return []checks.Result{res}
	},
}

// replyLine is a reply as one line: "530 5.7.0 text" (the enhanced
// code is part of the text lines).
func replyLine(code int, lines []string) string {
	return strconv.Itoa(code) + " " + strings.Join(lines, " ")
}

// closedAddr is a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// smtpSituations are the codes whose Example the test cannot build, each
// with why. None today: every example is a server the smtptest package
// or a raw loopback script plays, or DNS answers of the in-memory fake.
var smtpSituations = map[string]string{}

// Every code's Example, played by a loopback server as it says, yields
// that code.
func TestCodeExamples(t *testing.T) {
	codetest.Examples(t, Codes(), smtpSituations, func(t *testing.T, cd checks.CodeDoc) {
		build, ok := smtpExamples[cd.Code]
		if !ok {
			t.Fatalf("%s: its example %q is neither built by the test nor listed as a situation", cd.Code, cd.Example)
		}
		results := build(codetest.NewExample(t, cd))
		found := slices.ContainsFunc(results, func(r checks.Result) bool { return findingOf(r, cd.Code) != nil })
		if !found {
			var got [][]string
			for _, r := range results {
				got = append(got, codes(r))
			}
			t.Errorf("example %q: no %s; findings %v", cd.Example, cd.Code, got)
		}
	})
	for code := range smtpExamples {
		if why, listed := smtpSituations[code]; listed {
			t.Errorf("%s is built and also listed as a situation (%s)", code, why)
		}
		if !slices.ContainsFunc(Codes(), func(cd checks.CodeDoc) bool { return cd.Code == code }) {
			t.Errorf("builder for %s, which is not a code", code)
		}
	}
}
