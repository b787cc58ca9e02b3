// Package explain is "relayctl explain [CODE]": what a finding code
// means, why it matters, how to fix it, an example and the RFCs of its
// check, from the tables the checks export (checks/codebook), so the
// explanation cannot drift from the check.
package explain

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/checks/codebook"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/report"
)

// NewCmdExplain returns the explain command.
func NewCmdExplain(ios *cmdutil.IOStreams, g *cmdutil.Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "explain [CODE]",
		Short: "Say what a finding code means and how to fix it",
		Long: `Explain prints what a finding code means, why it matters, how to fix it, an
example of what yields it, which check emits it and the RFCs that check
follows. With no CODE it lists every code, one a
line: code, severity and meaning, separated by tabs.`,
		Args: cobra.MaximumNArgs(1),
		ValidArgsFunction: func(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			var out []string
			for _, e := range codebook.All() {
				if len(args) == 0 && strings.HasPrefix(e.Code, toComplete) {
					out = append(out, e.Code)
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(_ *cobra.Command, args []string) error {
			set, err := g.ValidateOutput("explain")
			if err != nil {
				return err
			}
			if len(args) == 0 {
				return list(ios.Out, set.Format)
			}
			e, ok := codebook.Lookup(strings.TrimSpace(args[0]))
			if !ok {
				msg := fmt.Sprintf("unknown code %q", args[0])
				if near := codebook.Nearest(args[0], 3); len(near) > 0 {
					msg += "; did you mean " + cmdutil.OneOf(near, "or") + "?"
				}
				return cmdutil.Usagef("%s", msg+" (relayctl explain lists them all)")
			}
			width := 0 // piped: a field a line, for grep
			if opt := cmdutil.TableOptions(ios, g); opt.Terminal {
				width = opt.Width
			}
			return one(ios.Out, set.Format, e, width)
		},
	}
}

// entryJSON is the -o json shape of a code (docs/contract.md).
type entryJSON struct {
	Code     string   `json:"code"`
	Severity string   `json:"severity"`
	Meaning  string   `json:"meaning"`
	Why      string   `json:"why"`
	Fix      string   `json:"fix"`
	Example  string   `json:"example"`
	Check    string   `json:"check"`
	Command  string   `json:"command,omitempty"`
	RFCs     []string `json:"rfcs"`
	Doc      string   `json:"doc"`
}

func toJSON(e codebook.Entry) entryJSON {
	rfcs := e.RFCs
	if rfcs == nil {
		rfcs = []string{}
	}
	return entryJSON{Code: e.Code, Severity: e.Severity, Meaning: e.Meaning, Why: e.Why, Fix: e.Fix,
		Example: e.Example, Check: e.Check, Command: e.Command, RFCs: rfcs, Doc: e.Doc}
}

func list(w io.Writer, f report.Format) error {
	all := codebook.All()
	switch f {
	case report.FormatJSON:
		out := make([]entryJSON, len(all))
		for i, e := range all {
			out[i] = toJSON(e)
		}
		return writeJSON(w, out, "  ")
	case report.FormatNDJSON:
		for _, e := range all {
			if err := writeJSON(w, toJSON(e), ""); err != nil {
				return err
			}
		}
		return nil
	}
	var b strings.Builder
	for _, e := range all {
		fmt.Fprintf(&b, "%s\t%s\t%s\n", e.Code, e.Severity, e.Meaning)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// one prints an entry; on a terminal (width > 0) each field is wrapped
// to the width, under its label.
func one(w io.Writer, f report.Format, e codebook.Entry, width int) error {
	if f == report.FormatJSON || f == report.FormatNDJSON {
		indent := "  "
		if f == report.FormatNDJSON {
			indent = ""
		}
		return writeJSON(w, toJSON(e), indent)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s)\n\n", e.Code, e.Severity)
	field := func(label, text string) {
		if text != "" {
			b.WriteString(report.Hang(fmt.Sprintf("%-10s", label+":"), text, width))
		}
	}
	field("Meaning", e.Meaning)
	field("Why", e.Why)
	field("Fix", e.Fix)
	field("Example", e.Example)
	if e.Command != "" {
		field("Check", e.Check+" (relayctl "+e.Command+")")
	} else {
		field("Check", e.Check)
	}
	for i, r := range e.RFCs {
		if u := codebook.RFCURL(r); u != "" {
			r += " <" + u + ">"
		}
		prefix := strings.Repeat(" ", 10) // under the first
		if i == 0 {
			prefix = "RFCs:     "
		}
		b.WriteString(report.Hang(prefix, r, width))
	}
	field("Docs", e.Doc)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeJSON writes v as one JSON document (indented unless indent is
// empty), with <, > and & as they are: the texts quote records and
// addresses in angle brackets.
func writeJSON(w io.Writer, v any, indent string) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	return enc.Encode(v)
}
