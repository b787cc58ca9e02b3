package received

import (
	"errors"
	"testing"
	"time"
)

func TestParseDateForms(t *testing.T) {
	want := time.Date(2026, 12, 2, 13, 10, 11, 0, time.UTC)
	noSec := want.Truncate(time.Minute)
	for _, c := range []struct {
		in   string
		want time.Time
	}{
		{"Wed, 02 Dec 2026 13:10:11 +0000", want},
		{"Wed,  2 Dec 2026 13:10:11 +0000 (UTC)", want},
		{"2 Dec 2026 13:10:11 -0000", want},                                     // qmail: no day name
		{"Wed, 2 Dec 2026 13:10 +0000", noSec},                                  // no seconds
		{"Wed, 2 Dec 2026 05:10:11 -0800 (PST)", want},                          // zone comment
		{"Wed, 2 Dec 2026 05:10:11 PST", want},                                  // RFC 5322 §4.3 named zone
		{"Wed, 2 Dec 2026 14:10:11 CET", want},                                  // a common named zone
		{"Wed, 2 Dec 2026 14:10:11 +0100 (CET)", want},                          // number and name
		{"Wed, 2 Dec 2026 14:10:11 +01:00", want},                               // colon in the offset
		{"Wed, 2 Dec 2026 13:10:11 GMT", want},                                  // obsolete GMT
		{"Wed, 2 Dec 2026 13:10:11 UT", want},                                   // obsolete UT
		{"  Wed,   2   Dec   2026   13:10:11   +0000  ", want},                  // extra spaces
		{"Wed, 2 Dec 26 13:10:11 +0000", want},                                  // two-digit year
		{"Wed 2 Dec 2026 13:10:11 +0000", want},                                 // no comma
		{"Wednesday, 2 December 2026 13:10:11 +0000", want},                     // long names
		{"Wed Dec  2 13:10:11 2026", want},                                      // asctime, no zone read as UTC
		{"Wed Dec  2 13:10:11 UTC 2026", want},                                  // date(1)
		{"2026-12-02T13:10:11Z", want},                                          // RFC 3339
		{"Wed, 2 Dec 2026 13:10:11 +0000 (Coordinated (Universal) Time)", want}, // nested comment
		{"Wed, 2 Dec 2026 23:59:60 +0000", time.Date(2026, 12, 2, 23, 59, 59, 0, time.UTC)},
		{"Wed, 2 Dec 2026 13:10:11", want}, // no zone read as UTC
	} {
		got, err := ParseDate(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if !got.Equal(c.want) {
			t.Errorf("%q = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestParseDateOffsetKept(t *testing.T) {
	got, err := ParseDate("Wed, 2 Dec 2026 05:10:11 -0800 (PST)")
	if err != nil {
		t.Fatal(err)
	}
	if _, off := got.Zone(); off != -8*3600 {
		t.Errorf("offset %d, want -28800", off)
	}
}

func TestParseDateBad(t *testing.T) {
	for _, in := range []string{
		"", "(only a comment)", "yesterday", "Wed, 2 Dec 2026", "2 Dec 13:10:11 +0000", "Dec 2026 13:10 +0000",
		"31 Feb 2026 13:10 +0000", "2 Dec 2026 24:00 +0000", "2 Dec 2026 13:60 +0000", "2 Dec 2026 13:10 +2500x",
		"2 Dec 2026 13:10 +0000 +0100", "2 Dec 2026 13:10 13:11 +0000", "2 Dec 2026 1:2:3:4 +0000",
		"2 Dec 2026 13:10 XYZ", "2 Dec 12345 13:10 +0000", "0 Dec 2026 13:10 +0000",
	} {
		if got, err := ParseDate(in); err == nil || !errors.Is(err, ErrBadDate) {
			t.Errorf("%q = %v, %v; want ErrBadDate", in, got, err)
		}
	}
}

func TestParseDateZoneNames(t *testing.T) {
	for name, hours := range map[string]int{
		"UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6,
		"PST": -8, "PDT": -7, "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "MET": 1, "CEST": 2, "MEST": 2, "EET": 2,
		"EEST": 3, "MSK": 3, "HKT": 8, "SGT": 8, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11,
	} {
		got, err := ParseDate("2 Dec 2026 12:00 " + name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if _, off := got.Zone(); off != hours*3600 {
			t.Errorf("%s: offset %d, want %d h", name, off, hours)
		}
	}
}
