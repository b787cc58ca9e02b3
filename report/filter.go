package report

import (
	"fmt"
	"path"

	"github.com/relayctl/relayctl/checks"
)

// ValidateGlobs checks --ignore patterns once, before any work, so that a
// typo is bad usage instead of a silent no-op.
func ValidateGlobs(globs []string) error {
	for _, g := range globs {
		if _, err := path.Match(g, ""); err != nil {
			return checks.WrapError("report", ErrBadGlob, fmt.Sprintf("bad --ignore pattern %q", g), err)
		}
	}
	return nil
}

// Ignored reports whether a finding code matches one of the --ignore
// globs. The globs follow path.Match: "dmarc.*" matches every DMARC code,
// "spf.all-*" the four all-qualifier codes. An invalid glob matches
// nothing (ValidateGlobs catches it earlier).
func Ignored(code string, globs []string) bool {
	for _, g := range globs {
		if ok, err := path.Match(g, code); err == nil && ok {
			return true
		}
	}
	return false
}

// Filter drops the findings that --ignore names from every check of rep
// and settles each check's and the report's status again, so that an
// ignored finding neither shows nor counts towards the exit code. A
// status a check set on its own (error: it could not finish; info:
// nothing to judge) is kept. The codes dropped are kept on the check
// (Result.Ignored): the table says "1 finding ignored: …" beside the
// status, and the JSON carries "ignored".
func Filter(rep *checks.Report, globs []string) {
	if len(globs) == 0 {
		return
	}
	for i := range rep.Checks {
		c := &rep.Checks[i]
		kept := make([]checks.Finding, 0, len(c.Findings))
		for _, f := range c.Findings {
			if Ignored(f.Code, globs) {
				c.Ignored = append(c.Ignored, f.Code)
			} else {
				kept = append(kept, f)
			}
		}
		if len(kept) == len(c.Findings) {
			continue
		}
		// Findings never settle to info or error, so a status that differs
		// from what the findings alone give was set by the check itself
		// and stays the floor; otherwise start again from ok.
		if c.Status == checks.FindingsStatus(c.Findings) {
			c.Status = checks.StatusOK
		}
		c.Findings = kept
		c.Settle()
	}
	rep.Settle()
}
