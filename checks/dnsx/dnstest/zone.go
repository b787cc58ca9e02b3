package dnstest

import (
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks/dnsx"
)

// Zone parses master-file text into a zone for Start; origin is what
// dnsx.ParseZone takes ("" when the text sets $ORIGIN or has an SOA, "."
// to hold every name). A syntax error ends the test, showing the text.
func Zone(t testing.TB, origin, text string) *dnsx.Zone {
	t.Helper()
	z, err := dnsx.ParseZone(strings.NewReader(text), origin, "test.zone")
	if err != nil {
		t.Fatalf("dnstest: %v\n%s", err, text)
	}
	return z
}
