package cmdutil

import "github.com/relayctl/relayctl/report"

// TableOptions are the report.Options of a command's stdout: the terminal
// layout (borders, text wrapped to the terminal's width) whenever stdout
// is a terminal (not a dumb one), and colour unless --no-color or NO_COLOR
// says otherwise: those remove the colour, never the layout.
func TableOptions(ios *IOStreams, g *Globals) report.Options {
	return report.Options{
		Terminal: ios.IsStdoutTTY() && ios.getenv("TERM") != "dumb",
		Color:    ios.ColorEnabled(g.NoColor),
		Width:    ios.TerminalWidth(),
	}
}
