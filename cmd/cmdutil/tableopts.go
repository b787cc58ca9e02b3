package cmdutil

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/relayctl/relayctl/checks/codebook"
	"github.com/relayctl/relayctl/report"
)

// TableOptions are the report.Options of a command's stdout: the terminal
// layout (borders, text wrapped to the terminal's width) whenever stdout
// is a terminal (not a dumb one), and colour unless --no-color or NO_COLOR
// says otherwise: those remove the colour, never the layout.
func TableOptions(ios *IOStreams, g *Globals) report.Options {
	return report.Options{
		Terminal: ios.IsStdoutTTY() && ios.getenv("TERM") != "dumb",
		Color:    ios.ColorEnabled(g.NoColor),
		Width:    ios.TerminalWidth(),
		FailOn:   report.FailOn(g.FailOn),
		Version:  g.Version,
		Codes:    ruleInfo,
		Locate:   g.locate,
	}
}

// locate is the file a SARIF result about a report points at: the file
// its target was read from (a message), or the target itself when it is
// a file, else the policy file's line that speaks of the domain, else
// none (the report names a path for the target).
func (g *Globals) locate(target, source string) (string, int) {
	for _, f := range []string{report.SourceFile(source), target} {
		if fi, err := os.Stat(f); f != "" && err == nil && fi.Mode().IsRegular() {
			return relativePath(f), 1
		}
	}
	if p := g.Policy(); p != nil && p.Path != "" {
		path, line := p.Where(target)
		return relativePath(path), line
	}
	return "", 0
}

// relativePath is path relative to the working directory where it lies
// below it, with / between folders (code scanning resolves it from the
// repository's root, which is where a CI job runs).
func relativePath(path string) string {
	if filepath.IsAbs(path) {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, path); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				path = rel
			}
		}
	}
	return filepath.ToSlash(filepath.Clean(path))
}

// ruleInfo is what the CI formats say of a finding code: its row of the
// check's table, and the address of the first RFC the check follows.
func ruleInfo(code string) (report.CodeInfo, bool) {
	e, ok := codebook.Lookup(code)
	if !ok {
		return report.CodeInfo{}, false
	}
	ci := report.CodeInfo{Meaning: e.Meaning, Why: e.Why, Fix: e.Fix, Example: e.Example}
	if len(e.RFCs) > 0 {
		ci.HelpURI = codebook.RFCURL(e.RFCs[0])
	}
	return ci, true
}
