package cmdutil

import (
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/state"
	"github.com/relayctl/relayctl/report"
)

// StateFlags are --state and --fail-on-change, the same on every command
// that remembers its verdicts between runs (blacklist ip and domain,
// check ip and domain; docs/state.md).
type StateFlags struct {
	Path         string
	FailOnChange bool
}

// Register adds the flags to fs.
func (s *StateFlags) Register(fs *pflag.FlagSet) {
	fs.StringVar(&s.Path, "state", "", "compare with the verdicts saved in `FILE` by the previous run, report what changed, and save this run's there")
	fs.BoolVar(&s.FailOnChange, "fail-on-change", false, "exit 1 when anything changed since the previous run (needs --state)")
}

// StateRun compares a run's reports with the previous run's and saves
// them. A nil or zero StateRun (no --state) does nothing.
type StateRun struct {
	path    string
	fail    bool
	ignore  []string
	prev    *state.File
	next    *state.File
	changed bool
}

// Open loads the state file; an unusable one is said on errOut and
// treated as no previous state. ignore are the --ignore globs, applied
// to the changes too.
func (s *StateFlags) Open(errOut io.Writer, ignore []string) (*StateRun, error) {
	if s.Path == "" {
		if s.FailOnChange {
			return nil, Usagef("--fail-on-change needs --state FILE")
		}
		return &StateRun{}, nil
	}
	prev, warn, err := state.Load(s.Path)
	if err != nil {
		return nil, &UsageError{Err: err}
	}
	if warn != nil {
		fmt.Fprintf(errOut, "relayctl: warning: %s\n", ErrorText(warn))
	}
	next := &state.File{Version: state.Version, Targets: make(map[string]state.Target, len(prev.Targets))}
	for k, v := range prev.Targets {
		next.Targets[k] = v
	}
	return &StateRun{path: s.Path, fail: s.FailOnChange, ignore: ignore, prev: prev, next: next}, nil
}

// Observe adds the state check (what changed since the previous run) to
// rep, already filtered by --ignore, and records rep's verdicts for
// Save. A report that could not be checked at all (rep.Error) is
// neither compared nor recorded: the previous verdicts stand. It
// reports whether anything changed.
func (r *StateRun) Observe(rep *checks.Report) bool {
	if r == nil || r.prev == nil || rep.Error != "" {
		return false
	}
	var changes []checks.Finding
	for _, f := range r.prev.Diff(rep) {
		if !report.Ignored(f.Code, r.ignore) {
			changes = append(changes, f)
		}
	}
	r.next.Record(rep)
	rep.Checks = append(rep.Checks, state.Result(changes))
	rep.Settle()
	if len(changes) > 0 {
		r.changed = true
	}
	return len(changes) > 0
}

// Save writes the verdicts to the state file (atomically).
func (r *StateRun) Save() error {
	if r == nil || r.prev == nil {
		return nil
	}
	if err := state.Save(r.path, r.next); err != nil {
		return Incomplete("saving --state", err)
	}
	return nil
}

// Exit is the run's exit code with --fail-on-change applied: a change
// is a gate failure (exit 1), which outranks an incomplete check.
func (r *StateRun) Exit(e report.Exit) report.Exit {
	if r != nil && r.fail && r.changed {
		return report.ExitGate
	}
	return e
}
