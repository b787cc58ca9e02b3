package mx

import (
	"slices"
	"testing"

	"github.com/relayctl/relayctl/checks"
)

// codes lists the finding codes of res in order.
func codes(res checks.Result) []string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, f.Code)
	}
	return out
}

// finding returns the one finding with code, failing the test when there
// is not exactly one.
func finding(t *testing.T, res checks.Result, code string) checks.Finding {
	t.Helper()
	var got []checks.Finding
	for _, f := range res.Findings {
		if f.Code == code {
			got = append(got, f)
		}
	}
	if len(got) != 1 {
		t.Fatalf("want one %s finding, have codes %v", code, codes(res))
	}
	f := got[0]
	if f.Message == "" || f.Hint == "" {
		t.Errorf("%s: message and hint must be set: %+v", code, f)
	}
	return f
}

func wantCodes(t *testing.T, res checks.Result, want ...string) {
	t.Helper()
	got := codes(res)
	if !slices.Equal(got, want) {
		t.Fatalf("codes = %v, want %v (summary %q, error %q)", got, want, res.Summary, res.Error)
	}
}

func wantStatus(t *testing.T, res checks.Result, want checks.Status) {
	t.Helper()
	if res.Status != want {
		t.Fatalf("status = %s, want %s (codes %v, error %q)", res.Status, want, codes(res), res.Error)
	}
}

func mxData(t *testing.T, res checks.Result) *Data {
	t.Helper()
	d, ok := res.Data.(*Data)
	if !ok {
		t.Fatalf("Data is %T, want *mx.Data", res.Data)
	}
	return d
}

func ptrData(t *testing.T, res checks.Result) *PTRData {
	t.Helper()
	d, ok := res.Data.(*PTRData)
	if !ok {
		t.Fatalf("Data is %T, want *mx.PTRData", res.Data)
	}
	return d
}
