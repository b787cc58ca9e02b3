package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/relayctl/relayctl/checks/warmup"
)

// The renderings of "relayctl warmup": a plan (table, CSV, JSON) and a
// day's judgement. They only write to the writer they are given.

// WriteWarmupJSON writes v (a Plan or a Judgement) as indented JSON, or on one
// line when compact (ndjson).
func WriteWarmupJSON(w io.Writer, v any, compact bool) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if !compact {
		enc.SetIndent("", "  ")
	}
	return enc.Encode(v)
}

// header is the columns of a plan: day, date, volume, then one per
// provider.
func warmupHeader(p *warmup.Plan) []string {
	h := []string{"day", "date", "volume"}
	for _, s := range p.Split {
		h = append(h, fmt.Sprintf("%s (%d%%)", s.Provider, s.Percent))
	}
	return h
}

func warmupRow(d *warmup.Day) []string {
	r := []string{strconv.Itoa(d.Day), d.Date, strconv.FormatInt(d.Volume, 10)}
	for _, pv := range d.ByProvider {
		r = append(r, strconv.FormatInt(pv.Volume, 10))
	}
	return r
}

// WriteWarmupCSV writes the schedule as CSV (RFC 4180), a header line first;
// provider columns are named after the providers alone.
func WriteWarmupCSV(w io.Writer, p *warmup.Plan) error {
	cw := csv.NewWriter(w)
	h := []string{"day", "date", "volume"}
	for _, s := range p.Split {
		h = append(h, s.Provider)
	}
	if err := cw.Write(h); err != nil {
		return err
	}
	for i := range p.Schedule {
		if err := cw.Write(warmupRow(&p.Schedule[i])); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteWarmupTable writes the schedule for a person: a line about the ramp,
// then the days, numbers right-aligned.
func WriteWarmupTable(w io.Writer, p *warmup.Plan) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Warm-up to %d a day from %s over %d days, growth ×%.3g a day", p.Target, p.Start, p.Days, p.Growth)
	if !p.ReachesTarget {
		fmt.Fprintf(&b, " (too few days: ends at %d, below the target, rather than more than double a day)", p.Schedule[len(p.Schedule)-1].Volume)
	}
	b.WriteString("\n\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, strings.Join(warmupHeader(p), "\t")+"\t")
	for i := range p.Schedule {
		fmt.Fprintln(tw, strings.Join(warmupRow(&p.Schedule[i]), "\t")+"\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteWarmupJudgement writes a verdict for a person.
func WriteWarmupJudgement(w io.Writer, j *warmup.Judgement) error {
	var b strings.Builder
	fmt.Fprintf(&b, "day %d: %s\n", j.Day, j.Verdict)
	fmt.Fprintf(&b, "  sent %d of %d planned; hard bounces %d (%s), soft bounces %d (%s), complaints %d (%s)\n",
		j.Results.Sent, j.Planned, j.Results.HardBounces, warmup.Percent(j.HardBounceRate),
		j.Results.SoftBounces, warmup.Percent(j.SoftBounceRate), j.Results.Complaints, warmup.Percent(j.ComplaintRate))
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
