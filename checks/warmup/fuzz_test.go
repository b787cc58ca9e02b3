package warmup

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// FuzzParseSplit: any input is a split adding up to 100 with valid,
// distinct names, or an ErrBadInput; and a split read back from its own
// rendering is the same.
func FuzzParseSplit(f *testing.F) {
	for _, s := range []string{"gmail=40,outlook=25,yahoo=15,other=20", "all=100", "a=50,a=50", "=", ",", "a=1e2", "x=+100", "é=100", "a=50, b = 50 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		shares, err := ParseSplit(s)
		if err != nil {
			if !errors.Is(err, ErrBadInput) {
				t.Fatalf("%q: %v is not ErrBadInput", s, err)
			}
			return
		}
		if err := checkSplit(shares); err != nil {
			t.Fatalf("%q parsed to a bad split: %v", s, err)
		}
		parts := make([]string, len(shares))
		for i, sh := range shares {
			parts[i] = fmt.Sprintf("%s=%d", sh.Provider, sh.Percent)
		}
		again, err := ParseSplit(strings.Join(parts, ","))
		if err != nil || len(again) != len(shares) {
			t.Fatalf("%q: rendering %v does not read back: %v", s, parts, err)
		}
		// Any day splits into parts that add up to it.
		for _, v := range []int64{0, 1, 99, MaxTarget} {
			var sum int64
			for _, pv := range splitVolume(v, shares) {
				sum += pv.Volume
			}
			if sum != v {
				t.Fatalf("%q: %d splits into %d", s, v, sum)
			}
		}
	})
}

// FuzzReadPlan: any input is a plan Judge can weigh on every day without
// panicking, or an ErrBadInput; a plan read is written and read back the
// same.
func FuzzReadPlan(f *testing.F) {
	p, err := NewPlan(Options{Target: 5000, Start: day0, Days: 6, Split: []Share{{"gmail", 70}, {"other", 30}}})
	if err != nil {
		f.Fatal(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(b))
	f.Add(`{"target":1,"days":1,"schedule":[{"day":1,"volume":1}]}`)
	f.Add(`{"target":1,"days":1,"schedule":[{"day":1,"volume":0}]} x`)
	f.Add(`{"target":10,"days":1,"split":[{"provider":"a","percent":100}],"schedule":[{"day":1,"volume":5,"by_provider":[]}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ReadPlan(strings.NewReader(s))
		if err != nil {
			if !errors.Is(err, ErrBadInput) {
				t.Fatalf("%v is not ErrBadInput", err)
			}
			return
		}
		for day := 1; day <= len(p.Schedule); day++ {
			if _, err := Judge(p, day, Results{Sent: 100, HardBounces: 1, SoftBounces: 5, Complaints: 1}); err != nil {
				t.Fatalf("day %d: %v", day, err)
			}
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ReadPlan(bytes.NewReader(out)); err != nil {
			t.Fatalf("a plan read does not read back: %v", err)
		}
	})
}

// FuzzReadBounces: any input is counted or refused as ErrBadInput, and
// never counts more records than it holds objects.
func FuzzReadBounces(f *testing.F) {
	f.Add(`{"source":"a","recipient":"x@example.com","reason":"userunknown","hard":true,"agent":"postfix"}` + "\n")
	f.Add(`[{"reason":"feedback","hard":false},{"reason":"mailboxfull"}]`)
	f.Add(`[]`)
	f.Add(`{"reason":"blocked","action":"delayed"} {"reason":"vacation"}`)
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ReadBounces(strings.NewReader(s))
		if err != nil {
			if !errors.Is(err, ErrBadInput) {
				t.Fatalf("%v is not ErrBadInput", err)
			}
			return
		}
		if n := int64(strings.Count(s, "{")); c.Hard+c.Soft+c.Complaints > n || c.Hard < 0 || c.Soft < 0 || c.Complaints < 0 {
			t.Fatalf("%+v from %d objects at most", c, n)
		}
	})
}
