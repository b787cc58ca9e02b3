package domain

import (
	"context"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/bimi"
	"github.com/relayctl/relayctl/checks/dane"
	"github.com/relayctl/relayctl/checks/dkim"
	"github.com/relayctl/relayctl/checks/dmarc"
	"github.com/relayctl/relayctl/checks/dnssec"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/mtasts"
	"github.com/relayctl/relayctl/checks/mx"
	"github.com/relayctl/relayctl/checks/spf"
	"github.com/relayctl/relayctl/checks/tlsrpt"
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
	PartMTASTS: func(ctx context.Context, r dnsx.Resolver, domain string, opt Options) checks.Result {
		return mtasts.Check(ctx, r, domain, mtasts.Options{RootCAs: opt.RootCAs, Timeout: opt.Timeout})
	},
	PartTLSRPT: func(ctx context.Context, r dnsx.Resolver, domain string, _ Options) checks.Result {
		return tlsrpt.Check(ctx, r, domain, tlsrpt.Options{})
	},
	PartBIMI: func(ctx context.Context, r dnsx.Resolver, domain string, opt Options) checks.Result {
		return bimi.Check(ctx, r, domain, bimi.Options{Selector: opt.BIMISelector, RootCAs: opt.RootCAs, Timeout: opt.Timeout})
	},
	PartDANE: func(ctx context.Context, r dnsx.Resolver, domain string, opt Options) checks.Result {
		var o dane.Options
		if opt.probes != nil {
			o.Peers = opt.probes.peers
		}
		return dane.Check(ctx, r, domain, o)
	},
	PartDNSSEC: func(ctx context.Context, r dnsx.Resolver, domain string, _ Options) checks.Result {
		return dnssec.Check(ctx, r, domain, dnssec.Options{})
	},
}
