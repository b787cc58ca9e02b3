package check

import (
	"context"
	"net/netip"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/checks/domain"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// NewCmdSPF returns "check spf".
func NewCmdSPF(ios *cmdutil.IOStreams, g *cmdutil.Globals, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: ios, Globals: g, Audit: domain.Options{Command: "check spf", Parts: []string{domain.PartSPF}}}
	var ip string
	cmd := &cobra.Command{
		Use:   "spf DOMAIN",
		Short: "Analyse a domain's SPF record; with --ip, evaluate it for that client",
		Long: `Analyse the SPF record of DOMAIN: syntax, the include/redirect tree and its
DNS lookup count (RFC 7208 §4.6.4), void lookups and the all qualifier.

With --ip, also run the RFC 7208 check_host() function for a message from
that address: the result (pass, fail, softfail, neutral, none, permerror,
temperror) goes to data.result and any exp= explanation to
data.explanation. --sender is the MAIL FROM address (default
postmaster@DOMAIN) and --helo the name the client greeted with.`,
		Example: `  relayctl check spf example.com
  relayctl check spf example.com --ip 192.0.2.10 --sender bounce@example.com`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Domains = args
			if ip != "" {
				addr, err := netip.ParseAddr(ip)
				if err != nil || addr.Zone() != "" {
					return cmdutil.Usagef("invalid --ip %q: want an IPv4 or IPv6 address", ip)
				}
				opts.Audit.IP = addr.Unmap()
			} else if opts.Audit.Sender != "" || opts.Audit.HELO != "" {
				return cmdutil.Usagef("--sender and --helo need --ip: they describe the client check_host() evaluates")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&ip, "ip", "", "evaluate check_host() for a client at this `IP`")
	cmd.Flags().StringVar(&opts.Audit.Sender, "sender", "", "the MAIL FROM `ADDR` for --ip (default postmaster@DOMAIN)")
	cmd.Flags().StringVar(&opts.Audit.HELO, "helo", "", "the HELO/EHLO `NAME` of the client for --ip")
	return cmd
}
