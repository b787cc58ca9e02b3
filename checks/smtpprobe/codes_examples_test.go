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

// codeExample is one code's Example as the test reads it: the text and
// its backquoted pieces (replies, commands, names).
type codeExample struct {
	t      *testing.T
	text   string
	pieces []string
}

// piece is the i-th backquoted piece; the test fails when there is none.
func (e codeExample) piece(i int) string {
	e.t.Helper()
	if i >= len(e.pieces) {
		e.t.Fatalf("example %q has %d backquoted pieces, the test reads piece %d", e.text, len(e.pieces), i+1)
	}
	return e.pieces[i]
}

// days is the number of days the example names ("3 days").
func (e codeExample) days() int {
	e.t.Helper()
	m := regexp.MustCompile(`(\d+) days`).FindStringSubmatch(e.text)
	if m == nil {
		e.t.Fatalf("example %q names no number of days", e.text)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

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
var smtpExamples = map[string]func(e codeExample) []checks.Result{
	"smtp.unreachable": func(e codeExample) []checks.Result {
		closed := closedAddr(e.t)
		_, res := probeAt(e.t, closed, "mx.example.com", 25, opts(e.t, nil))
		if !strings.Contains(res.Error, e.piece(0)) {
			e.t.Errorf("error %q does not say %q", res.Error, e.piece(0))
		}
		return []checks.Result{res}
	},
	"smtp.port-closed": func(e codeExample) []checks.Result {
		p, _ := probeAt(e.t, closedAddr(e.t), "mx.example.com", 587, opts(e.t, nil))
		p.Defaulted = true // 587 came from the default list, not the user
		return []checks.Result{Check(p, opts(e.t, nil))}
	},
	"smtp.timeout": func(e codeExample) []checks.Result {
		o := opts(e.t, nil)
		o.Timeout = exampleTimeout
		return []checks.Result{dialogue(e.t, 25, o, "!sleep")}
	},
	"smtp.protocol-error": func(e codeExample) []checks.Result {
		o := opts(e.t, nil)
		o.Timeout = exampleTimeout
		return []checks.Result{dialogue(e.t, 25, o, e.piece(0), "!sleep")}
	},
	"smtp.banner-error": func(e codeExample) []checks.Result {
		return []checks.Result{dialogue(e.t, 25, opts(e.t, nil), e.piece(0))}
	},
	"smtp.ehlo-refused": func(e codeExample) []checks.Result {
		return []checks.Result{dialogue(e.t, 25, opts(e.t, nil), "220 mx.example.com ESMTP", "<"+e.piece(1), e.piece(0))}
	},
	"smtp.no-starttls": func(e codeExample) []checks.Result {
		// The pieces are the EHLO reply's lines; the last names what is
		// missing.
		steps := append([]string{"220 mx.example.com ESMTP", "<EHLO"}, e.pieces[:len(e.pieces)-1]...)
		return []checks.Result{dialogue(e.t, 25, opts(e.t, nil), steps...)}
	},
	"smtp.tls-failed": func(e codeExample) []checks.Result {
		return []checks.Result{dialogue(e.t, 25, opts(e.t, nil), "220 mx.example.com ESMTP", "<EHLO", "250-mx.example.com", "250 STARTTLS",
			"<MAIL", "250 2.1.0 Ok", "<RSET", "250 2.0.0 Ok", "<"+e.piece(1), e.piece(0))}
	},
	"smtp.tls-old-version": func(e codeExample) []checks.Result {
		cfg := issue(e.t, tlstest.LeafOptions{})
		v := map[string]uint16{"TLS1.0": tls.VersionTLS10, "TLS1.1": tls.VersionTLS11}[e.piece(0)]
		if v == 0 {
			e.t.Fatalf("no TLS version %q", e.piece(0))
		}
		cfg.MinVersion, cfg.MaxVersion = tls.VersionTLS10, v
		_, res := tlsServer(e.t, smtptest.Config{TLS: cfg}, "localhost", 25, opts(e.t, nil))
		return []checks.Result{res}
	},
	"smtp.tls-weak-cipher": func(e codeExample) []checks.Result {
		cfg := issue(e.t, tlstest.LeafOptions{RSABits: 2048})
		cfg.MaxVersion = tls.VersionTLS12
		for _, cs := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
			if cs.Name == e.piece(0) {
				cfg.CipherSuites = []uint16{cs.ID}
			}
		}
		if cfg.CipherSuites == nil {
			e.t.Fatalf("no cipher suite %q", e.piece(0))
		}
		_, res := tlsServer(e.t, smtptest.Config{TLS: cfg}, "localhost", 25, opts(e.t, nil))
		return []checks.Result{res}
	},
	"smtp.cert-expired": func(e codeExample) []checks.Result {
		now := time.Now()
		return []checks.Result{withCert(e.t, tlstest.LeafOptions{NotBefore: now.AddDate(0, 0, -90), NotAfter: now.AddDate(0, 0, -e.days())}, 25)}
	},
	"smtp.cert-not-yet-valid": func(e codeExample) []checks.Result {
		now := time.Now()
		return []checks.Result{withCert(e.t, tlstest.LeafOptions{NotBefore: now.AddDate(0, 0, e.days()), NotAfter: now.AddDate(0, 0, 90)}, 25)}
	},
	"smtp.cert-expiring": func(e codeExample) []checks.Result {
		return []checks.Result{withCert(e.t, tlstest.LeafOptions{NotAfter: time.Now().AddDate(0, 0, e.days()).Add(time.Hour)}, 25)}
	},
	"smtp.cert-untrusted": func(e codeExample) []checks.Result {
		return []checks.Result{withCert(e.t, tlstest.LeafOptions{Names: []string{"localhost"}, SelfSigned: true}, 25)}
	},
	"smtp.cert-name-mismatch": func(e codeExample) []checks.Result {
		_, res := tlsServer(e.t, smtptest.Config{TLS: issue(e.t, tlstest.LeafOptions{Names: []string{e.piece(1)}})}, e.piece(0), 25, opts(e.t, nil))
		return []checks.Result{res}
	},
	"smtp.cert-weak-key": func(e codeExample) []checks.Result {
		bits, err := strconv.Atoi(e.piece(0))
		if err != nil {
			e.t.Fatal(err)
		}
		return []checks.Result{withCert(e.t, tlstest.LeafOptions{RSABits: bits}, 25)}
	},
	"smtp.cert-chain-order": func(e codeExample) []checks.Result {
		root := mint(e.t, "example root", nil, true)
		inter := mint(e.t, "example intermediate", root, true)
		leaf := mint(e.t, "localhost", inter, false)
		// The order the example says the file holds them in.
		byName := map[string]*pkiCert{"leaf": leaf, "root": root, "intermediate": inter}
		var ders [][]byte
		for _, w := range regexp.MustCompile(`leaf|root|intermediate`).FindAllString(e.text, -1) {
			ders = append(ders, byName[w].cert.Raw)
		}
		cert := tls.Certificate{Certificate: ders, PrivateKey: leaf.key, Leaf: leaf.cert}
		o := opts(e.t, nil)
		o.Roots = x509.NewCertPool()
		o.Roots.AddCert(root.cert)
		_, res := tlsServer(e.t, smtptest.Config{TLS: tlstest.TLSConfig(cert)}, "localhost", 25, o)
		return []checks.Result{res}
	},
	"smtp.auth-before-tls": func(e codeExample) []checks.Result {
		mech := strings.TrimPrefix(e.piece(0), "AUTH ")
		p, res := tlsServer(e.t, smtptest.Config{TLS: issue(e.t, tlstest.LeafOptions{}), Users: plainUser, Mechs: []string{mech}, InsecureAuth: true}, "localhost", 587, opts(e.t, nil))
		if a := p.AuthBeforeTLS; a == nil || a.Mechanism != mech || a.Reply.Code != 334 || strings.Join(a.Reply.Lines, " ") != strings.TrimPrefix(e.piece(1), "334 ") {
			e.t.Errorf("auth test %+v, want %q answered %q", a, e.piece(0), e.piece(1))
		}
		return []checks.Result{res}
	},
	"smtp.starttls-required": func(e codeExample) []checks.Result {
		p, res := tlsServer(e.t, smtptest.Config{TLS: issue(e.t, tlstest.LeafOptions{}), RequireTLS: true}, "localhost", 25, opts(e.t, nil))
		if got := replyLine(p.StartTLS.MailBeforeTLS.Code, p.StartTLS.MailBeforeTLS.Lines); got != e.piece(0) {
			e.t.Errorf("MAIL before TLS got %q, the example says %q", got, e.piece(0))
		}
		return []checks.Result{res}
	},
	"smtp.starttls-not-required": func(e codeExample) []checks.Result {
		p, res := tlsServer(e.t, smtptest.Config{TLS: issue(e.t, tlstest.LeafOptions{})}, "localhost", 587, opts(e.t, nil))
		if p.StartTLS.MailBeforeTLS.Class() != 2 || !strings.HasPrefix(e.piece(0), "250 ") {
			e.t.Errorf("MAIL before TLS got %+v; the example says %q", p.StartTLS.MailBeforeTLS, e.piece(0))
		}
		return []checks.Result{res}
	},
	"smtp.open-relay": func(e codeExample) []checks.Result {
		o := opts(e.t, nil)
		o.RelayTest = true
		return []checks.Result{dialogue(e.t, 25, o, "220 mx.example.com ESMTP", "<EHLO", "250 mx.example.com",
			"<MAIL", "250 2.1.0 Ok", "<RCPT", e.piece(0), "<RSET", "250 2.0.0 Ok")}
	},
	"smtp.relay-test-inconclusive": func(e codeExample) []checks.Result {
		o := opts(e.t, nil)
		o.RelayTest = true
		return []checks.Result{dialogue(e.t, 25, o, "220 mx.example.com ESMTP", "<EHLO", "250 mx.example.com", "<"+e.piece(1), e.piece(0))}
	},
	"smtp.host-unresolvable": func(e codeExample) []checks.Result {
		return CheckTarget(context.Background(), newFake(e.t), Target{Host: e.piece(0)}, opts(e.t, nil)).Checks
	},
	"smtp.host-lookup-failed": func(e codeExample) []checks.Result {
		srv := server(e.t, smtptest.Config{TLS: issue(e.t, tlstest.LeafOptions{Names: []string{"mx.example.com"}})})
		r := newFake(e.t, "mx.example.com. 300 IN A 127.0.0.1")
		qtype := dns.StringToType[e.piece(0)]
		r.errs["mx.example.com. "+e.piece(0)] = &dnsx.QueryError{Name: "mx.example.com.", Type: qtype, Err: dnsx.ErrTimeout}
		return CheckTarget(context.Background(), r, Target{Host: "mx.example.com", Port: 25}, opts(e.t, map[int]string{25: srv.Addr})).Checks
	},
	"smtp.implicit-tls": func(e codeExample) []checks.Result {
		o := opts(e.t, nil)
		o.Timeout = time.Second // the second connection's handshake must fit in it
		port, err := strconv.Atoi(regexp.MustCompile(`port (\d+)`).FindStringSubmatch(e.text)[1])
		if err != nil {
			e.t.Fatal(err)
		}
		_, res := tlsServer(e.t, smtptest.Config{TLS: ca(e.t).ServerConfig(e.t, "localhost"), Implicit: true}, "localhost", port, o)
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
		results := build(codeExample{t: t, text: cd.Example, pieces: codetest.Backquoted(cd.Example)})
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
