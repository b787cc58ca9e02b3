package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/relayctl/relayctl/checks/dmarcreport"
	"github.com/relayctl/relayctl/internal/textutil"
	"github.com/relayctl/relayctl/report"
)

// recordWriter prints records as they are read: ndjson a line each,
// json one array streamed (memory stays flat), the table a row each and
// a summary line.
type recordWriter interface {
	Write(dmarcreport.Record) error
	Close(t *tally) error
}

// tally counts what a run read, for the summary line.
type tally struct {
	Inputs, Reports, NotReports, Corrupt, Unreadable, Warnings int
	ByType                                                     map[dmarcreport.Type]int
	Duplicates                                                 int
}

func (t *tally) add(r dmarcreport.Record) {
	if t.ByType == nil {
		t.ByType = map[dmarcreport.Type]int{}
	}
	t.ByType[r.Kind()]++
}

func (t *tally) records() int {
	n := 0
	for _, c := range t.ByType {
		n += c
	}
	return n
}

func (t *tally) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s from %d %s in %d %s", t.records(), textutil.Plural(t.records(), "record", "records"), t.Reports, textutil.Plural(t.Reports, "report", "reports"), t.Inputs, textutil.Plural(t.Inputs, "input", "inputs"))
	var parts []string
	for _, ty := range []dmarcreport.Type{dmarcreport.TypeAggregate, dmarcreport.TypeFailure, dmarcreport.TypeTLSRPT} {
		if n := t.ByType[ty]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, ty))
		}
	}
	if len(parts) > 0 {
		b.WriteString(" (" + strings.Join(parts, ", ") + ")")
	}
	for _, x := range []struct {
		n         int
		one, many string
	}{
		{t.Duplicates, "record already in the database", "records already in the database"},
		{t.NotReports, "input not a report", "inputs not reports"},
		{t.Corrupt, "corrupt report", "corrupt reports"},
		{t.Unreadable, "unreadable input", "unreadable inputs"},
		{t.Warnings, "warning", "warnings"},
	} {
		if x.n > 0 {
			fmt.Fprintf(&b, "; %d %s", x.n, textutil.Plural(x.n, x.one, x.many))
		}
	}
	return b.String()
}

func newRecordWriter(format report.Format, w io.Writer, tty bool) recordWriter {
	switch format {
	case report.FormatNDJSON:
		return &ndjsonRecords{w: w}
	case report.FormatJSON:
		return &jsonRecords{w: w}
	}
	return newTableRecords(w, tty)
}

type ndjsonRecords struct{ w io.Writer }

func (n *ndjsonRecords) Write(r dmarcreport.Record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = n.w.Write(append(b, '\n'))
	return err
}

func (n *ndjsonRecords) Close(*tally) error { return nil }

type jsonRecords struct {
	w io.Writer
	n int
}

func (j *jsonRecords) Write(r dmarcreport.Record) error {
	b, err := json.MarshalIndent(r, "  ", "  ")
	if err != nil {
		return err
	}
	sep := ",\n  "
	if j.n == 0 {
		sep = "[\n  "
	}
	j.n++
	_, err = io.WriteString(j.w, sep+string(b))
	return err
}

func (j *jsonRecords) Close(*tally) error {
	end := "\n]\n"
	if j.n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(j.w, end)
	return err
}

// tableRecords prints a row per record. On a terminal the columns are
// aligned (a block of rows at a time, so output still streams); piped,
// they are tab-separated.
type tableRecords struct {
	w    io.Writer
	tw   *tabwriter.Writer
	tty  bool
	rows int
}

const tableBlock = 200

var tableHeader = []string{"TYPE", "ORG", "DOMAIN", "SOURCE", "COUNT", "RESULT", "DETAIL"}

func newTableRecords(w io.Writer, tty bool) *tableRecords {
	t := &tableRecords{w: w, tty: tty}
	t.reset()
	return t
}

func (t *tableRecords) reset() {
	// Piped, rows skip the tabwriter: a tab between cells, unaligned.
	t.tw = tabwriter.NewWriter(t.w, 0, 0, 2, ' ', 0)
}

func (t *tableRecords) line(cells []string) error {
	for i, c := range cells {
		cells[i] = strings.Map(func(r rune) rune {
			if r == '\t' || r == '\n' || r == '\r' || r < ' ' {
				return ' '
			}
			return r
		}, c)
	}
	w := io.Writer(t.tw)
	if !t.tty {
		w = t.w
	}
	_, err := io.WriteString(w, strings.Join(cells, "\t")+"\n")
	return err
}

func (t *tableRecords) Write(r dmarcreport.Record) error {
	if t.rows == 0 {
		if err := t.line(append([]string(nil), tableHeader...)); err != nil {
			return err
		}
	}
	t.rows++
	if err := t.line(row(r)); err != nil {
		return err
	}
	if t.rows%tableBlock == 0 {
		return t.tw.Flush()
	}
	return nil
}

func (t *tableRecords) Close(s *tally) error {
	if err := t.tw.Flush(); err != nil {
		return err
	}
	if t.rows > 0 {
		fmt.Fprintln(t.w)
	}
	_, err := fmt.Fprintln(t.w, s.String())
	return err
}

// row is a record's table row: short columns, the rest in DETAIL.
func row(r dmarcreport.Record) []string {
	switch r := r.(type) {
	case *dmarcreport.Aggregate:
		detail := "from=" + r.HeaderFrom
		for _, rs := range r.Reasons {
			detail += " reason=" + rs.Type
		}
		return []string{"aggregate", r.OrgName, r.PolicyDomain, r.SourceIP, strconv.FormatInt(r.Count, 10),
			r.Disposition, "dkim=" + dash(r.DKIM) + " spf=" + dash(r.SPF) + " " + detail}
	case *dmarcreport.TLSRPT:
		var fails []string
		for _, f := range r.FailureDetails {
			fails = append(fails, fmt.Sprintf("%s×%d", f.ResultType, f.FailedSessionCount))
		}
		return []string{"tlsrpt", r.OrganizationName, r.PolicyDomain, r.PolicyType,
			strconv.FormatInt(r.TotalSuccessfulSessionCount+r.TotalFailureSessionCount, 10),
			fmt.Sprintf("%d failed", r.TotalFailureSessionCount), strings.Join(fails, ", ")}
	case *dmarcreport.Failure:
		n := r.Incidents
		if n == 0 {
			n = 1
		}
		return []string{"failure", r.ReportingMTA, r.ReportedDomain, r.SourceIP, strconv.FormatInt(n, 10),
			dash(r.DeliveryResult), "auth-failure=" + dash(strings.Join(r.AuthFailure, ",")) + " mail-from=" + dash(r.OriginalMailFrom)}
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
