package mx

import (
	"context"
	"net/netip"

	"github.com/relayctl/relayctl/checks/dnsx"
)

// FCrDNS is the forward-confirmed reverse DNS of one address, outside an
// MX audit (check ip uses it for a sending address): the PTR names of
// addr, then the A or AAAA records of each; Confirmed when one name
// resolves back to addr (RFC 1912 §2.1, RFC 8601 §3 "iprev"). An
// IPv4-mapped address is asked as IPv4. Hosts is empty; Error is the DNS
// failure that kept it from being judged. check ip and check message's
// bulk rules use it.
func FCrDNS(ctx context.Context, r dnsx.Resolver, addr netip.Addr) Address {
	a := Address{Address: addr.Unmap(), Hosts: []string{}, PTR: []string{}}
	fcrdns(ctx, r, &a)
	return a
}

// Err is the DNS failure that kept a from being judged (nil when none).
func (a *Address) Err() error { return a.err }

// Mismatch says, for each PTR name checked that does not resolve back,
// why ("NAME resolves to …", "NAME has no A record").
func (a *Address) Mismatch() []string { return a.mismatch }

// GenericPTR says why a reverse name looks like an access provider's
// generic name for addr rather than a mail host's own ("" when it does
// not): it spells out the address's octets, or holds a word such as
// "dynamic", "dsl" or "pool". A heuristic.
func GenericPTR(name string, addr netip.Addr) string { return genericPTR(name, addr) }
