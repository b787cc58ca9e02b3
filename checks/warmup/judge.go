package warmup

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/bounce"
	"github.com/relayctl/relayctl/checks/bounce/reason"
)

// Gate is a rate threshold in parts per 10,000 of the mail sent, so that
// "at the limit" is decided exactly, not in floating point.
type Gate int64

// Reached says whether n of sent is at or above the gate.
func (g Gate) Reached(n, sent int64) bool { return n*10000 >= int64(g)*sent }

func (g Gate) String() string { return Percent(float64(g) / 10000) }

// The gates. docs/warmup.md cites where each comes from.
const (
	// ComplaintHold: Google's sender guidelines ask senders to keep
	// the user-reported spam rate below 0.1%.
	ComplaintHold Gate = 10
	// ComplaintBackOff: the same guidelines say never to reach 0.3%.
	ComplaintBackOff Gate = 30
	// HardBounceBackOff: hard bounces (unknown users, dead domains) at
	// 2% of the mail sent mean the list, not the warm-up, is the problem.
	HardBounceBackOff Gate = 200
	// HardBounceHold is half of it: a list drifting towards the gate.
	HardBounceHold Gate = 100
	// SoftBounceHold: soft bounces are how receivers throttle a new IP
	// (Amazon SES's warm-up guide); 5% of the day deferred or refused
	// for now means the receivers want no more yet.
	SoftBounceHold Gate = 500
	// ShortfallHold: a day that sent less than 90% of its volume has
	// not shown the receivers that volume yet.
	ShortfallHold Gate = 9000
	// MaxCount bounds every count, so that the gates cannot overflow.
	MaxCount = 100_000_000_000_000
)

// Verdict is what to do on the next day.
type Verdict string

const (
	// Advance: go on to the next day's volume.
	Advance Verdict = "advance"
	// Hold: send the same volume again tomorrow.
	Hold Verdict = "hold"
	// BackOff: go back to the previous day's volume.
	BackOff Verdict = "back-off"
)

// Results are a day's outcome.
type Results struct {
	Sent        int64 `json:"sent"`
	HardBounces int64 `json:"hard_bounces"`
	SoftBounces int64 `json:"soft_bounces"`
	Complaints  int64 `json:"complaints"`
}

// Judgement is the verdict on one day of a plan.
type Judgement struct {
	Day     int     `json:"day"`
	Planned int64   `json:"planned"`
	Results Results `json:"results"`
	// The rates, as fractions of Results.Sent.
	HardBounceRate float64 `json:"hard_bounce_rate"`
	SoftBounceRate float64 `json:"soft_bounce_rate"`
	ComplaintRate  float64 `json:"complaint_rate"`
	Verdict        Verdict `json:"verdict"`
	// Reasons say why, one a gate that was reached (none for advance).
	Reasons []string `json:"reasons"`
	// NextDay and NextVolume are what to send tomorrow: the plan's next
	// day on advance, the same day on hold, the day before on back-off.
	// On advance from the last day NextDay is 0: the warm-up is done.
	NextDay    int   `json:"next_day"`
	NextVolume int64 `json:"next_volume"`
}

