package blacklist

import (
	"fmt"
	"strings"

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
	var clean []string
	dropped := false
	for _, c := range rep.Checks {
		if _, ok := c.Data.(*dnsbl.ResolverData); ok {
			if c.Status == checks.StatusOK || *resolverShown {
				dropped = dropped || c.Status != checks.StatusOK
				continue
			}
			*resolverShown = true
			c.Summary += " (for every target of this run)"
			keep = append(keep, c)
			continue
		}
		d, ok := c.Data.(*dnsbl.Data)
		if ok && c.Status == checks.StatusOK && !d.Listed && len(c.Findings) == 0 {
			clean = append(clean, c.Name)
			continue
		}
		keep = append(keep, c)
	}
	if len(clean) > 0 {
		name := fmt.Sprintf("%d lists", len(clean))
		if len(clean) == 1 {
			name = "1 list"
		}
		keep = append(keep, checks.Result{Name: name, Status: checks.StatusOK, Summary: "not listed: " + strings.Join(clean, ", "), Findings: []checks.Finding{}})
	}
	rep.Checks = keep
	if dropped {
		// The resolver's warning was shown with the first target; the
		// status line of the others is their lists'.
		rep.Settle()
	}
	return rep
}
