package check

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/checks/domain"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// NewCmdDKIM returns "check dkim".
func NewCmdDKIM(ios *cmdutil.IOStreams, g *cmdutil.Globals, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: ios, Globals: g, Audit: domain.Options{Command: "check dkim", Parts: []string{domain.PartDKIM}}}
	cmd := onePart(opts, runF, &cobra.Command{
		Use:   "dkim DOMAIN",
		Short: "Look up and judge a domain's DKIM keys",
		Long: `Look up the DKIM key records of DOMAIN (RFC 6376 §3.6): the selectors named
by --selector, or else a list of common selectors, all at once. Reports each
key's type and size, revoked keys and test mode.`,
		Example: `  relayctl check dkim example.com --selector selector1`,
	})
	cmd.Flags().StringArrayVar(&opts.Audit.Selectors, "selector", nil, "DKIM `SELECTOR` to look up, repeatable (default: probe common selectors)")
	return cmd
}

// NewCmdDMARC returns "check dmarc".
func NewCmdDMARC(ios *cmdutil.IOStreams, g *cmdutil.Globals, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: ios, Globals: g, Audit: domain.Options{Command: "check dmarc", Parts: []string{domain.PartDMARC}}}
	return onePart(opts, runF, &cobra.Command{
		Use:   "dmarc DOMAIN",
		Short: "Find and judge a domain's DMARC policy",
		Long: `Find the DMARC record for DOMAIN (RFC 7489 §6.6.3; the DMARCbis tree walk),
check every tag, and check that external report destinations have
authorised the reports (RFC 7489 §7.1).`,
		Example: `  relayctl check dmarc example.com`,
	})
}

// NewCmdMX returns "check mx": the MX hosts and the reverse DNS of their
// addresses (the mx and ptr parts).
func NewCmdMX(ios *cmdutil.IOStreams, g *cmdutil.Globals, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: ios, Globals: g, Audit: domain.Options{Command: "check mx", Parts: []string{domain.PartMX, domain.PartPTR}}}
	return onePart(opts, runF, &cobra.Command{
		Use:   "mx DOMAIN",
		Short: "Check a domain's MX hosts and their reverse DNS",
		Long: `Look up the MX records of DOMAIN (RFC 5321 §5.1) with each host's addresses,
null MX (RFC 7505), alias and IP-literal targets, then the forward-confirmed
reverse DNS of every address (the ptr check).`,
		Example: `  relayctl check mx example.com`,
	})
}

// onePart finishes a one-domain check command.
func onePart(opts *Options, runF func(context.Context, *Options) error, cmd *cobra.Command) *cobra.Command {
	cmd.Args = cobra.ExactArgs(1)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		opts.Domains = args
		if runF != nil {
			return runF(cmd.Context(), opts)
		}
		return run(cmd.Context(), opts)
	}
	return cmd
}
