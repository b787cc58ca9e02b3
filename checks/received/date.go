package received

import (
	"strings"
	"time"

	"github.com/relayctl/relayctl/checks/internal/cfws"
)

// ParseDate reads an RFC 5322 §3.3 date-time as mailers write it: the
// day of the week optional, seconds optional, one- or two-digit days,
// two- and three-digit years (§4.3), the named zones of §4.3 and a few
// others, a comment such as "(UTC)" anywhere, extra spaces, the asctime
// order ("Wed Dec  2 13:00:00 2026") and RFC 3339. A date without any
// zone is read as UTC. The error is an *SyntaxError without column.
func ParseDate(s string) (time.Time, error) {
	t, problem := parseDate(s)
	if problem != "" {
		return time.Time{}, &SyntaxError{Msg: problem, Err: ErrBadDate}
	}
	return t, nil
}

var monthNames = [...]string{"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"}

var dayNames = [...]string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// zoneOffset is the offset in seconds east of UTC of the obsolete zones
// of RFC 5322 §4.3 and of the named zones mailers put where the numeric
// one belongs.
func zoneOffset(name string) (int, bool) {
	const h = 3600
	switch name {
	case "ut", "utc", "gmt", "z", "wet":
		return 0, true
	case "est":
		return -5 * h, true
	case "edt":
		return -4 * h, true
	case "cst":
		return -6 * h, true
	case "cdt":
		return -5 * h, true
	case "mst":
		return -7 * h, true
	case "mdt":
		return -6 * h, true
	case "pst":
		return -8 * h, true
	case "pdt":
		return -7 * h, true
	case "west", "bst", "cet", "met":
		return h, true
	case "cest", "mest", "eet":
		return 2 * h, true
	case "eest", "msk":
		return 3 * h, true
	case "hkt", "sgt":
		return 8 * h, true
	case "jst", "kst":
		return 9 * h, true
	case "aest":
		return 10 * h, true
	case "aedt":
		return 11 * h, true
	}
	return 0, false
}

// parseDate returns the time, or a non-empty description of what is
// wrong with s.
func parseDate(s string) (time.Time, string) {
	s = strings.TrimSpace(cfws.StripComments(s))
	if s == "" {
		return time.Time{}, "empty date-time"
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, ""
	}
	var (
		day, year, hh, mm, ss = -1, -1, -1, -1, 0
		month                 time.Month
		offset                int
		numericZone           bool
	)
	for _, f := range strings.Fields(strings.ReplaceAll(s, ",", " ")) {
		lf := strings.ToLower(f)
		switch {
		case cfws.IsDigits(f):
			switch {
			case len(f) <= 2 && day < 0:
				day = atoi(f)
			case year < 0 && len(f) <= 4:
				year = atoi(f)
				// RFC 5322 §4.3: two-digit years below 50 are 20xx,
				// others and three-digit years count from 1900.
				switch {
				case len(f) == 2 && year < 50:
					year += 2000
				case len(f) <= 3:
					year += 1900
				}
			default:
				return time.Time{}, "unexpected number " + quote(f)
			}
		case strings.Contains(f, ":") && (f[0] >= '0' && f[0] <= '9'):
			if hh >= 0 {
				return time.Time{}, "two times of day"
			}
			parts := strings.Split(f, ":")
			if len(parts) < 2 || len(parts) > 3 {
				return time.Time{}, "unreadable time of day " + quote(f)
			}
			for _, p := range parts {
				if !cfws.IsDigits(p) || len(p) > 2 {
					return time.Time{}, "unreadable time of day " + quote(f)
				}
			}
			hh, mm = atoi(parts[0]), atoi(parts[1])
			if len(parts) == 3 {
				ss = atoi(parts[2])
			}
			if hh > 23 || mm > 59 || ss > 60 {
				return time.Time{}, "time of day out of range " + quote(f)
			}
			if ss == 60 { // a leap second: time.Date would roll the minute
				ss = 59
			}
		case (f[0] == '+' || f[0] == '-') && len(f) > 1:
			off, ok := numericOffset(f[1:])
			if !ok || numericZone {
				return time.Time{}, "unreadable zone " + quote(f)
			}
			if f[0] == '-' {
				off = -off
			}
			offset, numericZone = off, true
		case month == 0 && len(lf) >= 3 && monthIndex(lf) > 0:
			month = time.Month(monthIndex(lf))
		case len(lf) >= 3 && isDayName(lf):
		default:
			off, ok := zoneOffset(lf)
			if !ok {
				return time.Time{}, "unexpected word " + quote(f)
			}
			if !numericZone { // "+0100 CET": the number wins
				offset = off
			}
		}
	}
	switch {
	case day < 1 || day > 31:
		return time.Time{}, "no day of the month"
	case month == 0:
		return time.Time{}, "no month"
	case year < 0:
		return time.Time{}, "no year"
	case hh < 0:
		return time.Time{}, "no time of day"
	}
	t := time.Date(year, month, day, hh, mm, ss, 0, time.FixedZone("", offset))
	if t.Day() != day {
		return time.Time{}, "no such day in that month"
	}
	return t, ""
}

// numericOffset reads "hhmm" or "hh:mm" as seconds.
func numericOffset(s string) (int, bool) {
	s = strings.Replace(s, ":", "", 1)
	if len(s) != 4 || !cfws.IsDigits(s) {
		return 0, false
	}
	h, m := atoi(s[:2]), atoi(s[2:])
	if m > 59 {
		return 0, false
	}
	return h*3600 + m*60, true
}

// monthIndex is 1 to 12 for a month's name or its start, at least three
// letters ("dec", "decem", "december"); 0 for anything else.
func monthIndex(lf string) int {
	for i, m := range monthNames {
		if len(lf) >= 3 && strings.HasPrefix(m, lf) {
			return i + 1
		}
	}
	return 0
}

// isDayName reports a day's name or its start, at least three letters.
func isDayName(lf string) bool {
	for _, d := range dayNames {
		if len(lf) >= 3 && strings.HasPrefix(d, lf) {
			return true
		}
	}
	return false
}

// atoi reads a short run of digits already checked by isDigits.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return "\"" + s + "\""
}
