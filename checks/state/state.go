// Package state remembers the verdicts of a run so that the next run can
// say what changed: a target newly listed or delisted, a finding that
// appeared or went away, a check whose status moved. It loads a state
// file, diffs each new report against the entry it holds for the same
// command and target, and saves the new verdicts back atomically (a temp
// file in the same directory, fsync, rename), so that a crash never
// leaves a half-written file. docs/state.md describes the file.
package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/relayctl/relayctl/checks"
)

// Version is the version of the state file's format.
const Version = 1

// Name is the Result.Name of the check that carries the changes.
const Name = "state"

// Finding codes. docs/state.md describes each.
const (
	// CodeNewFinding: a finding code that the previous run did not have
	// appeared in a check (a target newly listed, for a blocklist).
	CodeNewFinding = "state.new-finding"
	// CodeFindingGone: a finding code of the previous run is gone (a
	// target delisted).
	CodeFindingGone = "state.finding-gone"
	// CodeStatusChanged: a check's status is not the previous run's.
	CodeStatusChanged = "state.status-changed"
)

// File is the state file: a version and one entry per command and target.
type File struct {
	Version int `json:"version"`
	// Targets by Key(command, target).
	Targets map[string]Target `json:"targets"`
}

// Target is what one run found about one target.
type Target struct {
	Command string        `json:"command"`
	Target  string        `json:"target"`
	Status  checks.Status `json:"status"`
	Checked time.Time     `json:"checked"`
	// Checks by name.
	Checks map[string]Check `json:"checks"`
}

// Check is one check's verdict: its status and the codes of its findings
// (each with its first message, for the change's text).
type Check struct {
	Status   checks.Status     `json:"status"`
	Findings map[string]string `json:"findings,omitempty"`
}

// Key is the entry of a command's target.
func Key(command, target string) string { return command + " " + target }

// New is an empty state.
func New() *File { return &File{Version: Version, Targets: map[string]Target{}} }

// ErrCorrupt is the kind of a state file that cannot be used: truncated,
// not JSON, or of another version.
var ErrCorrupt = errors.New("state: unusable state file")

// maxSize bounds the state file read: 64 MiB holds far more targets than
// a CIDR block of the largest size allowed.
const maxSize = 64 << 20

// Load reads the state file at path. A missing file is an empty state.
// An unusable one (truncated, corrupt, another version) is an empty
// state too, with a non-nil warning (of kind ErrCorrupt) saying why; err
// is for a file that exists but cannot be read.
func Load(path string) (f *File, warning, err error) {
	fh, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return New(), nil, nil
	}
	if err != nil {
		return nil, nil, checks.WrapError("state", nil, "cannot read the state file "+path, err)
	}
	defer fh.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(fh, maxSize+1)); err != nil {
		return nil, nil, checks.WrapError("state", nil, "cannot read the state file "+path, err)
	}
	if buf.Len() > maxSize {
		return New(), corrupt(path, "larger than 64 MiB"), nil
	}
	var got File
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		return New(), corrupt(path, "not valid JSON (truncated or damaged)"), nil
	}
	if got.Version != Version {
		return New(), corrupt(path, fmt.Sprintf("version %d, want %d", got.Version, Version)), nil
	}
	if got.Targets == nil {
		got.Targets = map[string]Target{}
	}
	return &got, nil, nil
}

func corrupt(path, why string) error {
	return &checks.Error{Pkg: "state", Kind: ErrCorrupt, Msg: "ignoring the state file " + path + ": " + why + "; treating this run as the first"}
}

// Of is the entry for a report.
func Of(rep *checks.Report) Target {
	t := Target{Command: rep.Command, Target: rep.Target, Status: rep.Status, Checked: rep.Started.UTC(), Checks: map[string]Check{}}
	for _, c := range rep.Checks {
		if c.Name == Name {
			continue
		}
		ch := Check{Status: c.Status}
		for _, f := range c.Findings {
			if ch.Findings == nil {
				ch.Findings = map[string]string{}
			}
			if _, ok := ch.Findings[f.Code]; !ok {
				ch.Findings[f.Code] = f.Message
			}
		}
		t.Checks[c.Name] = ch
	}
	return t
}