// Judge weighs the results of day (1-based) of plan. Back-off wins over
// hold: one gate reached at the back-off level is enough.
func Judge(p *Plan, day int, r Results) (*Judgement, error) {
	if day < 1 || day > len(p.Schedule) {
		return nil, badInput(fmt.Sprintf("invalid day %d: the plan has days 1 to %d", day, len(p.Schedule)))
	}
	if r.Sent < 1 {
		return nil, badInput("the number sent must be at least 1")
	}
	for _, n := range []int64{r.Sent, r.HardBounces, r.SoftBounces, r.Complaints} {
		if n < 0 || n > MaxCount {
			return nil, badInput(fmt.Sprintf("count %d: want 0 to %d", n, int64(MaxCount)))
		}
	}
	if r.HardBounces+r.SoftBounces > r.Sent || r.Complaints > r.Sent {
		return nil, badInput(fmt.Sprintf("more bounces or complaints than the %d messages sent", r.Sent))
	}
	planned := p.Schedule[day-1].Volume
	sent := float64(r.Sent)
	j := &Judgement{
		Day:            day,
		Planned:        planned,
		Results:        r,
		HardBounceRate: float64(r.HardBounces) / sent,
		SoftBounceRate: float64(r.SoftBounces) / sent,
		ComplaintRate:  float64(r.Complaints) / sent,
		Verdict:        Advance,
		Reasons:        []string{},
	}
	var back, hold []string
	switch {
	case ComplaintBackOff.Reached(r.Complaints, r.Sent):
		back = append(back, fmt.Sprintf("complaint rate %s reached %s (Google: never reach it)", Percent(j.ComplaintRate), ComplaintBackOff))
	case ComplaintHold.Reached(r.Complaints, r.Sent):
		hold = append(hold, fmt.Sprintf("complaint rate %s is not below %s (Google: stay below it)", Percent(j.ComplaintRate), ComplaintHold))
	}
	switch {
	case HardBounceBackOff.Reached(r.HardBounces, r.Sent):
		back = append(back, fmt.Sprintf("hard bounce rate %s reached %s", Percent(j.HardBounceRate), HardBounceBackOff))
	case HardBounceHold.Reached(r.HardBounces, r.Sent):
		hold = append(hold, fmt.Sprintf("hard bounce rate %s is not below %s", Percent(j.HardBounceRate), HardBounceHold))
	}
	if SoftBounceHold.Reached(r.SoftBounces, r.Sent) {
		hold = append(hold, fmt.Sprintf("soft bounce rate %s reached %s: receivers are throttling", Percent(j.SoftBounceRate), SoftBounceHold))
	}
	if !ShortfallHold.Reached(r.Sent, planned) {
		hold = append(hold, fmt.Sprintf("sent %d of the %d planned: repeat the day", r.Sent, planned))
	}
	switch {
	case len(back) > 0:
		j.Verdict, j.Reasons = BackOff, append(back, hold...)
		j.NextDay = max(day-1, 1)
	case len(hold) > 0:
		j.Verdict, j.Reasons = Hold, hold
		j.NextDay = day
	default:
		j.NextDay = day + 1
		if day == len(p.Schedule) {
			j.NextDay = 0
		}
	}
	if j.NextDay > 0 {
		j.NextVolume = p.Schedule[j.NextDay-1].Volume
	} else {
		j.NextVolume = p.Target
	}
	return j, nil
}

// pct writes a fraction as a percentage with up to 3 decimals.
// Percent writes a rate (0.003) as a person reads it ("0.3%").
func Percent(f float64) string {
	return fmt.Sprintf("%.3g%%", f*100)
}

// BounceCounts are what a "bounce parse" output holds for a day.
type BounceCounts struct {
	Hard, Soft, Complaints int64
}

// ReadBounces counts the records of "relayctl bounce parse -o ndjson"
// (or -o json, an array): hard and soft bounces, and feedback (ARF)
// records as complaints; delay notices, auto-replies and delivery
// reports are no failure and are not counted.
func ReadBounces(r io.Reader) (BounceCounts, error) {
	var c BounceCounts
	br := &peekReader{r: r}
	dec := json.NewDecoder(br)
	first, err := br.firstByte()
	if err != nil {
		return c, bounceErr(dec, err)
	}
	if first == '[' {
		if _, err := dec.Token(); err != nil {
			return c, bounceErr(dec, err)
		}
	}
	for dec.More() {
		var rec bounce.Record
		if err := dec.Decode(&rec); err != nil {
			return c, bounceErr(dec, err)
		}
		// Every record bounce parse writes has a reason by its name; any
		// other JSON object is another file given by mistake.
		if !reason.Known(rec.Reason) {
			return c, checks.NewError("warmup", ErrBadInput, fmt.Sprintf("bounce records: the record ending at byte %d has no known reason (%q): not bounce parse output", dec.InputOffset(), rec.Reason))
		}
		switch rec.Kind() {
		case bounce.KindBounce:
			if rec.Hard {
				c.Hard++
			} else {
				c.Soft++
			}
		case bounce.KindFeedback:
			c.Complaints++
		}
	}
	if first == '[' {
		if _, err := dec.Token(); err != nil {
			return c, bounceErr(dec, err)
		}
		// Nothing may follow the array.
		if _, err := dec.Token(); err != io.EOF {
			return c, bounceErr(dec, err)
		}
	}
	return c, nil
}

