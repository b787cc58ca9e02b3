package message

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// 5,000 Received fields, and a header with one 8 MiB Received field and
// an 8 MiB List-Unsubscribe: bounded time and memory, findings, no
// panic. The figures are logged (go test -v -run TestHopsBounds).
func TestHopsBounds(t *testing.T) {
	var many strings.Builder
	for i := range 5000 {
		at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(5000-i) * time.Second)
		fmt.Fprintf(&many, "Received: from h%d.example (h%d.example [198.51.100.%d]) by h%d.example with ESMTPS id %d; %s\r\n",
			i, i, i%250+1, i+1, i, at.Format(time.RFC1123Z))
	}
	huge := "Received: from x.example ([198.51.100.1]) by y.example with ESMTP id" + strings.Repeat("\r\n "+strings.Repeat("a", 70), (8<<20)/73) + "; Tue, 1 Dec 2026 10:00:00 +0000\r\n" +
		"List-Unsubscribe: <https://example.com/u>" + strings.Repeat(",\r\n <https://example.com/u>", (8<<20)/28) + "\r\n" +
		"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
	for _, c := range []struct {
		name, header string
		hops         int
		code         string
		limit        time.Duration
	}{
		{"5000 Received", many.String(), 5000, "hops.hop", 10 * time.Second},
		{"8 MiB fields", huge, 1, "hops.unparsed", 10 * time.Second},
	} {
		t.Run(c.name, func(t *testing.T) {
			raw := c.header + plain
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			rep := check(t, offline(t, records), raw, Options{})
			el := time.Since(start)
			runtime.ReadMemStats(&after)
			res := result(t, rep, "hops")
			d := res.Data.(*HopsData)
			if len(d.Hops) != c.hops || !hasCode(res, c.code) || len(res.Findings) > 100 {
				t.Errorf("%d hops, %d findings: %v", len(d.Hops), len(res.Findings), codes(res)[:min(10, len(res.Findings))])
			}
			hopLines := 0
			per := map[string]int{}
			for _, f := range res.Findings {
				per[f.Code]++
				if f.Code == "hops.hop" {
					hopLines++
				}
			}
			for code, n := range per {
				if code != "hops.hop" && n > maxPerCode+1 {
					t.Errorf("%d %s findings", n, code)
				}
			}
			if hopLines > maxHopLines+1 {
				t.Errorf("%d timeline lines", hopLines)
			}
			for _, h := range d.Hops {
				if len(h.Raw) > maxRawHop+len("…") {
					t.Errorf("raw of %d bytes kept", len(h.Raw))
				}
			}
			if el > c.limit {
				t.Errorf("took %v", el)
			}
			alloc := (after.TotalAlloc - before.TotalAlloc) >> 20
			t.Logf("%d KB message: %v, %d MiB allocated, %d hops, %d findings", len(raw)>>10, el.Round(time.Millisecond), alloc, len(d.Hops), len(res.Findings))
			if alloc > 40*uint64(len(raw)>>20+1)+64 {
				t.Errorf("%d MiB allocated for a %d KB message", alloc, len(raw)>>10)
			}
		})
	}
}
