package check

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/checks/domain"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// NewCmdPart returns "check NAME" for a subcommand of the registry
// (checks/domain.Checks) that runs parts of the domain audit for one
// domain: the parts whose Subcommand is name ("check mx" runs mx and
// ptr), with the help and flags of its commandSpec. runF replaces the run
// function in tests of the flag wiring.
func NewCmdPart(ios *cmdutil.IOStreams, g *cmdutil.Globals, name string, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: ios, Globals: g, Audit: domain.Options{Command: "check " + name, Parts: partsOf(name)}}
	spec := commandSpecs()[name]
	var flags []flagGroup
	if spec.flags != nil {
		flags = spec.flags()
	}
	cmd := &cobra.Command{
		Use:     name + " DOMAIN",
		Short:   spec.Short,
		Long:    spec.Long,
		Example: spec.Example,
		Args:    bulkArgs(cobra.ExactArgs(1), true),
	}
	wire(cmd, opts, flags, runF)
	return cmd
}

// wire registers flags on cmd and makes its RunE apply them to opts,
// then run (or runF, in tests).
func wire(cmd *cobra.Command, opts *Options, flags []flagGroup, runF func(context.Context, *Options) error) {
	flags = append(flags, bulkFlags{})
	for _, f := range flags {
		f.register(cmd, opts)
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		opts.Domains = args
		var selectors *[]string
		if cmd.Flags().Lookup("selector") != nil {
			selectors = &opts.Audit.Selectors
		}
		if err := opts.Globals.LoadPolicy(cmd.Context(), cmd.Flags(), selectors); err != nil {
			return err
		}
		for _, f := range flags {
			if err := f.apply(opts); err != nil {
				return err
			}
		}
		if runF != nil {
			return runF(cmd.Context(), opts)
		}
		return run(cmd.Context(), opts)
	}
}

// partsOf returns the parts the subcommand name runs, in report order.
func partsOf(name string) []string {
	var out []string
	for _, c := range domain.Checks() {
		if c.Run != nil && c.Subcommand() == name {
			out = append(out, c.Name)
		}
	}
	return out
}

// subcommands returns the registry's "relayctl check" subcommands in
// registry order, each once, and whether it runs parts of the domain
// audit (else it is wired by hand: standalone).
func subcommands() (names []string, parts map[string]bool) {
	parts = map[string]bool{}
	seen := map[string]bool{}
	for _, c := range domain.Checks() {
		sub := c.Subcommand()
		if !seen[sub] {
			seen[sub] = true
			names = append(names, sub)
		}
		if c.Run != nil {
			parts[sub] = true
		}
	}
	return names, parts
}
