package cmdutil

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/time/rate"
)

// RateSyntax is how --rate is written, the same in every command; the
// flag's help and the error for a bad value both say it.
const RateSyntax = "N/s, N/m or N/h with N above 0 (a bare N is per second)"

// Rate is a --rate value: Events per Per. The zero Rate is no limit.
type Rate struct {
	Events float64
	Per    time.Duration
}

// ParseRate reads a --rate value: "10/s", "600/m", "1/h", or a bare
// number meaning per second ("10", "0.5"). "" (the flag not given) is no
// limit; 0 is refused, in every command, so that a limit typed as 0 is
// not taken for none. A bad value is a UsageError that says the syntax.
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Rate{}, nil
	}
	num, unit, hasUnit := strings.Cut(s, "/")
	n, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || n <= 0 || math.IsInf(n, 0) || math.IsNaN(n) {
		return Rate{}, Usagef("invalid --rate %q: want %s", s, RateSyntax)
	}
	per := time.Second
	if hasUnit {
		switch strings.ToLower(strings.TrimSpace(unit)) {
		case "s", "sec", "second":
		case "m", "min", "minute":
			per = time.Minute
		case "h", "hour":
			per = time.Hour
		default:
			return Rate{}, Usagef("invalid --rate %q: unknown unit %q; want %s", s, unit, RateSyntax)
		}
	}
	return Rate{Events: n, Per: per}, nil
}

// Unlimited reports whether r sets no limit.
func (r Rate) Unlimited() bool { return r.Events <= 0 || r.Per <= 0 }

// PerSecond is r in events a second (0 for no limit).
func (r Rate) PerSecond() float64 {
	if r.Unlimited() {
		return 0
	}
	return r.Events / r.Per.Seconds()
}

// Limit is r for golang.org/x/time/rate (rate.Inf for no limit).
func (r Rate) Limit() rate.Limit {
	if r.Unlimited() {
		return rate.Inf
	}
	return rate.Limit(r.PerSecond())
}

// String is r as ParseRate reads it ("" for no limit).
func (r Rate) String() string {
	if r.Unlimited() {
		return ""
	}
	unit := "s"
	switch r.Per {
	case time.Minute:
		unit = "m"
	case time.Hour:
		unit = "h"
	}
	return strconv.FormatFloat(r.Events, 'f', -1, 64) + "/" + unit
}

// rateValue is --rate as a pflag.Value: a bad value fails when the flags
// are parsed. text, when set, also keeps the value as typed (for a command
// whose options hold the text).
type rateValue struct {
	r    *Rate
	text *string
}

func (v rateValue) String() string {
	if v.r == nil {
		return ""
	}
	return v.r.String()
}

func (v rateValue) Set(s string) error {
	r, err := ParseRate(s)
	if err != nil {
		// pflag puts "invalid argument ... for --rate" before it.
		return fmt.Errorf("want %s", RateSyntax)
	}
	*v.r = r
	if v.text != nil {
		*v.text = s
	}
	return nil
}

func (v rateValue) Type() string { return "rate" }

// RateVar defines a --rate flag (or another name) holding a Rate, checked
// as the flags are parsed; its help ends with the syntax.
func RateVar(fs *pflag.FlagSet, p *Rate, name, usage string) {
	fs.Var(rateValue{r: p}, name, usage+"; "+RateSyntax)
}

// RateTextVar is RateVar for options that keep the flag's text: the
// value is checked as the flags are parsed and stored as typed; read it
// with ParseRate.
func RateTextVar(fs *pflag.FlagSet, p *string, name, usage string) {
	fs.Var(rateValue{r: new(Rate), text: p}, name, usage+"; "+RateSyntax)
}
