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

// Offline returns a client that answers from zones alone, as --zone with
// --offline does: no server, and a name outside them is an error.
func Offline(t testing.TB, zones ...*dnsx.Zone) *dnsx.Client {
	t.Helper()
	c, err := dnsx.New(dnsx.Config{Zones: zones, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
