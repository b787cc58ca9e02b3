// Package root builds the relayctl command tree and runs it, turning what
// a command returns into the exit code of docs/contract.md.
package root

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/cmd/blacklist"
	"github.com/relayctl/relayctl/cmd/bounce"
	"github.com/relayctl/relayctl/cmd/check"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/cmd/explain"
	reportcmd "github.com/relayctl/relayctl/cmd/report"
	sendcmd "github.com/relayctl/relayctl/cmd/send"
	"github.com/relayctl/relayctl/cmd/serve"
	verifycmd "github.com/relayctl/relayctl/cmd/verify"
	"github.com/relayctl/relayctl/cmd/version"
	"github.com/relayctl/relayctl/cmd/warmup"
	"github.com/relayctl/relayctl/report"
)

// NewCmdRoot returns the relayctl command with every subcommand.
func NewCmdRoot(ios *cmdutil.IOStreams, info version.Info) *cobra.Command {
	g := &cmdutil.Globals{Version: info.Version}
	cmd := &cobra.Command{
		Use:   "relayctl <command> [flags]",
		Short: "Email deliverability diagnostics for people and CI",
		Long: `relayctl audits what a domain's mail depends on — MX, reverse DNS, SPF, DKIM,
DMARC, MTA-STS, TLS-RPT, BIMI, DANE, DNSSEC and the SMTP servers themselves —
checks addresses and domains against DNS blocklists, reads bounce messages,
and sends mail through a relay with an exact outcome: a table for a person at
a terminal, JSON for a script or a CI gate.

Exit codes: 0 nothing reached the --fail-on gate; 1 a finding did (or send had
a permanent rejection); 2 bad usage or input; 3 something could not complete
(DNS failure, timeout, unreachable server, temporary rejection).`,
		Version: info.String(),
		// Errors and usage are printed by Main, once, in one format.
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	cmd.SetVersionTemplate("{{.Version}}\n")
	g.Register(cmd.PersistentFlags())
	// --version without cobra's -v shorthand, which send -v (verbose) will
	// want.
	cmd.Flags().Bool("version", false, "print the version, commit and build date")
	cmd.SetFlagErrorFunc(cmdutil.FlagError)
	cmd.AddCommand(
		check.NewCmdCheck(ios, g),
		blacklist.NewCmdBlacklist(ios, g),
		bounce.NewCmdBounce(ios, g),
		reportcmd.NewCmdReport(ios, g),
		sendcmd.NewCmdSend(ios, g, nil),
		verifycmd.NewCmdVerify(ios, g, nil),
		serve.NewCmdServe(ios, g, nil),
		version.NewCmdVersion(ios, g, info),
		explain.NewCmdExplain(ios, g),
		warmup.NewCmdWarmup(ios, g),
	)
	incompleteOnError(cmd)
	cmdutil.RegisterCompletions(cmd)
	return cmd
}

// incompleteOnError makes an untyped error from a command's run an
// IncompleteError (exit 3), so that only errors cobra raises before a run
// (unknown command, wrong number of arguments) default to bad usage.
func incompleteOnError(cmd *cobra.Command) {
	if run := cmd.RunE; run != nil {
		cmd.RunE = func(c *cobra.Command, args []string) error {
			err := run(c, args)
			var usage *cmdutil.UsageError
			var exit *cmdutil.ExitError
			var incomplete *cmdutil.IncompleteError
			if err == nil || errors.As(err, &usage) || errors.As(err, &exit) || errors.As(err, &incomplete) {
				return err
			}
			return &cmdutil.IncompleteError{Err: err}
		}
	}
	for _, c := range cmd.Commands() {
		incompleteOnError(c)
	}
}

// Main runs relayctl with args and returns the exit code.
func Main(ctx context.Context, args []string, ios *cmdutil.IOStreams, info version.Info) report.Exit {
	cmd := NewCmdRoot(ios, info.Fill())
	cmd.SetArgs(args)
	cmd.SetIn(ios.In)
	cmd.SetOut(ios.Out)
	cmd.SetErr(ios.ErrOut)
	ran, err := cmd.ExecuteContextC(ctx)
	code, print := cmdutil.ExitCodeOf(err)
	if err != nil && ctx.Err() != nil {
		// Ctrl-C or SIGTERM (cmd/relayctl cancels ctx on both) ended the
		// run: whatever the command made of the cancelled wait (a read
		// of stdin, a query, a file it could not finish), the run is
		// incomplete. A command that says how far it got keeps its
		// words; the bare cancellation becomes "interrupted".
		if code == report.ExitIncomplete && print && !errors.Is(err, ctx.Err()) {
			fmt.Fprintf(ios.ErrOut, "relayctl: %s\n", cmdutil.ErrorText(err))
		} else {
			fmt.Fprintln(ios.ErrOut, "relayctl: interrupted")
		}
		return report.ExitIncomplete
	}
	if print {
		fmt.Fprintf(ios.ErrOut, "relayctl: %s\n", cmdutil.ErrorText(err))
		if code == report.ExitUsage && ran != nil {
			fmt.Fprintf(ios.ErrOut, "Run '%s --help' for usage.\n", ran.CommandPath())
		}
	}
	return code
}
