package blacklist

import (
	"context"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsbl"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// Options is what the blacklist commands run with.
type Options struct {
	IO      *cmdutil.IOStreams
	Globals *cmdutil.Globals
	// Domains: "blacklist domain" (else "blacklist ip").
	Domains bool
	// Args as typed: addresses, CIDR blocks, domains, "-".
	Args         []string
	Files        []string
	Lists        []string
	ListsFiles   []string
	Exclude      []string
	Keys         dnsbl.Keys
	Concurrency  int
	Rate         cmdutil.Rate
	MaxAddresses uint64
	// ListedOnly prints only the targets that are listed or could not be
	// fully checked (the summary and the exit code still count all).
	ListedOnly bool
	// State is --state and --fail-on-change.
	State cmdutil.StateFlags
	// Command, when set, names the reports instead of "blacklist ip"
	// ("check ip", which runs through this package's machinery).
	Command string
	// Extra, when set, adds checks of each address beside the lists'
	// (check ip's reverse DNS, HELO and reputation), asked through the
	// run's resolver at the same time as the lists.
	Extra func(ctx context.Context, r dnsx.Resolver, t dnsbl.Target) []checks.Result
	// Resolver, when set, replaces the one built from the global flags
	// (tests point it at a loopback server).
	Resolver dnsx.Resolver
}

func (o *Options) command() string {
	if o.Command != "" {
		return o.Command
	}
	if o.Domains {
		return "blacklist domain"
	}
	return "blacklist ip"
}

func (o *Options) kinds() []dnsbl.Kind {
	if o.Domains {
		return []dnsbl.Kind{dnsbl.KindDomain}
	}
	return []dnsbl.Kind{dnsbl.KindIP4, dnsbl.KindIP6}
}

func (o *Options) parser() dnsbl.Parser {
	if o.Domains {
		return dnsbl.ParseDomain
	}
	return dnsbl.IPParser(o.MaxAddresses)
}
