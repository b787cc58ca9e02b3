package spf

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// BenchmarkCheckDelayed measures the spf check against a server that
// delays every answer by 50 ms: a policy three records deep, seven in all,
// with mx terms at the top and the bottom. Walking branches at once, one
// check costs about the longest chain of dependent questions (root TXT,
// two include levels, then MX and the MX hosts' addresses: 5 × 50 ms,
// measured 255 ms), not the sum of the ~20 questions it asks.
func BenchmarkCheckDelayed(b *testing.B) {
	var zone strings.Builder
	zone.WriteString("$ORIGIN .\n$TTL 300\n")
	zone.WriteString(`bench.test. TXT "v=spf1 mx include:p0.test include:p1.test include:p2.test -all"` + "\n")
	zone.WriteString("bench.test. MX 10 mx.bench.test.\nmx.bench.test. A 192.0.2.1\n")
	for i := 0; i < 3; i++ {
		fmt.Fprintf(&zone, "p%d.test. TXT \"v=spf1 include:q%d.test ip4:198.51.100.%d -all\"\n", i, i, i)
		fmt.Fprintf(&zone, "q%d.test. TXT \"v=spf1 mx:q%d.test -all\"\n", i, i)
		fmt.Fprintf(&zone, "q%d.test. MX 10 m%d.q.test.\nm%d.q.test. A 203.0.113.%d\n", i, i, i, i)
	}
	z, err := dnsx.ParseZone(strings.NewReader(zone.String()), ".", "bench.zone")
	if err != nil {
		b.Fatal(err)
	}
	srv := dnstest.Start(b, z)
	srv.SetDelay(50 * time.Millisecond)
	b.ResetTimer()
	for b.Loop() {
		r := srv.Client(2 * time.Second) // a fresh cache each time
		res := Check(context.Background(), r, "bench.test", Options{})
		if d := res.Data.(Data); d.Lookups != 10 || d.VoidLookups != 0 {
			b.Fatalf("lookups %d findings %v", d.Lookups, codes(res))
		}
	}
}
