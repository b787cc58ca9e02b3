// Package version wires "relayctl version": the version, commit and build
// date that the release build sets with -ldflags -X.
package version

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// Info is what the build stamped into the binary.
type Info struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Date    string `json:"date"`
	Go      string `json:"go"`
}

// Fill completes what ldflags left at their defaults from the module
// information Go records itself (a "go install ...@v1.2.3" build has no
// ldflags but knows its version and, in a checkout, its commit).
func (i Info) Fill() Info {
	if i.Go == "" {
		i.Go = runtime.Version()
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return i
	}
	if (i.Version == "" || i.Version == "dev") && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		i.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision" && (i.Commit == "" || i.Commit == "none"):
			i.Commit = s.Value
		case s.Key == "vcs.time" && (i.Date == "" || i.Date == "unknown"):
			i.Date = s.Value
		}
	}
	return i
}

// String is the one-line form used by --version too.
func (i Info) String() string {
	return fmt.Sprintf("relayctl %s (commit %s, built %s, %s)", i.Version, i.Commit, i.Date, i.Go)
}

// NewCmdVersion returns "relayctl version".
func NewCmdVersion(ios *cmdutil.IOStreams, g *cmdutil.Globals, info Info) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := g.Validate()
			if err != nil {
				return err
			}
			if set.Format == "table" {
				fmt.Fprintf(ios.Out, "relayctl %s\ncommit: %s\nbuilt:  %s\ngo:     %s\n", info.Version, info.Commit, info.Date, info.Go)
				return nil
			}
			enc := json.NewEncoder(ios.Out)
			if set.Format == "json" {
				enc.SetIndent("", "  ")
			}
			return enc.Encode(info)
		},
	}
}
