package blacklist

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/checks/dnsbl"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/report"
)

// NewCmdLists returns "blacklist lists": the catalog.
func NewCmdLists(ios *cmdutil.IOStreams, g *cmdutil.Globals, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: ios, Globals: g}
	cmd := &cobra.Command{
		Use:   "lists",
		Short: "Print the catalog of blocklists: zones, kinds, defaults, keys, return codes",
		Long: `Print the lists "blacklist ip" and "blacklist domain" know: each zone, what it
lists (ip4, ip6, domain), whether it is checked by default, the key it
needs, the severity of a listing and where it explains its listings.
With -o json, every return code and its meaning too. --lists-file adds
your own lists.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runLists(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringArrayVar(&opts.ListsFiles, "lists-file", nil, "add the lists of this YAML `FILE` to the catalog; repeatable")
	return cmd
}

func runLists(ctx context.Context, opts *Options) error {
	set, err := opts.Globals.ValidateRecords(ctx, "blacklist lists")
	if err != nil {
		return err
	}
	cat, err := opts.catalog()
	if err != nil {
		return err
	}
	return report.WriteCatalog(opts.IO.Out, set.Format, cmdutil.TableOptions(opts.IO, opts.Globals), cat)
}

// zones completes --list: the catalog's zones (with --lists-file's, when it
// reads) that list the command's kind of target.
func (o *Options) zones(ip bool) []string {
	cat, err := o.catalog()
	if err != nil {
		cat = dnsbl.Builtin()
	}
	var out []string
	for _, l := range cat {
		if ip && (l.Lists(dnsbl.KindIP4) || l.Lists(dnsbl.KindIP6)) || !ip && l.Lists(dnsbl.KindDomain) {
			out = append(out, l.Zone)
		}
	}
	return out
}
