// Package checks holds the vocabulary every relayctl check shares: the
// severity of a finding, the status of a check, the finding itself, the
// result of one check and the report for one target. Checks fill these in;
// the report package renders them; the cmd package turns them into an exit
// code.
package checks

import (
	"time"
)

// Severity is how much a finding matters.
type Severity string

const (
	SeverityInfo Severity = "info"
	SeverityWarn Severity = "warn"
	SeverityFail Severity = "fail"
)

// Status is the verdict of a check or a whole report.
type Status string

const (
	StatusOK    Status = "ok"
	StatusInfo  Status = "info"
	StatusWarn  Status = "warn"
	StatusFail  Status = "fail"
	StatusError Status = "error" // no verdict: timeout, SERVFAIL, refused…
)

// rank orders statuses from best to worst. error sits between warn and
// fail: an incomplete check is worse than a warning, but a known failure
// is the stronger statement (docs/contract.md: a gate failure outranks an
// incomplete check).
func (s Status) rank() int {
	switch s {
	case StatusOK:
		return 0
	case StatusInfo:
		return 1
	case StatusWarn:
		return 2
	case StatusError:
		return 3
	case StatusFail:
		return 4
	}
	return 0
}

// Worse returns the worse of two statuses.
func Worse(a, b Status) Status {
	if b.rank() > a.rank() {
		return b
	}
	return a
}

// StatusOf maps a finding severity to the status it alone would give.
func (s Severity) Status() Status {
	switch s {
	case SeverityWarn:
		return StatusWarn
	case SeverityFail:
		return StatusFail
	}
	return StatusInfo
}

// Finding is one observation about a target. Code is a stable identifier
// of the form area.kebab-name (docs/contract.md lists the ones that must exist).
type Finding struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	Hint     string   `json:"hint,omitempty"`
	Ref      string   `json:"ref,omitempty"`
}

// Result is the outcome of one check (spf, dmarc, mx…) on one target.
type Result struct {
	Name     string    `json:"name"`
	Status   Status    `json:"status"`
	Summary  string    `json:"summary"`
	Data     any       `json:"data"`
	Findings []Finding `json:"findings"`
	// Ignored has the code of each finding --ignore dropped from this
	// check (report.Filter), so that a status those findings would have
	// changed does not stand unexplained.
	Ignored []string `json:"ignored,omitempty"`
	// Error says why the check could not reach a verdict; set together with
	// StatusError.
	Error      string `json:"error,omitempty"`
	DurationMS int64  `json:"duration_ms"`
}

// Add appends a finding.
func (r *Result) Add(f Finding) {
	r.Findings = append(r.Findings, f)
}

// Fail marks the result as unable to reach a verdict; Error is err's
// Message, the text for a person (no package name).
func (r *Result) Fail(err error) {
	r.Status = StatusError
	if err != nil {
		r.Error = Message(err)
	}
}

// Settle computes Status from the findings: ok when no finding is above
// info (docs/contract.md), else the worst severity. A status the check set before
// (error, or info for "nothing to judge") is kept when it is worse.
func (r *Result) Settle() {
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	r.Status = Worse(FindingsStatus(r.Findings), r.Status)
}

// FindingsStatus is the status findings alone give: ok when none is above
// info, else the worst severity (Settle without the floor a check set).
func FindingsStatus(fs []Finding) Status {
	st := StatusOK
	for _, f := range fs {
		if f.Severity != SeverityInfo {
			st = Worse(st, f.Severity.Status())
		}
	}
	return st
}

// Report is everything relayctl found about one target.
type Report struct {
	SchemaVersion int    `json:"schema_version"`
	Command       string `json:"command"`
	Target        string `json:"target"`
	// Source is where the target was read from, for a command that reads
	// its targets from input (check message): the file, FILE#N for the
	// Nth message of an mbox, or "-" for standard input.
	Source     string    `json:"source,omitempty"`
	Status     Status    `json:"status"`
	Started    time.Time `json:"started"`
	DurationMS int64     `json:"duration_ms"`
	Checks     []Result  `json:"checks"`
	// Error is set when the target could not be checked at all (for
	// example, its name is invalid).
	Error string `json:"error,omitempty"`
}

// SchemaVersion is the version of the JSON report shape.
const SchemaVersion = 1

// Settle rolls the checks' statuses up into the report's: the worst of
// them.
func (rep *Report) Settle() {
	st := StatusOK
	for _, c := range rep.Checks {
		st = Worse(st, c.Status)
	}
	if rep.Error != "" {
		st = Worse(st, StatusError)
	}
	rep.Status = st
}

// Since is a helper for DurationMS fields.
func Since(t time.Time) int64 {
	return time.Since(t).Milliseconds()
}
