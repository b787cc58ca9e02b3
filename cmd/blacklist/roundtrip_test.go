package blacklist

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/dnsbl"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/report"
)

// catalogServer serves a healthy zone for every list of the built-in
// catalog: the RFC 5782 test entries, and 198.51.100.7 listed with a TXT
// reason.
func catalogServer(t testing.TB) *dnstest.Server {
	t.Helper()
	var zs []*dnsx.Zone
	for _, l := range dnsbl.Builtin() {
		var b strings.Builder
		fmt.Fprintf(&b, "$ORIGIN %s.\n@ 300 IN SOA ns hostmaster 1 3600 600 86400 300\n", l.Zone)
		b.WriteString("2.0.0.127 IN A 127.0.0.2\n2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 IN A 127.0.0.2\ntest IN A 127.0.0.2\n")
		b.WriteString("7.100.51.198 IN A 127.0.0.2\n7.100.51.198 IN TXT \"listed\"\n")
		zs = append(zs, dnstest.Zone(t, "", b.String()))
	}
	return dnstest.Start(t, zs...)
}

// oneAddress runs "blacklist ip ADDR" with the default lists and flags
// through srv, as a user would (the resolver built from --resolver).
func oneAddress(t testing.TB, srv *dnstest.Server, target string) (time.Duration, string, report.Exit) {
	ios, _, out, _ := cmdutil.Test()
	g := &cmdutil.Globals{Output: "table", Timeout: 2 * time.Second, FailOn: "fail", Resolvers: []string{srv.Addr}}
	o := &Options{IO: ios, Globals: g, Args: []string{target}, Concurrency: dnsbl.DefaultConcurrency, MaxAddresses: dnsbl.DefaultMaxAddresses}
	start := time.Now()
	err := Run(context.Background(), o)
	d := time.Since(start)
	code, _ := cmdutil.ExitCodeOf(err)
	return d, out.String(), code
}

// One address against every default list, self-tests included, is one
// round trip: every question (A, TXT and the three RFC 5782 §5 test
// entries of each list) is in flight at once. Counted by the server, not
// timed: its peak of questions held at once equals the questions asked.
func TestOneAddressOneRoundTrip(t *testing.T) {
	for _, c := range []struct {
		target string
		exit   report.Exit
	}{{"198.51.100.7", report.ExitGate}, {"198.51.100.8", report.ExitOK}} {
		srv := catalogServer(t)
		srv.SetDelay(100 * time.Millisecond)
		_, out, code := oneAddress(t, srv, c.target)
		if code != c.exit {
			t.Fatalf("%s: exit %d\n%s", c.target, code, out)
		}
		n, peak := srv.Queries(), srv.PeakInFlight()
		// 14 default IPv4 lists without a key: A, TXT, 3 test entries.
		if n < 5*14 || peak != n {
			t.Errorf("%s: %d questions, at most %d at once: want all in one round trip", c.target, n, peak)
		}
		if c.exit == report.ExitGate && !strings.Contains(out, `listed: 127.0.0.2 (SBL: Spamhaus Block List, a known spam source or spam operation) "listed"`) {
			t.Errorf("%s: no TXT reason\n%s", c.target, out)
		}
	}
}

// BenchmarkOneAddress50ms: "blacklist ip" of one listed address against
// the default lists, every answer delayed 50 ms.
func BenchmarkOneAddress50ms(b *testing.B) {
	const delay = 50 * time.Millisecond
	srv := catalogServer(b)
	srv.SetDelay(delay)
	var total time.Duration
	for b.Loop() {
		d, _, code := oneAddress(b, srv, "198.51.100.7")
		if code != report.ExitGate {
			b.Fatalf("exit %d", code)
		}
		total += d
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/op")
	b.ReportMetric(float64(total)/float64(b.N)/float64(delay), "round-trips/op")
}
