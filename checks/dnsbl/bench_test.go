package dnsbl

import (
	"context"
	"fmt"
	"net/netip"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// benchZones returns n healthy test lists, each listing 127.0.0.2 (its
// test entry) and every address in 198.51.100.0/28, with a TXT reason.
func benchZones(t testing.TB, n int) ([]*dnsx.Zone, []List) {
	var zs []*dnsx.Zone
	var ls []List
	for i := 0; i < n; i++ {
		zone := fmt.Sprintf("bl%d.bench.test", i)
		var b strings.Builder
		fmt.Fprintf(&b, "$ORIGIN %s.\n@ 300 IN SOA ns hostmaster 1 3600 600 86400 300\n", zone)
		b.WriteString("2.0.0.127 300 IN A 127.0.0.2\n")
		for h := 0; h < 16; h++ {
			fmt.Fprintf(&b, "%d.100.51.198 300 IN A 127.0.0.2\n%d.100.51.198 300 IN TXT \"listed by %s\"\n", h, h, zone)
		}
		z, err := dnsx.ParseZone(strings.NewReader(b.String()), "", zone+".zone")
		if err != nil {
			t.Fatal(err)
		}
		zs = append(zs, z)
		ls = append(ls, List{Zone: zone, Name: zone, Kinds: ip4, Severity: sevFail, Codes: []Code{ip(2, "listed")}})
	}
	return zs, ls
}

// oneAddressTenLists checks one listed address against 10 lists through
// a server that delays every answer by delay: a fresh Checker and client
// each time, so the health checks of all ten lists are part of the run.
func oneAddressTenLists(t testing.TB, srv *dnstest.Server, lists []List) (time.Duration, checks.Report) {
	c, err := dnsx.New(dnsx.Config{Servers: []string{srv.Addr}, Timeout: 2 * time.Second, NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	ch := New(c, lists, Options{EagerTXT: true})
	start := time.Now()
	rep := ch.Check(context.Background(), addr("198.51.100.3"))
	return time.Since(start), rep
}

// One address against ten lists, 50 ms per answer, health checks
// included: the A and TXT questions and the 30 self-test questions go
// out at once (Options.EagerTXT) — one delay, where a resolver asking
// one question at a time needs ten to forty.
func TestLatencyOneAddressTenLists(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing; not under -short or the race detector")
	}
	const delay = 50 * time.Millisecond
	zs, lists := benchZones(t, 10)
	srv := dnstest.Start(t, zs...)
	srv.SetDelay(delay)
	best := time.Hour
	for i := 0; i < 3; i++ {
		d, rep := oneAddressTenLists(t, srv, lists)
		if rep.Status != checks.StatusFail || len(rep.Checks) != 10 {
			t.Fatalf("report %+v", rep)
		}
		for _, c := range rep.Checks {
			if d := c.Data.(*Data); d.Health.State != HealthOK || len(d.TXT) != 1 {
				t.Fatalf("%s: %+v", c.Name, d)
			}
		}
		best = min(best, d)
	}
	t.Logf("1 address x 10 lists at %v per answer: %v (%.1f delays)", delay, best, float64(best)/float64(delay))
	if best >= 2*delay {
		t.Errorf("took %v, want under %v (one round trip)", best, 2*delay)
	}
}

// The same, counted rather than timed (so also under the race detector):
// every question of the run — 10 × (A, TXT and three test entries) — is
// held by the server at once.
func TestOneAddressOneRoundTripCounted(t *testing.T) {
	zs, lists := benchZones(t, 10)
	srv := dnstest.Start(t, zs...)
	srv.SetDelay(100 * time.Millisecond)
	_, rep := oneAddressTenLists(t, srv, lists)
	if rep.Status != checks.StatusFail {
		t.Fatalf("report %+v", rep)
	}
	if n, peak := srv.Queries(), srv.PeakInFlight(); n != 50 || peak != n {
		t.Errorf("%d questions, at most %d at once: want 50, all at once", n, peak)
	}
}

func BenchmarkOneAddressTenLists50ms(b *testing.B) {
	zs, lists := benchZones(b, 10)
	srv := dnstest.Start(b, zs...)
	srv.SetDelay(50 * time.Millisecond)
	var total time.Duration
	for b.Loop() {
		d, _ := oneAddressTenLists(b, srv, lists)
		total += d
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/op")
	b.ReportMetric(float64(total)/float64(b.N)/float64(50*time.Millisecond), "delays/op")
}

// BenchmarkBulkLoopback streams 1,024 addresses against 8 lists at the
// in-process loopback server (the NSD comparison is
// scripts/dnsbl-bench.sh).
func BenchmarkBulkLoopback(b *testing.B) {
	zs, lists := benchZones(b, 8)
	srv := dnstest.Start(b, zs...)
	in, _ := ParseIP("198.51.96.0/22", DefaultMaxAddresses)
	for b.Loop() {
		c, _ := dnsx.New(dnsx.Config{Servers: []string{srv.Addr}, Timeout: 2 * time.Second, NoCache: true, ReuseConns: true})
		ch := New(c, lists, Options{})
		n := 0
		ch.Run(context.Background(), Targets(func(y func(Input, error) bool) { y(in, nil) }), func(checks.Report) { n++ })
		if n != 1024 {
			b.Fatal(n)
		}
	}
	b.ReportMetric(float64(8*1024*b.N)/b.Elapsed().Seconds(), "queries/s")
}

// instant answers NXDOMAIN to everything but the test entry, at once:
// the pipeline alone, without the network.
type instant struct{}

func (instant) Query(_ context.Context, name string, qtype uint16) (*dnsx.Answer, error) {
	name = dnsx.Fqdn(name)
	ans := &dnsx.Answer{Name: name, Type: qtype, Rcode: dns.RcodeNameError}
	if strings.HasPrefix(name, "2.0.0.127.") && qtype == dns.TypeA {
		ans.Rcode = dns.RcodeSuccess
		ans.RRs = []dns.RR{&dns.A{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: netip.MustParseAddr("127.0.0.2").AsSlice()}}
	}
	return ans, nil
}

// Memory stays flat however many addresses stream through: the live
// heap after 131,072 addresses is what it was after 8,192.
func TestRunMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	_, lists := benchZones(t, 4)
	ch := New(instant{}, lists, Options{})
	total := 1 << 17
	if raceEnabled {
		total = 1 << 15
	}
	in, _ := ParseIP("10.0.0.0/15", 1<<17)
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapInuse
	}
	var early, late uint64
	n := 0
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := ch.Run(ctx, Targets(func(y func(Input, error) bool) { y(in, nil) }), func(checks.Report) {
		n++
		switch n {
		case 8192:
			early = heap()
		case total:
			late = heap()
			cancel()
		}
	})
	if n < total {
		t.Fatalf("%d reports, %v", n, err)
	}
	t.Logf("live heap after 8,192 addresses: %d KiB; after %d: %d KiB", early>>10, total, late>>10)
	if late > early+4<<20 {
		t.Errorf("heap grew from %d to %d bytes", early, late)
	}
}
