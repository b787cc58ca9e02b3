package domain

import (
	"context"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dane"
	"github.com/relayctl/relayctl/checks/dkim"
	"github.com/relayctl/relayctl/checks/dmarc"
	"github.com/relayctl/relayctl/checks/dnssec"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/mx"
	"github.com/relayctl/relayctl/checks/spf"
)

// partFunc runs one part of the audit.
type partFunc func(ctx context.Context, r dnsx.Resolver, domain string, opt Options) checks.Result

// registry maps each part name to the check that implements it; a part
// missing here shows as an error result ("not available in this build").
var registry = map[string]partFunc{
	PartMX: func(ctx context.Context, r dnsx.Resolver, domain string, _ Options) checks.Result {
		return mx.Check(ctx, r, domain, mx.Options{})
	},
	PartDKIM: func(ctx context.Context, r dnsx.Resolver, domain string, opt Options) checks.Result {
		return dkim.Check(ctx, r, domain, dkim.Options{Selectors: opt.Selectors})
	},
	PartDMARC: func(ctx context.Context, r dnsx.Resolver, domain string, _ Options) checks.Result {
		return dmarc.Check(ctx, r, domain, dmarc.Options{})
	},
	PartSPF: func(ctx context.Context, r dnsx.Resolver, domain string, opt Options) checks.Result {
		return spf.Check(ctx, r, domain, spf.Options{IP: opt.IP, Sender: opt.Sender, HELO: opt.HELO})
	},
	PartPTR: func(ctx context.Context, r dnsx.Resolver, domain string, _ Options) checks.Result {
		return mx.CheckPTR(ctx, r, domain, mx.Options{})
	},
	PartDANE: func(ctx context.Context, r dnsx.Resolver, domain string, _ Options) checks.Result {
		return dane.Check(ctx, r, domain, dane.Options{})
	},
	PartDNSSEC: func(ctx context.Context, r dnsx.Resolver, domain string, _ Options) checks.Result {
		return dnssec.Check(ctx, r, domain, dnssec.Options{})
	},
}
