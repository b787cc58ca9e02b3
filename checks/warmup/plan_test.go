package warmup

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

var day0 = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

// checkShape asserts what every plan must be: days numbered and dated in
// turn, volumes that never go down, never pass the target and never more
// than double, day 1 at min(target, StartVolume), the last day at the
// target when ReachesTarget, and provider parts that add up to the day.
func checkShape(t *testing.T, p *Plan, opts Options) {
	t.Helper()
	if len(p.Schedule) != p.Days || p.Days < 1 {
		t.Fatalf("days %d, schedule of %d", p.Days, len(p.Schedule))
	}
	if opts.Days > 0 && p.Days != opts.Days {
		t.Errorf("days %d, asked for %d", p.Days, opts.Days)
	}
	if got, want := p.Schedule[0].Volume, min(opts.Target, StartVolume); got != want {
		t.Errorf("day 1 volume %d, want %d", got, want)
	}
	for i, d := range p.Schedule {
		if d.Day != i+1 {
			t.Errorf("day %d numbered %d", i+1, d.Day)
		}
		if want := opts.Start.AddDate(0, 0, i).Format(DateLayout); d.Date != want {
			t.Errorf("day %d date %s, want %s", d.Day, d.Date, want)
		}
		if d.Volume > opts.Target {
			t.Errorf("day %d volume %d above the target %d", d.Day, d.Volume, opts.Target)
		}
		if i > 0 {
			prev := p.Schedule[i-1].Volume
			if d.Volume < prev {
				t.Errorf("day %d volume %d below the day before (%d)", d.Day, d.Volume, prev)
			}
			// Rounding may add one message to a doubling.
			if d.Volume > 2*prev+1 {
				t.Errorf("day %d volume %d more than doubles %d", d.Day, d.Volume, prev)
			}
		}
		var sum int64
		for _, pv := range d.ByProvider {
			sum += pv.Volume
		}
		if len(opts.Split) > 0 && (sum != d.Volume || len(d.ByProvider) != len(opts.Split)) {
			t.Errorf("day %d: providers %v add up to %d, not %d", d.Day, d.ByProvider, sum, d.Volume)
		}
		if len(opts.Split) == 0 && d.ByProvider != nil {
			t.Errorf("day %d: providers %v without a split", d.Day, d.ByProvider)
		}
	}
	last := p.Schedule[len(p.Schedule)-1].Volume
	if p.ReachesTarget != (last == opts.Target) {
		t.Errorf("reaches_target %v, last day %d, target %d", p.ReachesTarget, last, opts.Target)
	}
	if !p.ReachesTarget && opts.Days == 0 {
		t.Errorf("a default-length plan must reach the target")
	}
	if p.Growth > MaxGrowth || p.Growth < 1 {
		t.Errorf("growth %v outside [1, %v]", p.Growth, MaxGrowth)
	}
}

func TestPlanShape(t *testing.T) {
	split := []Share{{"gmail", 40}, {"outlook", 25}, {"yahoo", 15}, {"other", 20}}
	for _, target := range []int64{1, 7, 49, 50, 51, 99, 100, 101, 1000, 50_000, 100_000, 1_000_000, 123_456_789, MaxTarget} {
		for _, days := range []int{0, 1, 2, 3, 14, 30, 45, MaxDays} {
			for _, sp := range [][]Share{nil, split, {{"all", 100}}} {
				opts := Options{Target: target, Start: day0, Days: days, Split: sp}
				t.Run(fmt.Sprintf("%d/%d/%d", target, days, len(sp)), func(t *testing.T) {
					p, err := NewPlan(opts)
					if err != nil {
						t.Fatal(err)
					}
					checkShape(t, p, opts)
				})
			}
		}
	}
}

func TestPlanDefaults(t *testing.T) {
	for _, tc := range []struct {
		target int64
		days   int
		reach  bool
	}{
		{1, MinDays, true},       // below day 1's volume: flat at the target
		{50, MinDays, true},      // exactly day 1's volume
		{100_000, MinDays, true}, // doubling needs 12 days: the minimum wins
		{1_000_000, 16, true},    // 50·2^14 = 819,200 < 10^6: 16 days
		{MaxTarget, 36, true},    // 50·2^35 ≥ 10^12 > 50·2^34
	} {
		p, err := NewPlan(Options{Target: tc.target, Start: day0})
		if err != nil {
			t.Fatal(err)
		}
		if p.Days != tc.days || p.ReachesTarget != tc.reach {
			t.Errorf("target %d: %d days, reaches %v; want %d, %v", tc.target, p.Days, p.ReachesTarget, tc.days, tc.reach)
		}
	}
}