func bounceErr(dec *json.Decoder, err error) error {
	if rerr := readError(err); rerr != nil {
		return checks.WrapError("warmup", ErrBadInput, "reading the bounce records", rerr)
	}
	return checks.NewError("warmup", ErrBadInput, fmt.Sprintf("bounce records: not bounce parse JSON near byte %d", dec.InputOffset()))
}

// readError returns the cause of err when reading failed (a folder, an
// I/O error), without the path an *fs.PathError repeats; nil when err is
// about the JSON itself.
func readError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	if err == nil || errors.As(err, &syntax) || errors.As(err, &typ) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return nil
	}
	if _, ok := err.(*json.InvalidUnmarshalError); ok {
		return nil
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// peekReader finds the first non-space byte and gives it back.
type peekReader struct {
	r   io.Reader
	buf []byte
}

func (p *peekReader) firstByte() (byte, error) {
	b := make([]byte, 512)
	for {
		n, err := p.r.Read(b)
		p.buf = append(p.buf, b[:n]...)
		if t := bytes.TrimLeft(p.buf, " \t\r\n"); len(t) > 0 {
			return t[0], nil
		}
		if err == io.EOF {
			return 0, nil
		}
		if err != nil {
			return 0, err
		}
	}
}

func (p *peekReader) Read(b []byte) (int, error) {
	if len(p.buf) > 0 {
		n := copy(b, p.buf)
		p.buf = p.buf[n:]
		return n, nil
	}
	return p.r.Read(b)
}

// ReadPlan reads the JSON of "warmup plan -o json" and checks that it is
// a plan: days numbered from 1, volumes from 0 to the target that never
// go down, provider parts that add up to the day.
func ReadPlan(r io.Reader) (*Plan, error) {
	var p Plan
	dec := json.NewDecoder(io.LimitReader(r, 64<<20))
	if err := dec.Decode(&p); err != nil {
		if rerr := readError(err); rerr != nil {
			return nil, checks.WrapError("warmup", ErrBadInput, "reading the plan", rerr)
		}
		return nil, checks.NewError("warmup", ErrBadInput, fmt.Sprintf("not a warm-up plan (warmup plan -o json) near byte %d", dec.InputOffset()))
	}
	if _, err := dec.Token(); err != io.EOF {
		if rerr := readError(err); rerr != nil {
			return nil, checks.WrapError("warmup", ErrBadInput, "reading the plan", rerr)
		}
		return nil, badInput("not a warm-up plan: more follows the plan's JSON object")
	}
	if p.Target < 1 || p.Target > MaxTarget {
		return nil, badInput(fmt.Sprintf("plan: invalid target %d", p.Target))
	}
	if len(p.Schedule) == 0 || len(p.Schedule) > MaxDays || p.Days != len(p.Schedule) {
		return nil, badInput(fmt.Sprintf("plan: %d days but %d in the schedule", p.Days, len(p.Schedule)))
	}
	if p.Split != nil {
		if err := checkSplit(p.Split); err != nil {
			return nil, checks.WrapError("warmup", ErrBadInput, "plan", err)
		}
	}
	prev := int64(0)
	for i, d := range p.Schedule {
		if d.Day != i+1 {
			return nil, badInput(fmt.Sprintf("plan: day %d is numbered %d", i+1, d.Day))
		}
		if d.Volume < prev || d.Volume > p.Target {
			return nil, badInput(fmt.Sprintf("plan: day %d: volume %d is below the day before or above the target", d.Day, d.Volume))
		}
		prev = d.Volume
		if len(p.Split) > 0 || len(d.ByProvider) > 0 {
			if len(d.ByProvider) != len(p.Split) {
				return nil, badInput(fmt.Sprintf("plan: day %d: %d providers, the split has %d", d.Day, len(d.ByProvider), len(p.Split)))
			}
			var sum int64
			for _, pv := range d.ByProvider {
				if pv.Volume < 0 || pv.Volume > d.Volume {
					return nil, badInput(fmt.Sprintf("plan: day %d: bad volume for %q", d.Day, pv.Provider))
				}
				sum += pv.Volume
			}
			if sum != d.Volume {
				return nil, badInput(fmt.Sprintf("plan: day %d: the providers add up to %d, not %d", d.Day, sum, d.Volume))
			}
		}
	}
	return &p, nil
}
