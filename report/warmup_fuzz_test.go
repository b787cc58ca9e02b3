package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks/warmup"
)

// FuzzWarmupRender: every plan warmup.ReadPlan accepts renders as a
// table and as CSV without an error or a panic.
func FuzzWarmupRender(f *testing.F) {
	f.Add(`{"target":5000,"start":"2026-01-05","days":2,"growth":2,"reaches_target":true,"split":[{"provider":"gmail","percent":100}],"schedule":[{"day":1,"date":"2026-01-05","volume":50,"by_provider":[{"provider":"gmail","volume":50}]},{"day":2,"date":"2026-01-06","volume":5000,"by_provider":[{"provider":"gmail","volume":5000}]}]}`)
	f.Add(`{"target":1,"days":1,"schedule":[{"day":1,"volume":1}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := warmup.ReadPlan(strings.NewReader(s))
		if err != nil {
			return
		}
		if err := WriteWarmupTable(&bytes.Buffer{}, p); err != nil {
			t.Fatal(err)
		}
		if err := WriteWarmupCSV(&bytes.Buffer{}, p); err != nil {
			t.Fatal(err)
		}
	})
}
