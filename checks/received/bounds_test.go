package received

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// 5,000 Received fields — far past any real message (Postfix refuses a
// message after 50 hops) — build a path in bounded time and memory.
func TestBuildPathManyHops(t *testing.T) {
	const n = 5000
	fields := make([]string, n)
	start := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	for i := range fields {
		at := start.Add(time.Duration(n-i) * time.Second)
		fields[i] = fmt.Sprintf("from h%d.example.net (h%d.example.net [192.0.2.%d])\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\n\tby h%d.example.net (Postfix) with ESMTPS id Q%d\n\tfor <a@example.com>; %s",
			i+1, i+1, i%250+1, i, i, at.Format(time.RFC1123Z))
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	t0 := time.Now()
	p := BuildPath(fields, start.Format(time.RFC1123Z))
	elapsed := time.Since(t0)
	runtime.ReadMemStats(&after)
	if len(p.Hops) != n || len(Unparsed(p)) != 0 {
		t.Fatalf("%d hops, %d unparsed", len(p.Hops), len(Unparsed(p)))
	}
	if !p.TotalKnown || p.Total != n*time.Second {
		t.Errorf("Total = %v", p.Total)
	}
	_ = ClearBetweenTLS(p)
	_, _ = Slowest(p)
	if elapsed > 5*time.Second {
		t.Errorf("5,000 hops took %v", elapsed)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 200<<20 {
		t.Errorf("5,000 hops allocated %d MiB", alloc>>20)
	}
	t.Logf("5,000 hops: %v, %d KiB allocated", elapsed, (after.TotalAlloc-before.TotalAlloc)>>10)

	f := make([]Field, n)
	for i := range fields {
		f[i] = Field{Name: "Received", Value: fields[i]}
	}
	if facts := TraceFacts(f, Options{}); !facts.ClientIP.Known() {
		t.Error("no client address from 5,000 hops")
	}
}

// A 1 MB field is refused at once; one just under the limit, in the
// shapes that make lexers work hardest, is read in linear time.
func TestParseHugeFields(t *testing.T) {
	huge := "from a by b; " + strings.Repeat("x", 1<<20)
	t0 := time.Now()
	h, err := Parse(huge)
	if !errors.Is(err, ErrTooLong) || h.Raw != huge {
		t.Errorf("1 MB field: %v", err)
	}
	if _, err := ParseSPF(strings.Repeat("pass ", 1<<18)); !errors.Is(err, ErrTooLong) {
		t.Errorf("1 MB Received-SPF: %v", err)
	}
	for _, c := range []struct {
		s      string
		errors bool
	}{
		{strings.Repeat("(", MaxFieldLen/2) + strings.Repeat(")", MaxFieldLen/2-1), true}, // one short
		{"from a " + strings.Repeat("(b [192.0.2.1]) ", MaxFieldLen/17) + "by c; 2 Dec 2026 14:00 +0000", false},
		{"from a (" + strings.Repeat("(", 30000) + strings.Repeat(")", 30000) + ") by c; 2 Dec 2026 14:00 +0000", false},
		{strings.Repeat("from ", MaxFieldLen/5-1), true},
		{strings.Repeat(";", MaxFieldLen), true},
		{"from a by b; " + strings.Repeat("2 ", MaxFieldLen/2-8), true},
		{strings.Repeat("\"", MaxFieldLen-1), true},
		{strings.Repeat("[", MaxFieldLen), true},
	} {
		h, err := Parse(c.s)
		if h.Raw != c.s || (err != nil) != c.errors {
			t.Errorf("%.20q… (%d bytes): err %v, want error %v", c.s, len(c.s), err, c.errors)
		}
		_, _ = ParseSPF(c.s)
	}
	if d := time.Since(t0); d > 5*time.Second {
		t.Errorf("huge fields took %v", d)
	}
}
