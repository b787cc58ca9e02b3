package blacklist

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

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
			return runLists(opts)
		},
	}
	cmd.Flags().StringArrayVar(&opts.ListsFiles, "lists-file", nil, "add the lists of this YAML `FILE` to the catalog; repeatable")
	return cmd
}

func runLists(opts *Options) error {
	set, err := opts.Globals.Validate()
	if err != nil {
		return err
	}
	cat, err := opts.catalog()
	if err != nil {
		return err
	}
	switch set.Format {
	case report.FormatJSON, report.FormatNDJSON:
		for i := range cat {
			if cat[i].Codes == nil {
				cat[i].Codes = []dnsbl.Code{}
			}
		}
		if set.Format == report.FormatNDJSON {
			for _, l := range cat {
				b, err := json.Marshal(l)
				if err != nil {
					return err
				}
				fmt.Fprintf(opts.IO.Out, "%s\n", b)
			}
			return nil
		}
		b, err := json.MarshalIndent(cat, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(opts.IO.Out, "%s\n", b)
		return nil
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ZONE\tKIND\tDEFAULT\tKEY\tSEVERITY\tNAME\tINFO")
	for _, l := range cat {
		def := "no"
		if l.Default {
			def = "yes"
		}
		key := "-"
		if l.Key != dnsbl.KeyNone {
			key = l.Key.Flag()
		}
		name := l.Name
		if l.Allowlist {
			name += " [allowlist]"
		}
		if l.Bitmask {
			name += " [bitmask]"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", l.Zone, l.KindString(), def, key, l.Severity, name, l.Info)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(opts.IO.Out, strings.TrimSpace(`
A list with a key is checked only when its key is given (--dqs-key,
--abusix-key); the DQS zones then stand in for the public Spamhaus ones.
Return codes and their meanings: relayctl blacklist lists -o json.`))
	return nil
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
