package cmdutil

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/time/rate"
)

func TestParseRate(t *testing.T) {
	for _, c := range []struct {
		in     string
		perSec float64
		str    string
	}{
		{"10/s", 10, "10/s"},
		{"10", 10, "10/s"},
		{"0.5", 0.5, "0.5/s"},
		{"600/m", 10, "600/m"},
		{"600/min", 10, "600/m"},
		{"1/h", 1.0 / 3600, "1/h"},
		{"3600/H", 1, "3600/h"},
		{" 5 / s ", 5, "5/s"},
		{"", 0, ""},
	} {
		r, err := ParseRate(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if r.PerSecond() != c.perSec || r.String() != c.str {
			t.Errorf("%q: %v/s %q, want %v/s %q", c.in, r.PerSecond(), r.String(), c.perSec, c.str)
		}
	}
	for _, bad := range []string{"0", "0/m", "-1", "x", "10/d", "10/", "/s", "NaN", "Inf", "+Inf/s", "1e999", "10/s/s", "1,5"} {
		_, err := ParseRate(bad)
		var u *UsageError
		if !errors.As(err, &u) || !strings.Contains(err.Error(), "invalid --rate") || !strings.Contains(err.Error(), "N/s, N/m or N/h") {
			t.Errorf("%q: %v, want a usage error that says the syntax", bad, err)
		}
	}
	if r, _ := ParseRate(""); r.Limit() != rate.Inf || !r.Unlimited() {
		t.Errorf("no value is no limit: %v", r.Limit())
	}
	if r, _ := ParseRate("120/m"); r.Limit() != 2 || r.Per != time.Minute {
		t.Errorf("120/m: %v per %v", r.Limit(), r.Per)
	}
}

// A bad --rate fails when the flags are parsed, and the help says the
// syntax.
func TestRateFlag(t *testing.T) {
	var r Rate
	var text string
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	fs.SetOutput(&strings.Builder{})
	RateVar(fs, &r, "rate", "at most `RATE` queries to each list")
	RateTextVar(fs, &text, "msg-rate", "at most `RATE` messages")
	if err := fs.Parse([]string{"--rate", "600/m", "--msg-rate", "2/s"}); err != nil {
		t.Fatal(err)
	}
	if r.PerSecond() != 10 || text != "2/s" {
		t.Errorf("rate %v, text %q", r, text)
	}
	err := fs.Parse([]string{"--rate", "fast"})
	if err == nil || !strings.Contains(err.Error(), `invalid argument "fast" for "--rate" flag: want N/s, N/m or N/h`) {
		t.Errorf("bad value: %v", err)
	}
	help := fs.FlagUsages()
	if !strings.Contains(help, "--rate RATE") || !strings.Contains(help, "a bare N is per second") {
		t.Errorf("help:\n%s", help)
	}
}
