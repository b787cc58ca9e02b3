package check

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsbl"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/ipcheck"
	"github.com/relayctl/relayctl/cmd/blacklist"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// NewCmdIP returns "check ip": a sending address's health, the
// blocklists of "blacklist ip" (its inputs, bounds, list flags and run)
// with the ipcheck checks beside them. runF replaces the run function in
// tests of the flag wiring.
func NewCmdIP(ios *cmdutil.IOStreams, g *cmdutil.Globals, runF func(context.Context, *blacklist.Options) error) *cobra.Command {
	opts := &blacklist.Options{IO: ios, Globals: g, Command: ipcheck.Command}
	var ip ipcheck.Options
	cmd := &cobra.Command{
		Use:   "ip IP|CIDR|- ...",
		Short: "Check a sending IP's health: reverse DNS, HELO, blocklists, allowlists and reputation",
		Long: `Judge each address as receivers judge a sending server, all its questions
at once:

  ptr         reverse DNS, forward-confirmed (the PTR name resolves back),
              and whether the name looks like a provider's generic one
              (the address's octets, "dynamic", "dsl", "pool"…)
  helo        with --helo NAME: whether the name resolves to the address
              and is its PTR name
  ZONE        one check per blocklist and allowlist of the catalog (or the
              --list zones), as blacklist ip reports them: refusals and
              lists failing their self-test are errors, never "not listed"
  reputation  the scores published in DNS: SenderScore (0–100) and
              Mailspike's reputation level (IPv4 only)

Addresses, CIDR blocks, "-" (stdin) and --file are read as blacklist ip
reads them, within the same --max-addresses bound. One report per address.

Exit codes: 0 nothing at the --fail-on gate, 1 a finding at the gate (or,
with --fail-on-change, anything changed since --state), 2 bad input, 3 a
check could not finish.`,
		Example: `  relayctl check ip 192.0.2.25
  relayctl check ip 192.0.2.25 --helo mail.example.com
  relayctl check ip 2001:db8::25 -o json
  relayctl check ip --file senders.txt --state senders.state --fail-on-change`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			if h := strings.TrimSpace(ip.HELO); ip.HELO != "" && (h == "" || strings.ContainsAny(h, " \t\r\n")) {
				return cmdutil.Usagef("invalid --helo %q: want a host name or an address literal", ip.HELO)
			}
			o := ip
			opts.Extra = func(ctx context.Context, r dnsx.Resolver, t dnsbl.Target) []checks.Result {
				return ipcheck.Check(ctx, r, t.Addr, o)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return blacklist.Run(cmd.Context(), opts)
		},
	}
	opts.Register(cmd, true)
	f := cmd.Flags()
	f.StringVar(&ip.HELO, "helo", "", "the `NAME` (or [address literal]) the host greets with in HELO/EHLO")
	f.BoolVar(&ip.NoReputation, "no-reputation", false, "leave out the reputation services (SenderScore, Mailspike)")
	return cmd
}
