// Package warmup plans the warm-up of a new sending IP address or domain
// (a day-by-day volume schedule, optionally split by mailbox provider) and
// judges a day's results against the thresholds mailbox providers publish.
//
// The ramp is relayctl's own, derived from the schedules the large ESPs
// publish (docs/warmup.md says which and how): it starts at StartVolume a
// day, never more than doubles from one day to the next, and reaches the
// target on the last day when the days allow it.
package warmup

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/relayctl/relayctl/checks"
)

// ErrBadInput is the Kind of every error about bad options, a bad --split
// or a bad plan file.
var ErrBadInput = errors.New("warmup: bad input")

const (
	// StartVolume is the first day's volume: the low end of the
	// published first days (SendGrid's conservative schedule starts at
	// 50, SparkPost-derived plans at 50 to 200).
	StartVolume = 50
	// MaxGrowth is the largest day-over-day factor: SendGrid's and
	// Mailgun-style ramps roughly double at most.
	MaxGrowth = 2.0
	// MinDays is the shortest default plan: Amazon SES says some
	// reputation takes at least 14 days to establish.
	MinDays = 14
	// MaxDays and MaxTarget bound the input, so a typo cannot ask for
	// a plan of a million lines.
	MaxDays   = 366
	MaxTarget = 1_000_000_000_000
	// DateLayout is how dates are written (RFC 3339 full-date).
	DateLayout = "2006-01-02"
)

// Options is what a plan is made from.
type Options struct {
	// Target is the daily volume to reach.
	Target int64
	// Start is the first day; only its date counts.
	Start time.Time
	// Days is the length of the plan; 0 picks the default: enough days
	// to reach Target without more than doubling, and at least MinDays.
	Days int
	// Split is the share of each mailbox provider, in percent; nil for
	// none.
	Split []Share
}

// Share is a mailbox provider's share of the volume.
type Share struct {
	Provider string `json:"provider"`
	Percent  int    `json:"percent"`
}

// Plan is a warm-up schedule; its JSON is what "warmup plan -o json"
// writes and "warmup check --plan" reads.
type Plan struct {
	Target int64  `json:"target"`
	Start  string `json:"start"`
	Days   int    `json:"days"`
	// Growth is the day-over-day factor of the ramp (rounded to 3
	// decimals for reading; the volumes are computed from the exact one).
	Growth float64 `json:"growth"`
	// ReachesTarget is false when Days is too short to reach Target
	// without more than doubling a day: the last day is then below it.
	ReachesTarget bool    `json:"reaches_target"`
	Split         []Share `json:"split,omitempty"`
	Schedule      []Day   `json:"schedule"`
}

// Day is one day of a plan.
type Day struct {
	Day    int    `json:"day"`
	Date   string `json:"date"`
	Volume int64  `json:"volume"`
	// ByProvider is Volume split by Plan.Split, in its order; the parts
	// add up to Volume exactly.
	ByProvider []ProviderVolume `json:"by_provider,omitempty"`
}

// ProviderVolume is one provider's part of a day.
type ProviderVolume struct {
	Provider string `json:"provider"`
	Volume   int64  `json:"volume"`
}

func badInput(msg string) error {
	return checks.NewError("warmup", ErrBadInput, msg)
}

