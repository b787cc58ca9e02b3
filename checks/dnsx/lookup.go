package dnsx

import (
	"context"
	"net/netip"
	"sort"
	"strings"
	"sync"

	"github.com/miekg/dns"
)

// AddrResult holds the A and AAAA answers for one name.
type AddrResult struct {
	Addrs []netip.Addr
	A     *Answer
	AAAA  *Answer
}

// Addrs asks A and AAAA for name at the same time and returns the addresses,
// IPv4 first. It fails only when both questions fail; a failure of one is
// returned together with the other's addresses.
func Addrs(ctx context.Context, r Resolver, name string) (AddrResult, error) {
	var res AddrResult
	var wg sync.WaitGroup
	var errA, errAAAA error
	wg.Add(2)
	go func() { defer wg.Done(); res.A, errA = r.Query(ctx, name, dns.TypeA) }()
	go func() { defer wg.Done(); res.AAAA, errAAAA = r.Query(ctx, name, dns.TypeAAAA) }()
	wg.Wait()
	if res.A != nil {
		for _, rr := range res.A.Records() {
			if a, ok := netip.AddrFromSlice(rr.(*dns.A).A.To4()); ok {
				res.Addrs = append(res.Addrs, a)
			}
		}
	}
	if res.AAAA != nil {
		for _, rr := range res.AAAA.Records() {
			if a, ok := netip.AddrFromSlice(rr.(*dns.AAAA).AAAA.To16()); ok {
				res.Addrs = append(res.Addrs, a)
			}
		}
	}
	if errA != nil {
		return res, errA
	}
	return res, errAAAA
}

// MX returns the MX records at name sorted by preference, then host.
func MX(ctx context.Context, r Resolver, name string) ([]*dns.MX, *Answer, error) {
	ans, err := r.Query(ctx, name, dns.TypeMX)
	if err != nil {
		return nil, nil, err
	}
	var out []*dns.MX
	for _, rr := range ans.Records() {
		out = append(out, rr.(*dns.MX))
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Preference != out[j].Preference {
			return out[i].Preference < out[j].Preference
		}
		return strings.ToLower(out[i].Mx) < strings.ToLower(out[j].Mx)
	})
	return out, ans, nil
}

// PTR returns the names at the reverse name of addr.
func PTR(ctx context.Context, r Resolver, addr netip.Addr) ([]string, *Answer, error) {
	ans, err := r.Query(ctx, ReverseName(addr), dns.TypePTR)
	if err != nil {
		return nil, nil, err
	}
	var out []string
	for _, rr := range ans.Records() {
		out = append(out, strings.ToLower(rr.(*dns.PTR).Ptr))
	}
	return out, ans, nil
}

// ReverseName is the in-addr.arpa or ip6.arpa name of addr (RFC 1035 §3.5,
// RFC 3596 §2.5).
func ReverseName(addr netip.Addr) string {
	name, _ := dns.ReverseAddr(addr.Unmap().String())
	return name
}
