package warmup

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks/bounce"
	"github.com/relayctl/relayctl/checks/bounce/reason"
)

// handPlan is a plan of four days: 500, 1000, 2000, 4000.
func handPlan() *Plan {
	p := &Plan{Target: 4000, Start: "2026-01-05", Days: 4}
	for i, v := range []int64{500, 1000, 2000, 4000} {
		p.Schedule = append(p.Schedule, Day{Day: i + 1, Date: "x", Volume: v})
	}
	return p
}

func TestJudgeThresholds(t *testing.T) {
	p := handPlan()
	for _, tc := range []struct {
		name string
		r    Results
		want Verdict
		say  string // in a reason
	}{
		{"clean", Results{Sent: 1000}, Advance, ""},
		// Complaints: 0.1% holds, 0.3% backs off; just below each does not.
		{"complaints just below 0.1%", Results{Sent: 100_000, Complaints: 99}, Advance, ""},
		{"complaints at 0.1%", Results{Sent: 1000, Complaints: 1}, Hold, "complaint rate 0.1%"},
		{"complaints just below 0.3%", Results{Sent: 100_000, Complaints: 299}, Hold, "not below 0.1%"},
		{"complaints at 0.3%", Results{Sent: 1000, Complaints: 3}, BackOff, "reached 0.3%"},
		// Hard bounces: 1% holds, 2% backs off.
		{"hard just below 1%", Results{Sent: 1000, HardBounces: 9}, Advance, ""},
		{"hard at 1%", Results{Sent: 1000, HardBounces: 10}, Hold, "hard bounce rate 1%"},
		{"hard just below 2%", Results{Sent: 1000, HardBounces: 19}, Hold, "1.9%"},
		{"hard at 2%", Results{Sent: 1000, HardBounces: 20}, BackOff, "reached 2%"},
		// Soft bounces: 5% holds, never backs off on their own.
		{"soft just below 5%", Results{Sent: 1000, SoftBounces: 49}, Advance, ""},
		{"soft at 5%", Results{Sent: 1000, SoftBounces: 50}, Hold, "throttling"},
		{"soft at 50%", Results{Sent: 1000, SoftBounces: 500}, Hold, "throttling"},
		// Sent: below 90% of the day's 1000 holds.
		{"sent 900 of 1000", Results{Sent: 900}, Advance, ""},
		{"sent 899 of 1000", Results{Sent: 899}, Hold, "sent 899 of the 1000 planned"},
		{"sent more than planned", Results{Sent: 5000}, Advance, ""},
		// Back-off wins, and the hold reasons are still said.
		{"both", Results{Sent: 1000, Complaints: 5, SoftBounces: 60}, BackOff, "throttling"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j, err := Judge(p, 2, tc.r)
			if err != nil {
				t.Fatal(err)
			}
			if j.Verdict != tc.want {
				t.Errorf("verdict %s, want %s (reasons %q)", j.Verdict, tc.want, j.Reasons)
			}
			if (tc.want == Advance) != (len(j.Reasons) == 0) {
				t.Errorf("reasons %q for %s", j.Reasons, j.Verdict)
			}
			if tc.say != "" && !strings.Contains(strings.Join(j.Reasons, "; "), tc.say) {
				t.Errorf("reasons %q do not say %q", j.Reasons, tc.say)
			}
			next := map[Verdict]int{Advance: 3, Hold: 2, BackOff: 1}[tc.want]
			if j.NextDay != next || j.NextVolume != p.Schedule[next-1].Volume {
				t.Errorf("next day %d (%d), want %d", j.NextDay, j.NextVolume, next)
			}
		})
	}
}

func TestJudgeEnds(t *testing.T) {
	p := handPlan()
	// Back-off on day 1 stays on day 1.
	j, err := Judge(p, 1, Results{Sent: 500, HardBounces: 50})
	if err != nil || j.Verdict != BackOff || j.NextDay != 1 || j.NextVolume != 500 {
		t.Errorf("day 1 back-off: %+v, %v", j, err)
	}
	// Advance from the last day: done, at the target.
	j, err = Judge(p, 4, Results{Sent: 4000})
	if err != nil || j.Verdict != Advance || j.NextDay != 0 || j.NextVolume != 4000 {
		t.Errorf("last day: %+v, %v", j, err)
	}
	for _, tc := range []struct {
		day int
		r   Results
	}{
		{0, Results{Sent: 10}},
		{5, Results{Sent: 10}},
		{1, Results{Sent: 0}},
		{1, Results{Sent: 10, HardBounces: -1}},
		{1, Results{Sent: 10, HardBounces: 6, SoftBounces: 6}},
		{1, Results{Sent: 10, Complaints: 11}},
		{1, Results{Sent: MaxCount + 1}},
	} {
		if _, err := Judge(p, tc.day, tc.r); !errors.Is(err, ErrBadInput) {
			t.Errorf("day %d %+v: err %v, want ErrBadInput", tc.day, tc.r, err)
		}
	}
}