// Diff compares a report with the previous run's entry for it and
// returns the changes as findings (info: the findings themselves carry
// the verdict), in a stable order. A target the previous run did not
// check has no changes: there is nothing to compare it with.
func (f *File) Diff(rep *checks.Report) []checks.Finding {
	prev, ok := f.Targets[Key(rep.Command, rep.Target)]
	if !ok {
		return nil
	}
	next := Of(rep)
	var out []checks.Finding
	names := slices.Sorted(maps.Keys(next.Checks))
	for n := range prev.Checks {
		if _, ok := next.Checks[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		old, had := prev.Checks[name]
		cur, has := next.Checks[name]
		if had && has && old.Status != cur.Status {
			out = append(out, change(CodeStatusChanged, fmt.Sprintf("%s: the %s check is now %s (was %s)", rep.Target, name, cur.Status, old.Status)))
		}
		if had != has {
			was, now := "ran", "did not run"
			if has {
				was, now = "did not run", "ran ("+string(cur.Status)+")"
			}
			out = append(out, change(CodeStatusChanged, fmt.Sprintf("%s: the %s check %s this time; it %s last time", rep.Target, name, now, was)))
		}
		for _, code := range slices.Sorted(maps.Keys(cur.Findings)) {
			if _, ok := old.Findings[code]; !ok {
				out = append(out, change(CodeNewFinding, fmt.Sprintf("%s: new in the %s check: %s — %s", rep.Target, name, code, cur.Findings[code])))
			}
		}
		for _, code := range slices.Sorted(maps.Keys(old.Findings)) {
			if _, ok := cur.Findings[code]; !ok {
				out = append(out, change(CodeFindingGone, fmt.Sprintf("%s: gone from the %s check: %s (was: %s)", rep.Target, name, code, old.Findings[code])))
			}
		}
	}
	return out
}

func change(code, msg string) checks.Finding {
	return checks.Finding{Code: code, Severity: checks.SeverityInfo, Message: msg}
}

// Result is the check that carries a report's changes; its status is
// info when anything changed (ok otherwise).
func Result(changes []checks.Finding) checks.Result {
	res := checks.Result{Name: Name, Findings: changes, Data: map[string]int{"changes": len(changes)}}
	res.Summary = "no change since the previous run"
	if len(changes) > 0 {
		res.Summary = fmt.Sprintf("%d changes since the previous run", len(changes))
		if len(changes) == 1 {
			res.Summary = "1 change since the previous run"
		}
		res.Status = checks.StatusInfo
	}
	res.Settle()
	return res
}

// Record puts the report's verdicts in f, replacing the target's
// previous entry. Entries of targets this run did not check are kept.
func (f *File) Record(rep *checks.Report) {
	f.Targets[Key(rep.Command, rep.Target)] = Of(rep)
}

// Save writes f to path atomically: a temp file in the same directory,
// written and fsynced, then renamed over path (and the directory
// fsynced), so that readers and a later run see the old file or the new
// one, never a part of either.
func Save(path string, f *File) error {
	return save(path, f, nil)
}

// save is Save with a hook run between the write and the rename (tests
// simulate a crash there).
func save(path string, f *File, beforeRename func() error) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return checks.WrapError("state", nil, "cannot encode the state", err)
	}
	b = append(b, '\n')
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+strings.TrimPrefix(base, ".")+".*.tmp")
	if err != nil {
		return checks.WrapError("state", nil, "cannot write the state file "+path, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(b); err != nil {
		return checks.WrapError("state", nil, "cannot write the state file "+path, err)
	}
	if err := tmp.Sync(); err != nil {
		return checks.WrapError("state", nil, "cannot write the state file "+path, err)
	}
	if err := tmp.Close(); err != nil {
		return checks.WrapError("state", nil, "cannot write the state file "+path, err)
	}
	if beforeRename != nil {
		if err := beforeRename(); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return checks.WrapError("state", nil, "cannot write the state file "+path, err)
	}
	done = true
	if d, err := os.Open(dir); err == nil {
		d.Sync() // the rename is durable once the directory is; best effort
		d.Close()
	}
	return nil
}
