package version

import (
	"encoding/json"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// buildInfo is what "go build" records in a git checkout.
func buildInfo(mainVersion string, settings ...string) *debug.BuildInfo {
	bi := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "github.com/relayctl/relayctl", Version: mainVersion}}
	for i := 0; i+1 < len(settings); i += 2 {
		bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
	}
	return bi
}

const rev = "051a3bccd86e5f5c54bc1024e4cccf24714dc9a3"

func TestFillFrom(t *testing.T) {
	checkout := buildInfo("v0.0.0-20261202132200-051a3bccd86e+dirty",
		"-buildmode", "exe", "vcs", "git", "vcs.revision", rev, "vcs.time", "2026-12-02T13:22:00Z", "vcs.modified", "true")
	for _, c := range []struct {
		name  string
		ld    Info
		bi    *debug.BuildInfo
		want  Info
		wantS string
	}{{
		name:  "go build in a modified checkout, no ldflags",
		bi:    checkout,
		want:  Info{Version: "v0.0.0-20261202132200-051a3bccd86e+dirty", Commit: rev, Date: "2026-12-02T13:22:00Z", Modified: true, Go: "go1.26.0"},
		wantS: "relayctl v0.0.0-20261202132200-051a3bccd86e+dirty (commit " + rev + " (modified), built 2026-12-02T13:22:00Z, go1.26.0)",
	}, {
		name: "main's placeholders count as unset",
		ld:   Info{Version: UnknownVersion, Commit: UnknownCommit, Date: UnknownDate},
		bi:   buildInfo("(devel)", "vcs.revision", rev, "vcs.time", "2026-12-02T13:22:00Z", "vcs.modified", "false"),
		want: Info{Version: UnknownVersion, Commit: rev, Date: "2026-12-02T13:22:00Z", Go: "go1.26.0"},
	}, {
		name:  "go install module@version: a version, no VCS settings",
		bi:    buildInfo("v1.4.0", "-buildmode", "exe"),
		want:  Info{Version: "v1.4.0", Commit: UnknownCommit, Date: UnknownDate, Go: "go1.26.0"},
		wantS: "relayctl v1.4.0 (commit none, built unknown, go1.26.0)",
	}, {
		name: "goreleaser's ldflags win over the build information",
		ld:   Info{Version: "1.5.0", Commit: "abc123", Date: "2026-12-01T00:00:00Z"},
		bi:   checkout,
		// The recorded tree state belongs to another revision.
		want: Info{Version: "1.5.0", Commit: "abc123", Date: "2026-12-01T00:00:00Z", Go: "go1.26.0"},
	}, {
		name: "ldflags commit equal to the recorded revision keeps its tree state",
		ld:   Info{Version: "1.5.0", Commit: rev, Date: "2026-12-01T00:00:00Z"},
		bi:   checkout,
		want: Info{Version: "1.5.0", Commit: rev, Date: "2026-12-01T00:00:00Z", Modified: true, Go: "go1.26.0"},
	}, {
		name: "only some ldflags set",
		ld:   Info{Version: "1.5.0"},
		bi:   checkout,
		want: Info{Version: "1.5.0", Commit: rev, Date: "2026-12-02T13:22:00Z", Modified: true, Go: "go1.26.0"},
	}, {
		name: "no build information",
		want: Info{Version: UnknownVersion, Commit: UnknownCommit, Date: UnknownDate, Go: runtime.Version()},
	}} {
		t.Run(c.name, func(t *testing.T) {
			got := c.ld.FillFrom(c.bi)
			if got != c.want {
				t.Errorf("FillFrom:\n got %+v\nwant %+v", got, c.want)
			}
			if c.wantS != "" && got.String() != c.wantS {
				t.Errorf("String:\n got %q\nwant %q", got.String(), c.wantS)
			}
		})
	}
}

func TestVersionCommand(t *testing.T) {
	info := Info{Version: "v1.4.0", Commit: rev, Date: "2026-12-02T13:22:00Z", Modified: true, Go: "go1.26.0"}
	ios, _, out, _ := cmdutil.Test()
	g := &cmdutil.Globals{}
	cmd := NewCmdVersion(ios, g, info)
	g.Register(cmd.Flags())
	cmd.SetArgs(nil)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	want := "relayctl v1.4.0\ncommit: " + rev + " (modified)\nbuilt:  2026-12-02T13:22:00Z\ngo:     go1.26.0\n"
	if out.String() != want {
		t.Errorf("table:\n got %q\nwant %q", out.String(), want)
	}

	for _, c := range []struct {
		info     Info
		modified bool
	}{{info, true}, {Info{Version: "v1.4.0", Commit: rev, Date: "d", Go: "go1.26.0"}, false}} {
		ios, _, out, _ := cmdutil.Test()
		g := &cmdutil.Globals{}
		cmd := NewCmdVersion(ios, g, c.info)
		g.Register(cmd.Flags())
		cmd.SetArgs([]string{"-o", "json"})
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(out.Bytes(), &m); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if m["version"] != "v1.4.0" || m["commit"] != rev || m["go"] != "go1.26.0" {
			t.Errorf("json: %v", m)
		}
		// The commit stays the bare revision in JSON; the tree state is
		// its own key, left out when clean.
		if _, has := m["modified"]; has != c.modified || c.modified && m["modified"] != true {
			t.Errorf("json modified = %v (present %v), want %v", m["modified"], has, c.modified)
		}
		if strings.Contains(out.String(), "(modified)") {
			t.Errorf("json commit carries the table's note:\n%s", out)
		}
	}
}
