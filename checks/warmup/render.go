package warmup

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// The renderings below only write to the writer they are given.

// WriteJSON writes v (a Plan or a Judgement) as indented JSON, or on one
// line when compact (ndjson).
func WriteJSON(w io.Writer, v any, compact bool) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if !compact {
		enc.SetIndent("", "  ")
	}
	return enc.Encode(v)
}

// header is the columns of a plan: day, date, volume, then one per
// provider.
func (p *Plan) header() []string {
	h := []string{"day", "date", "volume"}
	for _, s := range p.Split {
		h = append(h, fmt.Sprintf("%s (%d%%)", s.Provider, s.Percent))
	}
	return h
}

func (d *Day) row() []string {
	r := []string{strconv.Itoa(d.Day), d.Date, strconv.FormatInt(d.Volume, 10)}
	for _, pv := range d.ByProvider {
		r = append(r, strconv.FormatInt(pv.Volume, 10))
	}
	return r
}

// WriteCSV writes the schedule as CSV (RFC 4180), a header line first;
// provider columns are named after the providers alone.
func WriteCSV(w io.Writer, p *Plan) error {
	cw := csv.NewWriter(w)
	h := []string{"day", "date", "volume"}
	for _, s := range p.Split {
		h = append(h, s.Provider)
	}
	if err := cw.Write(h); err != nil {
		return err
	}
	for i := range p.Schedule {
		if err := cw.Write(p.Schedule[i].row()); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteTable writes the schedule for a person: a line about the ramp,
// then the days, numbers right-aligned.
func WriteTable(w io.Writer, p *Plan) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Warm-up to %d a day from %s over %d days, growth ×%.3g a day", p.Target, p.Start, p.Days, p.Growth)
	if !p.ReachesTarget {
		fmt.Fprintf(&b, " (too few days: ends at %d, below the target, rather than more than double a day)", p.Schedule[len(p.Schedule)-1].Volume)
	}
	b.WriteString("\n\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, strings.Join(p.header(), "\t")+"\t")
	for i := range p.Schedule {
		fmt.Fprintln(tw, strings.Join(p.Schedule[i].row(), "\t")+"\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJudgement writes a verdict for a person.
func WriteJudgement(w io.Writer, j *Judgement) error {
	var b strings.Builder
	fmt.Fprintf(&b, "day %d: %s\n", j.Day, j.Verdict)
	fmt.Fprintf(&b, "  sent %d of %d planned; hard bounces %d (%s), soft bounces %d (%s), complaints %d (%s)\n",
		j.Results.Sent, j.Planned, j.Results.HardBounces, pct(j.HardBounceRate),
		j.Results.SoftBounces, pct(j.SoftBounceRate), j.Results.Complaints, pct(j.ComplaintRate))
	for _, r := range j.Reasons {
		fmt.Fprintf(&b, "  - %s\n", r)
	}
	if j.NextDay == 0 {
		fmt.Fprintf(&b, "  next: warm-up done; send up to %d a day\n", j.NextVolume)
	} else {
		fmt.Fprintf(&b, "  next: day %d, %d messages\n", j.NextDay, j.NextVolume)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
