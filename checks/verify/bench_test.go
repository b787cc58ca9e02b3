package verify

import (
	"context"
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
)

// BenchmarkBulk verifies 10,000 addresses over 200 domains whose DNS and
// SMTP answers each come 50 ms late, and reports addresses a second, the
// SMTP connections opened per domain, and the peak RSS of the process.
//
//	go test -run '^$' -bench Bulk -benchtime 1x ./checks/verify/
func BenchmarkBulk(b *testing.B) {
	const domains, perDomain, delay = 200, 50, 50 * time.Millisecond
	srv := smtptest.Start(b, smtptest.Config{Delay: delay, Discard: true, Rcpt: func(_ int, to string) error {
		if strings.HasPrefix(to, "gone") || strings.HasPrefix(to, "relayctl-verify-") {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "User unknown"}
		}
		return nil
	}})
	var zone strings.Builder
	zone.WriteString("$TTL 300\n")
	for d := range domains {
		fmt.Fprintf(&zone, "d%d.bench. MX 10 mx.d%d.bench.\nmx.d%d.bench. A 127.0.%d.%d\n", d, d, d, 1+d/250, 1+d%250)
	}
	dns := dnstest.Start(b, dnstest.Zone(b, ".", zone.String()))
	dns.SetDelay(delay)
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, srv.Addr)
	}
	var addrs []Input
	for i := range domains * perDomain {
		local := "user"
		if i%10 == 0 {
			local = "gone"
		}
		addrs = append(addrs, Input{Address: fmt.Sprintf("%s%d@d%d.bench", local, i, i%domains)})
	}
	for _, conc := range []int{32, 128} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) {
			for b.Loop() {
				before := srv.Conns()
				c, err := dnsx.New(dnsx.Config{Servers: []string{dns.Addr}, Timeout: 5 * time.Second, MaxInFlight: 256})
				if err != nil {
					b.Fatal(err)
				}
				v := New(c, Options{SMTP: true, From: "probe@sender.test", EHLO: "client.test", Dial: dial, Concurrency: conc, Timeout: 5 * time.Second})
				start := time.Now()
				n, bad := 0, 0
				err = v.Run(context.Background(), func(yield func(Input) bool) {
					for _, a := range addrs {
						if !yield(a) {
							return
						}
					}
				}, func(r *Record) error {
					n++
					if r.Verdict == Undeliverable {
						bad++
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				if n != len(addrs) || bad != len(addrs)/10 {
					b.Fatalf("%d records, %d undeliverable", n, bad)
				}
				el := time.Since(start)
				conns := srv.Conns() - before
				b.ReportMetric(float64(n)/el.Seconds(), "addr/s")
				b.ReportMetric(float64(conns)/domains, "conns/domain")
				var ru syscall.Rusage
				syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
				b.ReportMetric(float64(ru.Maxrss)/1024, "peakRSS-MiB")
			}
		})
	}
}
