package mx_test

import (
	"context"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/mx"
)

// BenchmarkMXAndPTRDelayed runs mx and ptr side by side, as check domain
// does, against a server that delays every answer by 50 ms, with a fresh
// cache each time. The critical path is MX → A/AAAA → PTR → A/AAAA: about
// 4 delays, however many hosts and addresses there are.
func BenchmarkMXAndPTRDelayed(b *testing.B) {
	const delay = 50 * time.Millisecond
	srv := dnstest.Start(b, dnstest.Zone(b, ".", zone))
	srv.SetDelay(delay)
	b.ResetTimer()
	for b.Loop() {
		c := srv.Client(2 * time.Second)
		done := make(chan struct{})
		go func() {
			mx.Check(context.Background(), c, "ptr.test", mx.Options{})
			close(done)
		}()
		mx.CheckPTR(context.Background(), c, "ptr.test", mx.Options{})
		<-done
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/float64(delay.Milliseconds()), "delays/op")
}
