package smtpprobe

import (
	"context"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
	"github.com/relayctl/relayctl/checks/tlsx/tlstest"
)

// slowHost is one host whose three default ports each answer every reply
// (and every handshake flight) 50 ms late: 25 with STARTTLS, 587 with
// STARTTLS required and AUTH, 465 with implicit TLS.
func slowHost(tb testing.TB) (Target, Options) {
	cfg := issue(tb, tlstest.LeafOptions{Names: []string{"127.0.0.1"}})
	const delay = 50 * time.Millisecond
	mx := server(tb, smtptest.Config{TLS: cfg, Delay: delay})
	sub := server(tb, smtptest.Config{TLS: cfg, Delay: delay, RequireTLS: true, Users: plainUser, Mechs: plainMech})
	smtps := server(tb, smtptest.Config{TLS: cfg, Delay: delay, Implicit: true})
	o := opts(tb, map[int]string{25: mx.Addr, 587: sub.Addr, 465: smtps.Addr})
	return Target{Host: "127.0.0.1", Addr: loopback}, o
}

// slowestPort probes each port alone and returns the longest time.
func slowestPort(tb testing.TB, t Target, o Options) time.Duration {
	var slowest time.Duration
	for _, port := range DefaultPorts {
		one := t
		one.Port = port
		start := time.Now()
		rep := CheckTarget(context.Background(), nil, one, o)
		if d := time.Since(start); d > slowest {
			slowest = d
		}
		if rep.Status != "ok" {
			tb.Fatalf("port %d: %s %+v", port, rep.Status, rep.Checks[0].Findings)
		}
	}
	return slowest
}

// connGauge wraps a dialer and counts the connections open at once, from
// dial to the first Close.
type connGauge struct {
	open, peak atomic.Int64
}

func (g *connGauge) wrap(dial func(ctx context.Context, network, addr string) (net.Conn, error)) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		n := g.open.Add(1)
		for p := g.peak.Load(); n > p; p = g.peak.Load() {
			if g.peak.CompareAndSwap(p, n) {
				break
			}
		}
		return &gaugedConn{Conn: c, g: g}, nil
	}
}

type gaugedConn struct {
	net.Conn
	g      *connGauge
	closed atomic.Bool
}

func (c *gaugedConn) Close() error {
	if !c.closed.Swap(true) {
		c.g.open.Add(-1)
	}
	return c.Conn.Close()
}

// The three ports of a host are probed at once: each probe holds its
// connection for several delayed replies, so probes run together show as
// three connections open at the same time; one port after another would
// never have more than one. Counted, not timed: timings go in the
// benchmark below.
func TestPortsConcurrently(t *testing.T) {
	tg, o := slowHost(t)
	var g connGauge
	o.Dial = g.wrap(o.Dial)
	rep := CheckTarget(context.Background(), nil, tg, o)
	if len(rep.Checks) != 3 || rep.Status != "ok" {
		t.Fatalf("report %s with %d checks", rep.Status, len(rep.Checks))
	}
	if n := g.open.Load(); n != 0 {
		t.Fatalf("%d connections left open", n)
	}
	if p := g.peak.Load(); p != 3 {
		t.Errorf("at most %d connections open at once, want 3: the ports were not probed concurrently", p)
	}
}

// BenchmarkProbeHost reports ms per host (three ports) against a server
// that delays every reply 50 ms, and the ratio to the slowest port alone.
func BenchmarkProbeHost(b *testing.B) {
	tg, o := slowHost(b)
	slowest := slowestPort(b, tg, o)
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		CheckTarget(context.Background(), nil, tg, o)
	}
	per := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(float64(per.Microseconds())/1000, "ms/host")
	b.ReportMetric(float64(slowest.Microseconds())/1000, "ms/slowest-port")
	b.ReportMetric(float64(per)/float64(slowest), "host/slowest")
}
