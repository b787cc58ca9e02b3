package domain

import (
	"context"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// benchZone is a domain as the audit's speed goal describes it (docs/architecture.md): two MX
// hosts, SPF three includes deep, DMARC, and a DKIM key found by the full
// default probe. The zone's origin is the root, so every name the audit
// asks (reverse names, the DMARC tree walk) gets an answer.
const benchZone = `$ORIGIN .
$TTL 3600
.                          IN SOA ns.bench.example. hostmaster.bench.example. 1 7200 3600 1209600 300
bench.example.             IN MX 10 mx1.bench.example.
bench.example.             IN MX 20 mx2.bench.example.
mx1.bench.example.         IN A 46.4.10.20
mx1.bench.example.         IN AAAA 2a01:4f8:10::20
mx2.bench.example.         IN A 46.4.10.21
20.10.4.46.in-addr.arpa.   IN PTR mx1.bench.example.
21.10.4.46.in-addr.arpa.   IN PTR mx2.bench.example.
0.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.8.f.4.0.1.0.a.2.ip6.arpa. IN PTR mx1.bench.example.
bench.example.             IN TXT "v=spf1 mx include:_spf1.bench.example -all"
_spf1.bench.example.       IN TXT "v=spf1 ip4:46.4.10.0/24 include:_spf2.bench.example ~all"
_spf2.bench.example.       IN TXT "v=spf1 ip4:46.4.11.0/24 include:_spf3.bench.example ~all"
_spf3.bench.example.       IN TXT "v=spf1 ip4:46.4.12.0/24 ~all"
_dmarc.bench.example.      IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@bench.example"
selector1._domainkey.bench.example. IN TXT "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAq0yoG04afzr59RuwmVem52E6QxBV+cS8TOqnR5DdzQGpZEoPAEkgmFiaGKXdKzp4jcEefcgNwDcvlyqVcpumKKAnyuB6ytzGMaitl3ozyoZj1hBvW6dPcSAYWAn1/2L4V92gzJ+w3Xo2vNi58i+Vw2h6XKOA" "zGchjd51sn0Hna2LnkH7dRj1tFM7DDoPEazdBs69AJXC8SbmeDnyz+LSQJJAN9Wrsvv57Gl+gvzSn+g5y5SGairwr7PkJZdPvYgowOXgsOnOPnMvbmVf/ekgEpkPMLTUCPYig5b/3/iVpNl2tDmWdhzHMNvybT2ziUHPzsrGfMiDN/AJcNSEwG+tCwIDAQAB"
`

// BenchmarkCheckDomainDelayed runs the whole audit against a loopback DNS
// server that delays every answer by 50 ms, with a fresh resolver cache
// each time. About 70 queries go out; the goal is under 10 delays per
// audit, which only holds when independent queries are in flight at once
// and the time is the longest chain of dependent queries, not their sum.
// The delays/op metric is that figure.
func BenchmarkCheckDomainDelayed(b *testing.B) {
	const delay = 50 * time.Millisecond
	srv := dnstest.Start(b, dnstest.Zone(b, ".", benchZone))
	srv.SetDelay(delay)
	b.ReportAllocs()
	b.ResetTimer()
	var queries int64
	for b.Loop() {
		before := srv.Queries()
		rep := Run(context.Background(), srv.Client(2*time.Second), "bench.example", Options{})
		queries += srv.Queries() - before
		for _, c := range rep.Checks {
			if c.Status == checks.StatusError || c.Status == checks.StatusFail {
				b.Fatalf("%s: %s %s %v", c.Name, c.Status, c.Error, c.Findings)
			}
		}
	}
	n := float64(b.N)
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/n/float64(delay.Milliseconds()), "delays/op")
	b.ReportMetric(float64(queries)/n, "queries/op")
}
