package blacklist

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsbl"
	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/report"
)

// writer returns the report writer for the output format. The table shows
// one row per listing or error and one line for the lists that do not
// list the target; json streams an array (memory stays flat however many
// targets come in) unless the run has exactly one target; ndjson prints
// a line per target.
func (o *Options) writer(format report.Format, single bool) (report.Writer, error) {
	switch format {
	case report.FormatJSON:
		if single {
			return report.NewJSON(o.IO.Out, true), nil
		}
		return report.NewJSONArray(o.IO.Out), nil
	case report.FormatTable, "":
		t := report.NewTable(o.IO.Out, cmdutil.TableOptions(o.IO, o.Globals))
		return &tableView{Writer: t}, nil
	}
	return report.NewWriter(format, o.IO.Out, report.Options{}, single)
}

// tableView folds the lists that do not list the target into one line,
// and shows the resolver check once: in the first report, and only when
// it has something to say (a public resolver). JSON keeps it in every
// report.
type tableView struct {
	report.Writer
	resolverShown bool
}

func (v *tableView) Write(rep checks.Report) error {
	return v.Writer.Write(fold(rep, &v.resolverShown))
}

func fold(rep checks.Report, resolverShown *bool) checks.Report {
	var keep []checks.Result
	var clean, failed []string
	var failedWhy string
	dropped := false
	for _, c := range rep.Checks {
		if _, ok := c.Data.(*dnsbl.ResolverData); ok {
			if c.Status == checks.StatusOK || *resolverShown {
				dropped = dropped || c.Status != checks.StatusOK
				continue
			}
			*resolverShown = true
			if c.Error == c.Summary {
				c.Error = "" // said once, in the summary
			}
			c.Summary += " (for every target of this run)"
			keep = append(keep, c)
			continue
		}
		d, ok := c.Data.(*dnsbl.Data)
		if ok && c.Status == checks.StatusOK && !d.Listed && len(c.Findings) == 0 {
			clean = append(clean, c.Name)
			continue
		}
		if ok && d.ResolverFailed() {
			// The resolver check says why, once: one row for these lists.
			failed = append(failed, c.Name)
			failedWhy = c.Error
			continue
		}
		keep = append(keep, c)
	}
	if len(failed) > 0 {
		keep = append(keep, checks.Result{Name: listCount(len(failed)), Status: checks.StatusError, Summary: failedWhy, Findings: []checks.Finding{}})
	}
	if len(clean) > 0 {
		keep = append(keep, checks.Result{Name: listCount(len(clean)), Status: checks.StatusOK, Summary: "not listed: " + strings.Join(clean, ", "), Findings: []checks.Finding{}})
	}
	rep.Checks = keep
	if dropped {
		// The resolver's warning was shown with the first target; the
		// status line of the others is their lists'.
		rep.Settle()
	}
	return rep
}

func listCount(n int) string {
	if n == 1 {
		return "1 list"
	}
	return fmt.Sprintf("%d lists", n)
}

// summary ends a bulk run with its counts: a last section of the table on
// stdout, or for json and ndjson one line on stderr (stdout keeps only
// reports, one a line for ndjson).
func (o *Options) summary(format report.Format, t *dnsbl.Tally) error {
	head := fmt.Sprintf("%s targets: %s listed, %s not listed", thousands(t.Targets), thousands(t.Listed), thousands(t.Clean))
	if t.Incomplete > 0 {
		head += ", " + thousands(t.Incomplete) + " not fully checked"
		switch {
		case t.BadInput == 1:
			head += " (1 bad line of input)"
		case t.BadInput > 1:
			head += fmt.Sprintf(" (%d bad lines of input)", t.BadInput)
		}
	}
	if t.Allowlisted > 0 {
		head += fmt.Sprintf("; %d allowlisted", t.Allowlisted)
	}
	if format == report.FormatJSON || format == report.FormatNDJSON {
		var per []string
		for _, l := range t.Lists() {
			var parts []string
			for _, c := range []struct {
				n    int
				what string
			}{{l.Listed, "listed"}, {l.Refused, "refused"}, {l.Unhealthy, "unhealthy"}, {l.Errors, "errors"}} {
				if c.n > 0 {
					parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
				}
			}
			if len(parts) > 0 {
				per = append(per, l.Zone+" "+strings.Join(parts, ", "))
			}
		}
		if len(per) > 0 {
			head += "; " + strings.Join(per, "; ")
		}
		_, err := fmt.Fprintf(o.IO.ErrOut, "relayctl: summary: %s\n", head)
		return err
	}
	var b strings.Builder
	b.WriteString("\nSUMMARY  " + head + "\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LIST\tLISTED\tREFUSED\tUNHEALTHY\tERRORS")
	for _, l := range t.Lists() {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\n", l.Zone, l.Listed, l.Refused, l.Unhealthy, l.Errors)
	}
	tw.Flush()
	_, err := io.WriteString(o.IO.Out, b.String())
	return err
}

// thousands writes n with thousands separators: 16,384.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
