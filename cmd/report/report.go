// Package report wires "relayctl report": the reports receivers send
// back (DMARC aggregate and failure reports, SMTP TLS reports) read by
// checks/dmarcreport, summarised by checks/reportsummary and kept in
// SQLite by checks/reportstore. It holds no parsing logic.
package report

import (
	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// NewCmdReport returns "relayctl report" and its subcommands.
func NewCmdReport(ios *cmdutil.IOStreams, g *cmdutil.Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report <command>",
		Short: "Read DMARC and TLS reports: who sends as your domain, what to fix",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmdutil.Usagef("missing subcommand: parse or summary")
		},
	}
	cmd.AddCommand(NewCmdParse(ios, g, nil), NewCmdSummary(ios, g, nil), NewCmdFetch(ios, g, nil))
	return cmd
}
