// Package check wires the "relayctl check" commands: flags to options,
// options to checks/domain, reports to the report package. It holds no
// logic a test of the checks would need.
//
// The subcommands come from the registry of checks (checks/domain.Checks):
// one per Subcommand, with the help and flags commands.go keeps under the
// same name. "check domain" (the whole audit) and the checks that take no
// domain ("check smtp") are wired by hand.
package check

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/checks/domain"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// NewCmdCheck returns "relayctl check" and its subcommands.
func NewCmdCheck(ios *cmdutil.IOStreams, g *cmdutil.Globals) *cobra.Command {
	var titles []string
	for _, c := range domain.Checks() {
		if c.Run != nil {
			titles = append(titles, c.Title)
		}
	}
	cmd := &cobra.Command{
		Use:   "check <command>",
		Short: "Audit a domain's mail setup (" + strings.Join(titles, ", ") + "), probe SMTP servers or check a received message",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(NewCmdDomain(ios, g, nil))
	subs := []string{"domain"}
	names, parts := subcommands()
	standalone := standaloneCommands()
	for _, name := range names {
		switch {
		case parts[name]:
			cmd.AddCommand(NewCmdPart(ios, g, name, nil))
		case standalone[name] != nil:
			cmd.AddCommand(standalone[name](ios, g))
		default:
			continue
		}
		subs = append(subs, name)
	}
	// The message checks have a registry of their own (checks/message):
	// they judge a message, not a domain.
	cmd.AddCommand(NewCmdMessage(ios, g, nil))
	subs = append(subs, "message")
	missing := "missing subcommand: " + strings.Join(subs[:len(subs)-1], ", ") + " or " + subs[len(subs)-1]
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return cmdutil.Usagef("%s", missing)
	}
	return cmd
}

// standaloneCommands builds the commands of the registry's checks that
// take no domain, by name: each has its own arguments and options.
func standaloneCommands() map[string]func(*cmdutil.IOStreams, *cmdutil.Globals) *cobra.Command {
	return map[string]func(*cmdutil.IOStreams, *cmdutil.Globals) *cobra.Command{
		"smtp": func(ios *cmdutil.IOStreams, g *cmdutil.Globals) *cobra.Command { return NewCmdSMTP(ios, g, nil) },
	}
}