// NewPlan makes the plan for opts. The same options give the same plan.
func NewPlan(opts Options) (*Plan, error) {
	if opts.Target < 1 || opts.Target > MaxTarget {
		return nil, badInput(fmt.Sprintf("invalid target %d: want 1 to %d a day", opts.Target, int64(MaxTarget)))
	}
	if opts.Days < 0 || opts.Days > MaxDays {
		return nil, badInput(fmt.Sprintf("invalid days %d: want 1 to %d", opts.Days, MaxDays))
	}
	if opts.Split != nil {
		if err := checkSplit(opts.Split); err != nil {
			return nil, err
		}
	}
	start := min(opts.Target, StartVolume)
	// The days doubling needs: start·2^(n-1) ≥ target.
	needed := 1 + int(math.Ceil(math.Log2(float64(opts.Target)/float64(start))-1e-9))
	days := opts.Days
	if days == 0 {
		days = max(needed, MinDays)
	}
	growth := 1.0
	if days > 1 {
		growth = math.Min(MaxGrowth, math.Pow(float64(opts.Target)/float64(start), 1/float64(days-1)))
	}
	p := &Plan{
		Target:        opts.Target,
		Start:         opts.Start.Format(DateLayout),
		Days:          days,
		Growth:        math.Round(growth*1000) / 1000,
		ReachesTarget: days >= needed,
		Split:         opts.Split,
		Schedule:      make([]Day, days),
	}
	prev := int64(0)
	for i := range days {
		v := int64(math.Round(float64(start) * math.Pow(growth, float64(i))))
		v = min(max(v, prev), opts.Target)
		if i == days-1 && p.ReachesTarget {
			v = opts.Target
		}
		prev = v
		p.Schedule[i] = Day{
			Day:        i + 1,
			Date:       opts.Start.AddDate(0, 0, i).Format(DateLayout),
			Volume:     v,
			ByProvider: splitVolume(v, opts.Split),
		}
	}
	return p, nil
}

// splitVolume divides v by shares with the largest-remainder method, so
// that the parts add up to v; ties go to the provider named first.
func splitVolume(v int64, shares []Share) []ProviderVolume {
	if len(shares) == 0 {
		return nil
	}
	out := make([]ProviderVolume, len(shares))
	rem := make([]int64, len(shares))
	var given int64
	for i, s := range shares {
		// v ≤ 10^12 and percent ≤ 100: no overflow.
		out[i] = ProviderVolume{Provider: s.Provider, Volume: v * int64(s.Percent) / 100}
		rem[i] = v * int64(s.Percent) % 100
		given += out[i].Volume
	}
	for left := v - given; left > 0; left-- {
		best := 0
		for i := range rem {
			if rem[i] > rem[best] {
				best = i
			}
		}
		out[best].Volume++
		rem[best] = -1
	}
	return out
}

// ParseSplit reads "gmail=40,outlook=25,yahoo=15,other=20": provider
// names (letters, digits, '.', '-', '_'; case folded; each once) with
// whole percentages that add up to 100.
func ParseSplit(s string) ([]Share, error) {
	if strings.TrimSpace(s) == "" {
		return nil, badInput("empty split: want PROVIDER=PERCENT,... adding up to 100")
	}
	var shares []Share
	for part := range strings.SplitSeq(s, ",") {
		name, pct, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, badInput(fmt.Sprintf("split part %q: want PROVIDER=PERCENT", part))
		}
		n, err := strconv.Atoi(strings.TrimSpace(pct))
		if err != nil || n < 0 || n > 100 {
			return nil, badInput(fmt.Sprintf("split part %q: the percentage must be a whole number from 0 to 100", part))
		}
		shares = append(shares, Share{Provider: strings.ToLower(strings.TrimSpace(name)), Percent: n})
	}
	if err := checkSplit(shares); err != nil {
		return nil, err
	}
	return shares, nil
}

// checkSplit says what is wrong with shares, if anything.
func checkSplit(shares []Share) error {
	if len(shares) == 0 {
		return badInput("empty split")
	}
	seen := map[string]bool{}
	sum := 0
	for _, s := range shares {
		if !providerName(s.Provider) {
			return badInput(fmt.Sprintf("invalid provider name %q: want letters, digits, '.', '-' or '_'", s.Provider))
		}
		if seen[s.Provider] {
			return badInput(fmt.Sprintf("provider %q appears twice in the split", s.Provider))
		}
		seen[s.Provider] = true
		if s.Percent < 0 || s.Percent > 100 {
			return badInput(fmt.Sprintf("provider %q: percentage %d is not from 0 to 100", s.Provider, s.Percent))
		}
		sum += s.Percent
	}
	if sum != 100 {
		return badInput(fmt.Sprintf("the split adds up to %d%%, not 100%%", sum))
	}
	return nil
}

func providerName(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for _, c := range s {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
