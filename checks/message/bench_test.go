package message

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// testdata/message/arc-chain.eml is a 100 KB message with two DKIM
// signatures by origin.example (rsa-sha256 relaxed, ed25519-sha256
// simple) and a three-hop ARC chain, received from 203.0.113.5; its zone
// holds the five keys and origin.example's SPF and DMARC records.
const (
	chainMessage = "../../testdata/message/arc-chain.eml"
	chainZone    = "../../testdata/message/arc-chain.zone"
)

func chain(tb testing.TB) ([]byte, *dnsx.Zone) {
	tb.Helper()
	raw, err := os.ReadFile(chainMessage)
	if err != nil {
		tb.Fatal(err)
	}
	z, err := dnsx.LoadZone(chainZone)
	if err != nil {
		tb.Fatal(err)
	}
	return raw, z
}

func checkChain(tb testing.TB, rep checks.Report) {
	tb.Helper()
	if rep.Status != checks.StatusOK {
		tb.Fatalf("report %s: %+v", rep.Status, rep)
	}
	d := result(tb, rep, "dkim").Data.(*DKIMData)
	a := result(tb, rep, "arc").Data.(*ARCData)
	s := result(tb, rep, "spf").Data.(*SPFData)
	m := result(tb, rep, "dmarc").Data.(*DMARCData)
	if len(d.Signatures) != 2 || a.Result != "pass" || a.Instances != 3 || s.Result != "pass" || s.HELO.Result != "pass" || m.Result != "pass" {
		tb.Fatalf("dkim %d, arc %s/%d, spf %s/%s, dmarc %s", len(d.Signatures), a.Result, a.Instances, s.Result, s.HELO.Result, m.Result)
	}
}

// With every DNS answer 200ms away, every question of the message is held
// by the server at once: the five keys (two DKIM selectors, three ARC
// sealers), the DMARC tree walk (_dmarc.origin.example, _dmarc.example),
// the From domain's existence probe, and SPF's first query for the MAIL
// FROM domain and for the HELO name — one round of DNS, ten questions.
func TestOneRoundOfDNS(t *testing.T) {
	raw, z := chain(t)
	srv := dnstest.Start(t, z)
	srv.SetDelay(200 * time.Millisecond)
	start := time.Now()
	rep := Check(context.Background(), srv.Client(5*time.Second), Input{Source: "arc-chain.eml", Data: raw}, Options{})
	el := time.Since(start)
	checkChain(t, rep)
	if q, p := srv.Queries(), srv.PeakInFlight(); q != 10 || p != 10 {
		t.Errorf("%d questions, at most %d at once; want 10 and 10", q, p)
	}
	t.Logf("%d KB, 2 DKIM signatures, 3 ARC sets, DMARC and SPF, answers 200ms away: %v", len(raw)>>10, el)
}

// BenchmarkCheckMessage50ms: the 100 KB message with every answer 50ms
// away; a fresh resolver each time, so every record is asked.
func BenchmarkCheckMessage50ms(b *testing.B) {
	raw, z := chain(b)
	srv, err := dnstest.Listen(z)
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	srv.SetDelay(50 * time.Millisecond)
	for b.Loop() {
		checkChain(b, Check(context.Background(), srv.Client(5*time.Second), Input{Source: "m", Data: raw}, Options{}))
	}
}

// BenchmarkMbox checks an mbox of 10,000 signed messages
// (testdata/message/length.eml, each with its own Message-ID: a DKIM
// signature, SPF and DMARC passing) with the keys from an in-memory zone,
// as --zone --offline does, through RunAll with one worker: messages and
// bytes per second on one core.
func BenchmarkMbox(b *testing.B) {
	raw, err := os.ReadFile("../../testdata/message/length.eml")
	if err != nil {
		b.Fatal(err)
	}
	z, err := dnsx.LoadZone("../../testdata/message/example.com.zone")
	if err != nil {
		b.Fatal(err)
	}
	const n = 10000
	var mbox bytes.Buffer
	for i := range n {
		fmt.Fprintf(&mbox, "From bounce@example.com Tue Dec  1 10:00:05 2026\n")
		mbox.Write(bytes.Replace(raw, []byte("<q4@example.com>"), fmt.Appendf(nil, "<m%d@example.com>", i), 1))
		mbox.WriteString("\n")
	}
	p := b.TempDir() + "/bench.mbox"
	if err := os.WriteFile(p, mbox.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 10, 1, 0, 0, time.UTC)
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		c, err := dnsx.New(dnsx.Config{Zones: []*dnsx.Zone{z}, Offline: true})
		if err != nil {
			b.Fatal(err)
		}
		got := 0
		err = RunAll(context.Background(), c, []string{p}, nil, RunOptions{Options: Options{Now: now}, Workers: 1}, func(rep checks.Report) {
			if rep.Status != checks.StatusOK && got == 0 {
				b.Fatalf("%+v", rep)
			}
			got++
		})
		if err != nil || got != n {
			b.Fatalf("%d reports, %v", got, err)
		}
	}
	reportRates(b, n*b.N, mbox.Len()*b.N, cpuTime()-cpu0)
}

// reportRates reports messages and MB per wall-second and, where the
// CPU time is known, per CPU-second (the machine may be shared).
func reportRates(b *testing.B, msgs, bytes int, cpu time.Duration) {
	s := b.Elapsed().Seconds()
	b.ReportMetric(float64(msgs)/s, "msgs/s")
	b.ReportMetric(float64(bytes)/s/(1<<20), "MB/s")
	if cpu > 0 {
		b.ReportMetric(float64(msgs)/cpu.Seconds(), "msgs/cpu-s")
		b.ReportMetric(float64(bytes)/cpu.Seconds()/(1<<20), "MB/cpu-s")
	}
}

// BenchmarkCheck100KB checks the 100 KB message with its keys from an
// in-memory zone: the CPU cost of one message (5 body hashes, 8
// signatures, SPF, DMARC).
func BenchmarkCheck100KB(b *testing.B) {
	raw, z := chain(b)
	cpu0 := cpuTime()
	for b.Loop() {
		c, err := dnsx.New(dnsx.Config{Zones: []*dnsx.Zone{z}, Offline: true})
		if err != nil {
			b.Fatal(err)
		}
		checkChain(b, Check(context.Background(), c, Input{Source: "m", Data: raw}, Options{}))
	}
	reportRates(b, b.N, len(raw)*b.N, cpuTime()-cpu0)
}
