package check

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/checks/domain"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// onePartTransport is onePart for the parts that fetch over HTTPS: it
// adds --ca (and --bimi-selector for bimi) and applies them first.
func onePartTransport(opts *Options, runF func(context.Context, *Options) error, cmd *cobra.Command, bimiFlag bool) *cobra.Command {
	var f domainTransportFlags
	inner := runF
	if inner == nil {
		inner = run
	}
	onePart(opts, func(ctx context.Context, o *Options) error {
		if err := f.apply(o); err != nil {
			return err
		}
		return inner(ctx, o)
	}, cmd)
	cmd.Flags().StringVar(&f.caFile, "ca", "", "also trust the CA certificates in this PEM `FILE` (with the system's) for the HTTPS fetch")
	if bimiFlag {
		cmd.Flags().StringVar(&f.bimiSelector, "bimi-selector", "", "BIMI `SELECTOR` to look up (default \"default\")")
	}
	return cmd
}

// NewCmdMTASTS returns "check mtasts".
func NewCmdMTASTS(ios *cmdutil.IOStreams, g *cmdutil.Globals, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: ios, Globals: g, Audit: domain.Options{Command: "check mtasts", Parts: []string{domain.PartMTASTS}}}
	return onePartTransport(opts, runF, &cobra.Command{
		Use:   "mtasts DOMAIN",
		Short: "Check a domain's MTA-STS record and policy",
		Long: `Look up _mta-sts.DOMAIN (RFC 8461 §3.1), fetch the policy from
https://mta-sts.DOMAIN/.well-known/mta-sts.txt the way senders must (valid
certificate for that name, status 200, text/plain, no redirects, at most
64 KiB, --timeout for the whole fetch), check its syntax, and check that its
mx patterns cover every MX host of the domain.`,
		Example: `  relayctl check mtasts example.com
  relayctl check mtasts example.com --ca private-ca.pem`,
	}, false)
}

// NewCmdTLSRPT returns "check tlsrpt".
func NewCmdTLSRPT(ios *cmdutil.IOStreams, g *cmdutil.Globals, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: ios, Globals: g, Audit: domain.Options{Command: "check tlsrpt", Parts: []string{domain.PartTLSRPT}}}
	return onePart(opts, runF, &cobra.Command{
		Use:   "tlsrpt DOMAIN",
		Short: "Check a domain's TLS-RPT record",
		Long: `Look up _smtp._tls.DOMAIN (RFC 8460 §3) and check its syntax and its rua
destinations (mailto: or https:). A missing record is a warning where the
domain uses MTA-STS or DANE.`,
		Example: `  relayctl check tlsrpt example.com`,
	})
}

// NewCmdBIMI returns "check bimi".
func NewCmdBIMI(ios *cmdutil.IOStreams, g *cmdutil.Globals, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: ios, Globals: g, Audit: domain.Options{Command: "check bimi", Parts: []string{domain.PartBIMI}}}
	return onePartTransport(opts, runF, &cobra.Command{
		Use:   "bimi DOMAIN",
		Short: "Check a domain's BIMI record, its DMARC policy and its logo",
		Long: `Look up default._bimi.DOMAIN (or --bimi-selector), falling back to the
organizational domain; check the record's syntax, that DMARC is at quarantine
or reject for all mail, and fetch the l= logo over HTTPS to check it is an SVG
in the SVG Tiny PS profile.`,
		Example: `  relayctl check bimi example.com
  relayctl check bimi example.com --bimi-selector brand`,
	}, true)
}
