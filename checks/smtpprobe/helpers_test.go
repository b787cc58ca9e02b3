package smtpprobe

import (
	"context"
	"crypto/tls"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
	"github.com/relayctl/relayctl/checks/tlsx/tlstest"
)

var loopback = netip.MustParseAddr("127.0.0.1")

var (
	caOnce sync.Once
	testCA *tlstest.CA
)

// ca is the test CA, made once per test binary.
func ca(t testing.TB) *tlstest.CA {
	t.Helper()
	caOnce.Do(func() {
		var err error
		testCA, err = tlstest.New("relayctl test CA")
		if err != nil {
			panic(err)
		}
	})
	return testCA
}

func issue(t testing.TB, o tlstest.LeafOptions) *tls.Config {
	t.Helper()
	cert, err := ca(t).Make(o)
	if err != nil {
		t.Fatal(err)
	}
	return tlstest.TLSConfig(cert)
}

// server starts a go-smtp server for the test.
func server(t testing.TB, cfg smtptest.Config) *smtptest.Server {
	t.Helper()
	return smtptest.Start(t, cfg)
}

// plainUser and plainMech make a server offer AUTH PLAIN (in clear with
// InsecureAuth); the probe never sends credentials.
var (
	plainUser = map[string]string{"user": "secret"}
	plainMech = []string{"PLAIN"}
)

// raw starts a misbehaving server.
func raw(t testing.TB, handle func(net.Conn)) *smtptest.Raw {
	t.Helper()
	r, err := smtptest.StartRaw(handle)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

// opts are test options: the test CA trusted, a short timeout, and
// connections to "port" p sent to the listener routes[p] on loopback, so
// a test can probe "port 25" without binding it.
func opts(t testing.TB, routes map[int]string) Options {
	return Options{
		EHLO:    "probe.test.example",
		Timeout: 2 * time.Second,
		Roots:   ca(t).Pool(),
		Dial:    router(routes),
	}
}

func router(routes map[int]string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		_, port, _ := net.SplitHostPort(addr)
		n, _ := strconv.Atoi(port)
		if to, ok := routes[n]; ok {
			addr = to
		}
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
}

// probeAt probes the server at addr as if it were host:port.
func probeAt(t testing.TB, addr, host string, port int, opt Options) (*Probe, checks.Result) {
	t.Helper()
	if opt.Dial == nil {
		opt.Dial = router(map[int]string{port: addr})
	} else {
		prev := opt.Dial
		opt.Dial = func(ctx context.Context, network, a string) (net.Conn, error) {
			if _, p, _ := net.SplitHostPort(a); p == strconv.Itoa(port) {
				return (&net.Dialer{}).DialContext(ctx, network, addr)
			}
			return prev(ctx, network, a)
		}
	}
	p := ProbeAddr(context.Background(), nil, host, loopback, port, opt)
	return p, Check(p, opt)
}

func codes(r checks.Result) []string {
	out := []string{}
	for _, f := range r.Findings {
		out = append(out, f.Code)
	}
	return out
}

func findingOf(r checks.Result, code string) *checks.Finding {
	for i := range r.Findings {
		if r.Findings[i].Code == code {
			return &r.Findings[i]
		}
	}
	return nil
}

// wantCodes asserts the exact set of finding codes.
func wantCodes(t *testing.T, r checks.Result, want ...string) {
	t.Helper()
	got := codes(r)
	slices.Sort(got)
	w := slices.Clone(want)
	if w == nil {
		w = []string{}
	}
	slices.Sort(w)
	if !slices.Equal(got, w) {
		t.Errorf("findings %v, want %v\nsummary: %s\nerror: %s", got, w, r.Summary, r.Error)
	}
}

// every finding names its fix.
func wellFormed(t *testing.T, r checks.Result) {
	t.Helper()
	for _, f := range r.Findings {
		if !strings.HasPrefix(f.Code, "smtp.") || f.Message == "" || f.Hint == "" || f.Severity == "" {
			t.Errorf("malformed finding %+v", f)
		}
	}
	if r.Summary == "" {
		t.Errorf("empty summary")
	}
}

// fake is a tiny in-memory resolver: records as master-file lines,
// NXDOMAIN otherwise, and per-question errors.
type fake struct {
	rrs  []dns.RR
	errs map[string]error
}

func newFake(t testing.TB, lines ...string) *fake {
	f := &fake{errs: map[string]error{}}
	for _, l := range lines {
		rr, err := dns.NewRR(l)
		if err != nil {
			t.Fatal(err)
		}
		f.rrs = append(f.rrs, rr)
	}
	return f
}

func (f *fake) Query(ctx context.Context, name string, qtype uint16) (*dnsx.Answer, error) {
	name = dnsx.Fqdn(strings.ToLower(name))
	if err := f.errs[name+" "+dns.TypeToString[qtype]]; err != nil {
		return nil, err
	}
	ans := &dnsx.Answer{Name: name, Type: qtype, Rcode: dns.RcodeNameError}
	for _, rr := range f.rrs {
		if strings.EqualFold(rr.Header().Name, name) {
			ans.Rcode = dns.RcodeSuccess
			if rr.Header().Rrtype == qtype {
				ans.RRs = append(ans.RRs, rr)
			}
		}
	}
	return ans, nil
}
