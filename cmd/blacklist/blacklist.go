// Package blacklist wires "relayctl blacklist": flags to options, inputs
// to a stream of targets, checks/dnsbl reports to the report writers. It
// holds no logic a test of checks/dnsbl would need.
package blacklist

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/checks/dnsbl"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// NewCmdBlacklist returns "relayctl blacklist" and its subcommands.
func NewCmdBlacklist(ios *cmdutil.IOStreams, g *cmdutil.Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "blacklist <command>",
		Short: "Check addresses and domains against DNS blocklists (DNSBL, RFC 5782)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmdutil.Usagef("missing subcommand: ip, domain or lists")
		},
	}
	cmd.AddCommand(
		NewCmdIP(ios, g, nil),
		NewCmdDomain(ios, g, nil),
		NewCmdLists(ios, g, nil),
	)
	return cmd
}

// NewCmdIP returns "blacklist ip". runF replaces the run function in
// tests of the flag wiring.
func NewCmdIP(ios *cmdutil.IOStreams, g *cmdutil.Globals, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: ios, Globals: g, Domains: false}
	cmd := &cobra.Command{
		Use:   "ip IP|CIDR|- ...",
		Short: "Check IPv4 and IPv6 addresses against the IP blocklists",
		Long: `Ask every IP blocklist of the catalog (or the --list zones) about each
address: whether it is listed, what each return code means, the list's TXT
reason, and how long it took. A CIDR block is checked address by address;
"-" reads addresses, blocks and # comments from stdin, one a line, and
--file does the same from a file.

Each list's RFC 5782 test entries are asked once per run beside the real
questions: a list that fails them (it lists everything, or nothing) is
reported as unhealthy and its answers are not counted. A refusal code
(Spamhaus 127.255.255.x, a public resolver, too many queries) is never
"not listed": the list's check ends in error, as do timeouts, SERVFAIL and
answers outside 127.0.0.0/8.

A bad line of --file or stdin is reported as that target's error (with
its line number) and the run goes on. A run of several targets ends with
a summary: the table's last section, or one line on stderr with -o json
and ndjson.

Exit codes: 0 not listed anywhere (at the --fail-on gate), 1 listed, 2 bad
input, 3 a list could not be asked.`,
		Example: `  relayctl blacklist ip 192.0.2.1
  relayctl blacklist ip 2001:db8::25 --list zen.spamhaus.org --list bl.spamcop.net
  relayctl blacklist ip 192.0.2.0/24 -o ndjson --concurrency 32 --rate 20
  grep -v '^#' servers.txt | relayctl blacklist ip - -o json
  relayctl blacklist ip --file servers.txt --dqs-key "$DQS_KEY"
  relayctl blacklist ip 203.0.113.0/24 --listed-only --rate 600/m`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	opts.Register(cmd, true)
	return cmd
}

// NewCmdDomain returns "blacklist domain".
func NewCmdDomain(ios *cmdutil.IOStreams, g *cmdutil.Globals, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: ios, Globals: g, Domains: true}
	cmd := &cobra.Command{
		Use:   "domain DOMAIN|- ...",
		Short: "Check domain names against the domain blocklists (DBL, SURBL, URIBL…)",
		Long: `Ask every domain blocklist of the catalog (or the --list zones) about each
domain name, with bitmask answers (SURBL, URIBL) decoded into their
sub-lists. URI lists list the name a link points at: check the registered
domain (example.com) as well as any host name you use in links.

"-" reads names from stdin, one a line; --file from a file.`,
		Example: `  relayctl blacklist domain example.com
  relayctl blacklist domain example.com --list multi.surbl.org -o json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	opts.Register(cmd, false)
	return cmd
}

// Register adds the flags of blacklist ip (ip) or blacklist domain to
// cmd (check ip adds the same).
func (o *Options) Register(cmd *cobra.Command, ip bool) {
	fs := cmd.Flags()
	fs.StringArrayVar(&o.Files, "file", nil, "read targets from `FILE`, one a line (# starts a comment); repeatable")
	fs.StringArrayVar(&o.Lists, "list", nil, "check this `ZONE` instead of the default lists; repeatable")
	cmdutil.CompleteFlag(cmd, "list", func() []string { return o.zones(ip) })
	fs.StringArrayVar(&o.ListsFiles, "lists-file", nil, "add the lists of this YAML `FILE` to the catalog (see docs/dnsbl.md); repeatable")
	fs.StringArrayVar(&o.Exclude, "exclude", nil, "leave this `ZONE` out; repeatable")
	fs.StringVar(&o.Keys.DQS, "dqs-key", "", "Spamhaus Data Query Service `KEY` (or RELAYCTL_DQS_KEY): enables the DQS zones in place of the public ones")
	fs.StringVar(&o.Keys.Abusix, "abusix-key", "", "Abusix Mail Intelligence `KEY` (or RELAYCTL_ABUSIX_KEY)")
	fs.IntVar(&o.Concurrency, "concurrency", dnsbl.DefaultConcurrency, "at most `N` DNS queries in flight at once (1 to 512)")
	cmdutil.RateVar(fs, &o.Rate, "rate", "at most `RATE` queries to each list, spaced evenly (default: no limit)")
	fs.BoolVar(&o.ListedOnly, "listed-only", false, "print only the targets that are listed or could not be fully checked (-o json: always an array)")
	o.State.Register(fs)
	if ip {
		fs.Uint64Var(&o.MaxAddresses, "max-addresses", dnsbl.DefaultMaxAddresses, "a CIDR block may hold at most `N` addresses (65536 is a /16)")
	}
}
