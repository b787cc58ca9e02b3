package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsbl"
)

var catalogColumns = []string{"ZONE", "KIND", "DEFAULT", "KEY", "SEVERITY", "NAME", "INFO"}

// catalogNote ends the table of "blacklist lists".
const catalogNote = `A list with a key is checked only when its key is given (--dqs-key,
--abusix-key); the DQS zones then stand in for the public Spamhaus ones.
Return codes and their meanings: relayctl blacklist lists -o json.`

// WriteCatalog prints the blocklist catalog of "blacklist lists": a table
// (INFO, a URL, wraps below its row on a narrow terminal, never split),
// one JSON array, or a JSON line per list; return codes are in the JSON.
func WriteCatalog(w io.Writer, format Format, opt Options, cat []dnsbl.List) error {
	switch format {
	case FormatJSON, FormatNDJSON:
		out := make([]dnsbl.List, len(cat))
		copy(out, cat)
		for i := range out {
			if out[i].Codes == nil {
				out[i].Codes = []dnsbl.Code{}
			}
		}
		if format == FormatNDJSON {
			for _, l := range out {
				b, err := json.Marshal(l)
				if err != nil {
					return err
				}
				if _, err := fmt.Fprintf(w, "%s\n", b); err != nil {
					return err
				}
			}
			return nil
		}
		b, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	case FormatTable, "":
	default:
		return checks.NewError("report", ErrBadFormat, fmt.Sprintf("unknown output format %q", format))
	}
	rows := [][]string{catalogColumns}
	for _, l := range cat {
		def := "no"
		if l.Default {
			def = "yes"
		}
		key := "-"
		if l.Key != dnsbl.KeyNone {
			key = l.Key.Flag()
		}
		name := l.Name
		if l.Allowlist {
			name += " [allowlist]"
		}
		if l.Bitmask {
			name += " [bitmask]"
		}
		rows = append(rows, []string{OneLine(l.Zone), l.KindString(), def, key, string(l.Severity), OneLine(name), OneLine(l.Info)})
	}
	widths := make([]int, len(catalogColumns))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	width := 0
	var bold func(int, string) string
	if opt.terminal() {
		width = opt.Width
		st := renderer(w, opt).NewStyle().Bold(true)
		bold = func(_ int, s string) string { return st.Render(s) }
	}
	var b strings.Builder
	fits := fitsColumns(widths, width)
	for i, r := range rows {
		switch {
		case fits && i == 0:
			b.WriteString(columnRow(r, widths, width, bold))
		case fits:
			b.WriteString(columnRow(r, widths, width, nil))
		case i > 0:
			// Too narrow for the columns: a card per list, its zone in bold.
			b.WriteString(columnCard(catalogColumns, r, width, i == 1, bold))
		}
	}
	if !fits {
		b.WriteByte('\n')
	}
	note := catalogNote
	if width > 0 {
		note = strings.Join(wrap(strings.ReplaceAll(note, "\n", " "), width, width), "\n")
	}
	b.WriteString(note + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}
