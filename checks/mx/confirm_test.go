package mx

import (
	"context"
	"net/netip"
	"testing"

	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// FCrDNS: a PTR whose name resolves back confirms; one that resolves
// elsewhere, or no PTR, does not; a lookup outside the zones is an error.
func TestFCrDNS(t *testing.T) {
	rev := dnstest.Zone(t, ".", "2.0.192.in-addr.arpa. 300 IN SOA ns.example. h.example. 1 7200 3600 1209600 300\n"+
		"10.2.0.192.in-addr.arpa. 300 IN PTR mail.example.com.\n"+
		"11.2.0.192.in-addr.arpa. 300 IN PTR other.example.com.\n")
	fwd := dnstest.Zone(t, ".", "example.com. 300 IN SOA ns.example.com. h.example.com. 1 7200 3600 1209600 300\n"+
		"mail.example.com. 300 IN A 192.0.2.10\nother.example.com. 300 IN A 192.0.2.99\n")
	r := dnstest.Offline(t, rev, fwd)
	ctx := context.Background()
	if a := FCrDNS(ctx, r, netip.MustParseAddr("::ffff:192.0.2.10")); !a.Confirmed || a.ConfirmedName != "mail.example.com" || a.Address.String() != "192.0.2.10" {
		t.Errorf("confirmed: %+v", a)
	}
	if a := FCrDNS(ctx, r, netip.MustParseAddr("192.0.2.11")); a.Confirmed || len(a.PTR) != 1 || a.Error != "" {
		t.Errorf("mismatch: %+v", a)
	}
	if a := FCrDNS(ctx, r, netip.MustParseAddr("192.0.2.12")); a.Confirmed || len(a.PTR) != 0 || a.Error != "" {
		t.Errorf("no PTR: %+v", a)
	}
	if a := FCrDNS(ctx, r, netip.MustParseAddr("198.51.100.1")); a.Confirmed || a.Error == "" {
		t.Errorf("outside the zones: %+v", a)
	}
}
