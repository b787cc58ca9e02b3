package cmdutil

import (
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
	}
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
