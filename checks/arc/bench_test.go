package arc

import (
	"context"
	"crypto"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/relayctl/relayctl/checks/dkimverify"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// benchMessage is a 100 KB message with two DKIM signatures (rsa-sha256
// relaxed and ed25519-sha256 simple, by go-msgauth's signer) and a
// three-hop ARC chain, and the zone holding its five keys.
func benchMessage(tb testing.TB) (string, *dnsx.Zone) {
	tb.Helper()
	var body strings.Builder
	for i := 0; body.Len() < 100<<10; i++ {
		fmt.Fprintf(&body, "Line %05d of the quarterly report, with some text to make it look real.\r\n", i)
	}
	msg := strings.SplitAfter(baseMessage, "\r\n\r\n")[0] + body.String()
	rsaHop, edHop := newRSAHop(tb, "origin.example", "rsa"), newEdHop(tb, "origin.example", "ed")
	for _, s := range []struct {
		h  hop
		hc dkim.Canonicalization
	}{{rsaHop, dkim.CanonicalizationRelaxed}, {edHop, dkim.CanonicalizationSimple}} {
		var out strings.Builder
		err := dkim.Sign(&out, strings.NewReader(msg), &dkim.SignOptions{
			Domain: s.h.domain, Selector: s.h.sel, Signer: s.h.key.(crypto.Signer),
			HeaderCanonicalization: s.hc, BodyCanonicalization: s.hc,
			HeaderKeys: []string{"From", "To", "Subject", "Date", "Message-ID"},
		})
		if err != nil {
			tb.Fatal(err)
		}
		msg = out.String()
	}
	hops := []hop{newRSAHop(tb, "relay.example", "arc1"), newRSAHop(tb, "lists.example", "arc2"), newRSAHop(tb, "mx.example", "arc3")}
	for i, h := range hops {
		cv := "pass"
		if i == 0 {
			cv = "none"
		}
		msg = h.seal(tb, msg, i+1, cv, "dkim=pass header.d=origin.example")
	}
	z := dnsx.NewZone(".")
	for _, h := range append([]hop{rsaHop, edHop}, hops...) {
		z.Add(txtRR(h.sel+"._domainkey."+h.domain, h.keyRecord(tb)))
	}
	return msg, z
}

// verifyMessage is what a check of a received message does: DKIM and
// ARC side by side, so that their key lookups go out in the same round.
func verifyMessage(tb testing.TB, r dnsx.Resolver, raw string) (dkimverify.Result, Result) {
	m, err := dkimverify.ParseMessage(strings.NewReader(raw), int64(len(raw)))
	if err != nil {
		tb.Fatal(err)
	}
	var d dkimverify.Result
	var a Result
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); d = dkimverify.Verify(context.Background(), r, m, dkimverify.Options{}) }()
	go func() { defer wg.Done(); a = Validate(context.Background(), r, m, Options{}) }()
	wg.Wait()
	return d, a
}

func checkVerified(tb testing.TB, d dkimverify.Result, a Result) {
	tb.Helper()
	if len(d.Signatures) != 2 || d.Signatures[0].Status != dkimverify.StatusPass || d.Signatures[1].Status != dkimverify.StatusPass {
		tb.Fatalf("DKIM: %+v", d.Signatures)
	}
	if a.Status != StatusPass || a.Instances != 3 {
		tb.Fatalf("ARC: %s %s", a.Status, a.Error)
	}
}

// With every DNS answer 50ms away, the five key lookups of the message
// (two DKIM selectors, three ARC hops) are all held by the server at
// once: one round of DNS, not five.
func TestMessageKeyLookupsInFlight(t *testing.T) {
	raw, z := benchMessage(t)
	srv := dnstest.Start(t, z)
	srv.SetDelay(50 * time.Millisecond)
	start := time.Now()
	d, a := verifyMessage(t, srv.Client(2*time.Second), raw)
	el := time.Since(start)
	checkVerified(t, d, a)
	if q, p := srv.Queries(), srv.PeakInFlight(); q != 5 || p != 5 {
		t.Errorf("%d questions, at most %d at once; want 5 and 5", q, p)
	}
	t.Logf("%d KB message, 2 DKIM signatures, 3 ARC sets, 5 keys 50ms away: %v", len(raw)>>10, el)
}

// BenchmarkVerifyMessage verifies the 100 KB message (two DKIM
// signatures, three ARC sets: 5 body hashes, 8 signatures) with keys
// from an in-memory zone; each run has a fresh resolver, so key records
// are fetched and parsed every time.
func BenchmarkVerifyMessage(b *testing.B) {
	raw, z := benchMessage(b)
	b.ResetTimer()
	for b.Loop() {
		c, err := dnsx.New(dnsx.Config{Zones: []*dnsx.Zone{z}, Offline: true})
		if err != nil {
			b.Fatal(err)
		}
		d, a := verifyMessage(b, c, raw)
		checkVerified(b, d, a)
	}
	s := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N)/s, "msgs/s")
	b.ReportMetric(float64(b.N)*float64(len(raw))/s/1e6, "MB/s")
}
