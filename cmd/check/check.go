// Package check wires the "relayctl check" commands: flags to options,
// options to checks/domain, reports to the report package. It holds no
// logic a test of the checks would need.
package check

import (
	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// NewCmdCheck returns "relayctl check" and its subcommands.
func NewCmdCheck(ios *cmdutil.IOStreams, g *cmdutil.Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "check <command>",
		Short: "Audit a domain's mail setup (MX, reverse DNS, SPF, DKIM, DMARC, MTA-STS, TLS-RPT, BIMI, DANE, DNSSEC) or probe SMTP servers",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmdutil.Usagef("missing subcommand: domain, spf, dkim, dmarc, mx, mtasts, tlsrpt, bimi or smtp")
		},
	}
	cmd.AddCommand(
		NewCmdDomain(ios, g, nil),
		NewCmdSPF(ios, g, nil),
		NewCmdDKIM(ios, g, nil),
		NewCmdDMARC(ios, g, nil),
		NewCmdMX(ios, g, nil),
		NewCmdMTASTS(ios, g, nil),
		NewCmdTLSRPT(ios, g, nil),
		NewCmdBIMI(ios, g, nil),
		NewCmdSMTP(ios, g, nil),
	)
	return cmd
}
