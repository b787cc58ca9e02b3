package report

import (
	"fmt"

	"github.com/relayctl/relayctl/checks"
)

// Exit is a process exit code. Every code relayctl exits with is named
// here, and nowhere else (docs/contract.md, "Exit codes").
type Exit int

const (
	// ExitOK: done, and nothing reached the --fail-on gate.
	ExitOK Exit = 0
	// ExitGate: done, and a finding reached the gate.
	ExitGate Exit = 1
	// ExitUsage: bad usage or bad input (unknown flag, invalid domain or
	// IP, unreadable file).
	ExitUsage Exit = 2
	// ExitIncomplete: a check could not complete (DNS failure, timeout).
	ExitIncomplete Exit = 3
)

// FailOn is the --fail-on gate: the least severity that fails the run.
type FailOn string

const (
	FailOnWarn  FailOn = "warn"
	FailOnFail  FailOn = "fail"
	FailOnNever FailOn = "never"
)

// FailOns lists the accepted --fail-on values in the order help shows them.
var FailOns = []FailOn{FailOnWarn, FailOnFail, FailOnNever}

// ParseFailOn validates a --fail-on value.
func ParseFailOn(s string) (FailOn, error) {
	switch FailOn(s) {
	case FailOnWarn, FailOnFail, FailOnNever:
		return FailOn(s), nil
	}
	return "", checks.NewError("report", ErrBadFailOn, fmt.Sprintf("unknown --fail-on value %q: want warn, fail or never", s))
}

// reaches reports whether a finding of severity sev reaches the gate.
func (g FailOn) reaches(sev checks.Severity) bool {
	switch g {
	case FailOnWarn:
		return sev == checks.SeverityWarn || sev == checks.SeverityFail
	case FailOnNever:
		return false
	}
	// The default gate is fail.
	return sev == checks.SeverityFail
}

// ExitCode is the exit code for a finished run: ExitGate when any finding
// (or a check whose own status is warn or fail) reaches the gate,
// otherwise ExitIncomplete when any check or report could not reach a
// verdict, otherwise ExitOK. A gate failure outranks an incomplete check
// (docs/contract.md). Apply Filter first so that --ignore'd findings do not count.
func ExitCode(reports []checks.Report, failOn FailOn) Exit {
	incomplete := false
	for _, rep := range reports {
		if rep.Error != "" || rep.Status == checks.StatusError && len(rep.Checks) == 0 {
			incomplete = true
		}
		for _, c := range rep.Checks {
			if c.Status == checks.StatusError {
				incomplete = true
			}
			if gated(c, failOn) {
				return ExitGate
			}
		}
	}
	if incomplete {
		return ExitIncomplete
	}
	return ExitOK
}

// gated reports whether check c fails the run under the gate: its own
// status or one of its findings reaches it (ExitCode, and JUnit's
// failures).
func gated(c checks.Result, failOn FailOn) bool {
	switch c.Status {
	case checks.StatusWarn:
		if failOn.reaches(checks.SeverityWarn) {
			return true
		}
	case checks.StatusFail:
		if failOn.reaches(checks.SeverityFail) {
			return true
		}
	}
	for _, f := range c.Findings {
		if failOn.reaches(f.Severity) {
			return true
		}
	}
	return false
}
