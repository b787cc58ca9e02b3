// Package taglisttest holds what the fuzz targets of the tag-list parsers
// (dkim key records, DMARC records) check alike.
package taglisttest

import (
	"errors"
	"testing"

	"github.com/relayctl/relayctl/checks/internal/taglist"
)

// CheckErrors fails t unless err, returned by a parser for s, is nil or
// a taglist.Errors[P] whose every entry has a column inside s (0 for the
// record as a whole, len(s)+1 for its end) and wraps one of sentinels.
func CheckErrors[P taglist.Prefix](t testing.TB, s string, err error, sentinels ...error) {
	t.Helper()
	var es taglist.Errors[P]
	if err != nil && !errors.As(err, &es) {
		t.Fatalf("error %T is not Errors", err)
	}
	for _, e := range es {
		if e.Col < 0 || e.Col > len(s)+1 {
			t.Fatalf("col %d outside a %d-byte record: %v", e.Col, len(s), e)
		}
		if !wrapsOne(e, sentinels) {
			t.Fatalf("error without a sentinel: %v", e)
		}
	}
}

func wrapsOne(err error, sentinels []error) bool {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}