func TestPlanEdges(t *testing.T) {
	// A target below day 1's volume: every day at the target.
	p, err := NewPlan(Options{Target: 10, Start: day0, Days: 5})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range p.Schedule {
		if d.Volume != 10 {
			t.Errorf("day %d: %d, want 10", d.Day, d.Volume)
		}
	}
	// --days 1 with a big target: one day of the start volume, and the
	// plan says it does not get there.
	p, err = NewPlan(Options{Target: 100_000, Start: day0, Days: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Schedule) != 1 || p.Schedule[0].Volume != StartVolume || p.ReachesTarget {
		t.Errorf("days 1: %+v", p)
	}
	// Too few days: doubling every day, ending below the target.
	p, err = NewPlan(Options{Target: 100_000, Start: day0, Days: 5})
	if err != nil {
		t.Fatal(err)
	}
	want := []int64{50, 100, 200, 400, 800}
	for i, d := range p.Schedule {
		if d.Volume != want[i] {
			t.Errorf("day %d: %d, want %d", d.Day, d.Volume, want[i])
		}
	}
	if p.ReachesTarget || p.Growth != 2 {
		t.Errorf("short plan: reaches %v growth %v", p.ReachesTarget, p.Growth)
	}
	for _, bad := range []Options{
		{Target: 0, Start: day0},
		{Target: -5, Start: day0},
		{Target: MaxTarget + 1, Start: day0},
		{Target: 100, Start: day0, Days: -1},
		{Target: 100, Start: day0, Days: MaxDays + 1},
		{Target: 100, Start: day0, Split: []Share{{"gmail", 50}}},
	} {
		if _, err := NewPlan(bad); !errors.Is(err, ErrBadInput) {
			t.Errorf("%+v: err %v, want ErrBadInput", bad, err)
		}
	}
}

func TestPlanDeterministic(t *testing.T) {
	opts := Options{Target: 250_000, Start: day0, Days: 21, Split: []Share{{"gmail", 33}, {"outlook", 33}, {"other", 34}}}
	a, err := NewPlan(opts)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewPlan(opts)
	if !reflect.DeepEqual(a, b) {
		t.Error("the same options gave two plans")
	}
}

func TestSplitVolume(t *testing.T) {
	// 7 by 33/33/34: 2.31, 2.31, 2.38 → 2, 2, 2 and one left over, to
	// the largest remainder (the third).
	got := splitVolume(7, []Share{{"a", 33}, {"b", 33}, {"c", 34}})
	want := []ProviderVolume{{"a", 2}, {"b", 2}, {"c", 3}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	// Ties go to the provider named first.
	got = splitVolume(1, []Share{{"a", 50}, {"b", 50}})
	want = []ProviderVolume{{"a", 1}, {"b", 0}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestParseSplit(t *testing.T) {
	got, err := ParseSplit(" Gmail=40, outlook = 25,yahoo=15,other=20")
	if err != nil {
		t.Fatal(err)
	}
	want := []Share{{"gmail", 40}, {"outlook", 25}, {"yahoo", 15}, {"other", 20}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got, err := ParseSplit("all=100"); err != nil || len(got) != 1 {
		t.Errorf("all=100: %v, %v", got, err)
	}
	for _, tc := range []struct{ in, msg string }{
		{"", "empty split"},
		{"gmail=40,outlook=25", "adds up to 65%"},
		{"gmail=60,outlook=50", "adds up to 110%"},
		{"gmail", "want PROVIDER=PERCENT"},
		{"gmail=40.5,other=59.5", "whole number"},
		{"gmail=-10,other=110", "whole number"},
		{"gmail=50,gmail=50", "appears twice"},
		{"=100", "invalid provider name"},
		{"g mail=100", "invalid provider name"},
		{"gmail=50,,other=50", "want PROVIDER=PERCENT"},
	} {
		_, err := ParseSplit(tc.in)
		if !errors.Is(err, ErrBadInput) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%q: err %v, want ErrBadInput saying %q", tc.in, err, tc.msg)
		}
		if err != nil && strings.Contains(messageOf(err), "warmup:") {
			t.Errorf("%q: message %q names the package", tc.in, messageOf(err))
		}
	}
}

func messageOf(err error) string {
	if m, ok := err.(interface{ Message() string }); ok {
		return m.Message()
	}
	return err.Error()
}
