// Package ipcheck judges a sending IP address beyond the blocklists
// (which checks/dnsbl asks): its reverse DNS, forward-confirmed
// (FCrDNS, the checks/mx code), whether that name looks like an access
// provider's generic one, whether the HELO name the host greets with
// resolves to it and matches, and the reputation scores services publish
// in DNS (SenderScore, Mailspike). "relayctl check ip" runs these beside
// the lists, all questions of one address at once.
package ipcheck

import (
	"context"
	"net/netip"
	"sync"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// Command is the reports' command.
const Command = "check ip"

// Check names (Result.Name).
const (
	NamePTR        = "ptr"
	NameHELO       = "helo"
	NameReputation = "reputation"
)

// Options tune Check.
type Options struct {
	// HELO is the name (or address literal) the host greets with; the
	// helo check runs only when it is set.
	HELO string
	// NoReputation leaves the reputation services out.
	NoReputation bool
}

// Check runs the ptr, helo (with opt.HELO) and reputation checks of addr
// at the same time and returns their results in that order.
func Check(ctx context.Context, r dnsx.Resolver, addr netip.Addr, opt Options) []checks.Result {
	addr = addr.Unmap()
	var ptr, helo, rep checks.Result
	var wg sync.WaitGroup
	fc := make(chan fcResult, 1)
	wg.Go(func() {
		var f fcResult
		ptr, f = checkPTR(ctx, r, addr)
		fc <- f
	})
	if opt.HELO != "" {
		wg.Go(func() { helo = checkHELO(ctx, r, addr, opt.HELO, fc) })
	}
	if !opt.NoReputation {
		wg.Go(func() { rep = checkReputation(ctx, r, addr) })
	}
	wg.Wait()
	out := []checks.Result{ptr}
	if opt.HELO != "" {
		out = append(out, helo)
	}
	if !opt.NoReputation {
		out = append(out, rep)
	}
	return out
}