func TestGateNoOverflow(t *testing.T) {
	// The largest counts Judge takes must compare without overflow.
	if !ComplaintBackOff.Reached(MaxCount, MaxCount) || ComplaintHold.Reached(0, MaxCount) {
		t.Error("gate wrong at MaxCount")
	}
	if !ShortfallHold.Reached(MaxCount, MaxTarget) {
		t.Error("shortfall wrong at MaxCount")
	}
}

// records encodes records the way "bounce parse -o ndjson" does: one
// JSON object a line (report.bounceNDJSON marshals a bounce.Record).
func records(t *testing.T, rs ...bounce.Record) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for i := range rs {
		if err := enc.Encode(&rs[i]); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

func TestReadBounces(t *testing.T) {
	nd := records(t,
		bounce.Record{Source: "a.eml", Recipient: "x@example.com", Reason: reason.Reason("userunknown"), Hard: true, Status: "5.1.1", Action: "failed", Agent: "postfix"},
		bounce.Record{Source: "b.eml", Recipient: "y@example.com", Reason: reason.Reason("hostunknown"), Hard: true, Agent: "rfc3464"},
		bounce.Record{Source: "c.eml", Recipient: "z@example.com", Reason: reason.Reason("mailboxfull"), Status: "4.2.2", Agent: "exim"},
		bounce.Record{Source: "d.eml", Recipient: "w@example.com", Reason: reason.Feedback, Agent: "arf", FeedbackType: "abuse"},
		bounce.Record{Source: "e.eml", Recipient: "v@example.com", Reason: reason.Vacation, Agent: "rfc3834"},
		bounce.Record{Source: "f.eml", Recipient: "u@example.com", Reason: reason.Reason("expired"), Action: "delayed", Agent: "sendmail"},
		bounce.Record{Source: "g.eml", Recipient: "t@example.com", Reason: reason.Delivered, Agent: "rfc3464"},
	)
	want := BounceCounts{Hard: 2, Soft: 1, Complaints: 1}
	got, err := ReadBounces(strings.NewReader(nd))
	if err != nil || got != want {
		t.Errorf("ndjson: %+v, %v; want %+v", got, err, want)
	}
	// The same records as the JSON array of -o json.
	arr := "[\n  " + strings.Join(strings.Split(strings.TrimSpace(nd), "\n"), ",\n  ") + "\n]\n"
	if got, err := ReadBounces(strings.NewReader(arr)); err != nil || got != want {
		t.Errorf("array: %+v, %v; want %+v", got, err, want)
	}
	for _, empty := range []string{"", "  \n", "[]\n"} {
		if got, err := ReadBounces(strings.NewReader(empty)); err != nil || got != (BounceCounts{}) {
			t.Errorf("%q: %+v, %v", empty, got, err)
		}
	}
	for _, bad := range []string{"{", "not json", `{"hard": "yes"}`, `[{"reason": "userunknown"}`, `[{"reason": "userunknown"}]]`, `"a string"`, `{"reason": "nosuchreason"}`, `{"target": 10, "schedule": []}`} {
		if _, err := ReadBounces(strings.NewReader(bad)); !errors.Is(err, ErrBadInput) {
			t.Errorf("%q: err %v, want ErrBadInput", bad, err)
		}
	}
}

func TestReadPlan(t *testing.T) {
	p, err := NewPlan(Options{Target: 20_000, Start: day0, Split: []Share{{"gmail", 60}, {"other", 40}}})
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b := bytes.NewBuffer(js)
	got, err := ReadPlan(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if got.Days != p.Days || got.Schedule[p.Days-1].Volume != 20_000 || len(got.Split) != 2 {
		t.Errorf("round trip: %+v", got)
	}
	good := b.String()
	for name, bad := range map[string]string{
		"not json":      "{",
		"empty":         "",
		"no schedule":   `{"target": 10, "days": 0, "schedule": []}`,
		"days mismatch": strings.Replace(good, `"days": 14`, `"days": 13`, 1),
		"renumbered":    strings.Replace(good, `"day": 2,`, `"day": 3,`, 1),
		"above target":  strings.Replace(good, `"target": 20000`, `"target": 100`, 1),
		"going down":    strings.Replace(good, `"volume": 50,`, `"volume": 5000,`, 1),
		"bad split":     strings.Replace(good, `"percent": 60`, `"percent": 50`, 1),
		"bad parts":     strings.Replace(good, `"volume": 30`, `"volume": 31`, 1),
	} {
		if bad == good {
			t.Fatalf("%s: the replacement did not apply", name)
		}
		if _, err := ReadPlan(strings.NewReader(bad)); !errors.Is(err, ErrBadInput) {
			t.Errorf("%s: err %v, want ErrBadInput", name, err)
		}
	}
}
