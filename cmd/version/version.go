// Package version wires "relayctl version": the module version, VCS
// revision and commit time of the binary. A release build sets them with
// -ldflags -X (goreleaser); a plain "go build" or "go install" gets them
// from the build information the Go toolchain records in every binary.
package version

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// What a field shows when neither ldflags nor the build information say.
// A field that is empty or already holds its placeholder counts as unset.
const (
	UnknownVersion = "dev"
	UnknownCommit  = "none"
	UnknownDate    = "unknown"
)

// Info is what the build stamped into the binary.
type Info struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Date    string `json:"date"`
	// Modified says the working tree had uncommitted changes when Commit
	// was built (vcs.modified). It is only known for a commit the Go
	// toolchain recorded itself.
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
}

// Fill completes what ldflags left unset from the running binary's build
// information.
func (i Info) Fill() Info {
	if bi, ok := debug.ReadBuildInfo(); ok {
		return i.FillFrom(bi)
	}
	return i.FillFrom(nil)
}

// FillFrom completes what ldflags left unset from bi, which may be nil
// (a binary built without module support). Values set by ldflags win:
// goreleaser's are the ones a release promises. From bi it takes the main
// module's version ("go install ...@v1.2.3" knows it; a build in a
// checkout knows a pseudo-version, or "(devel)", which means nothing) and
// the vcs.revision, vcs.time and vcs.modified settings "go build" records
// in a checkout (unless -buildvcs=false). Whatever is still unknown gets
// the Unknown* placeholder.
func (i Info) FillFrom(bi *debug.BuildInfo) Info {
	unset := func(v, placeholder string) bool { return v == "" || v == placeholder }
	if bi != nil {
		if unset(i.Version, UnknownVersion) && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			i.Version = bi.Main.Version
		}
		vcs := map[string]string{}
		for _, s := range bi.Settings {
			vcs[s.Key] = s.Value
		}
		if rev := vcs["vcs.revision"]; rev != "" {
			if unset(i.Commit, UnknownCommit) {
				i.Commit = rev
			}
			// The tree state belongs to the recorded revision only; a
			// commit from ldflags that differs from it says nothing
			// about it.
			if i.Commit == rev {
				i.Modified = vcs["vcs.modified"] == "true"
			}
		}
		if t := vcs["vcs.time"]; t != "" && unset(i.Date, UnknownDate) {
			i.Date = t
		}
		if i.Go == "" {
			i.Go = bi.GoVersion
		}
	}
	if i.Version == "" {
		i.Version = UnknownVersion
	}
	if i.Commit == "" {
		i.Commit = UnknownCommit
	}
	if i.Date == "" {
		i.Date = UnknownDate
	}
	if i.Go == "" {
		i.Go = runtime.Version()
	}
	return i
}

// commit is the commit with a note when the tree was modified.
func (i Info) commit() string {
	if i.Modified {
		return i.Commit + " (modified)"
	}
	return i.Commit
}

// String is the one-line form used by --version too.
func (i Info) String() string {
	return fmt.Sprintf("relayctl %s (commit %s, built %s, %s)", i.Version, i.commit(), i.Date, i.Go)
}

// NewCmdVersion returns "relayctl version".
func NewCmdVersion(ios *cmdutil.IOStreams, g *cmdutil.Globals, info Info) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Long: `Print the version of relayctl, the commit it was built from and that
commit's time. A release build carries the values goreleaser stamped in;
a binary from "go build" or "go install" carries what the Go toolchain
recorded (the module version, and in a git checkout the revision, its
time and whether the tree had uncommitted changes).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := g.ValidateOutput("version")
			if err != nil {
				return err
			}
			if set.Format == "table" {
				fmt.Fprintf(ios.Out, "relayctl %s\ncommit: %s\nbuilt:  %s\ngo:     %s\n", info.Version, info.commit(), info.Date, info.Go)
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
