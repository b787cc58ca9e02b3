package smtpprobe

import (
	"context"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/smtpprobe/smtptest"
)

// slowHost is one host whose three default ports each answer every reply
// (and every handshake flight) 50 ms late: 25 with STARTTLS, 587 with
// STARTTLS required and AUTH, 465 with implicit TLS.
func slowHost(tb testing.TB) (Target, Options) {
	cfg := issue(tb, smtptest.CertOptions{Names: []string{"127.0.0.1"}})
	const delay = 50 * time.Millisecond
	mx := server(tb, smtptest.Config{TLS: cfg, Delay: delay})
	sub := server(tb, smtptest.Config{TLS: cfg, Delay: delay, RequireTLS: true, Auth: true})
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

// The three ports of a host are probed at once: the host takes about as
// long as its slowest port, not the sum of the three.
func TestPortsConcurrently(t *testing.T) {
	tg, o := slowHost(t)
	slowest := slowestPort(t, tg, o)
	start := time.Now()
	rep := CheckTarget(context.Background(), nil, tg, o)
	took := time.Since(start)
	if len(rep.Checks) != 3 || rep.Status != "ok" {
		t.Fatalf("report %s with %d checks", rep.Status, len(rep.Checks))
	}
	// The sum would be about 2.5× the slowest; allow scheduling noise.
	if took > slowest*3/2 {
		t.Errorf("three ports took %s, the slowest alone %s", took, slowest)
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
