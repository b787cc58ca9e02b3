package dnsbl

import (
	"errors"
	"math"
	"net/netip"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks"
)

func TestReversed(t *testing.T) {
	for in, want := range map[string]string{
		// RFC 5782 §2.1 and §2.4 examples.
		"192.0.2.99":                "99.2.0.192",
		"2001:db8:1:2:3:4:567:89ab": "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2",
		"127.0.0.2":                 "2.0.0.127",
	} {
		if got := Reversed(netip.MustParseAddr(in)); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
	if got := QueryName(Target{Domain: "example.com"}, "dbl.spamhaus.org"); got != "example.com.dbl.spamhaus.org." {
		t.Errorf("domain query %s", got)
	}
}

func TestParseIP(t *testing.T) {
	cases := []struct {
		in    string
		count uint64
		first string
		err   error
	}{
		{"192.0.2.1", 1, "192.0.2.1", nil},
		{" 2001:db8::1 ", 1, "2001:db8::1", nil},
		{"::ffff:192.0.2.1", 1, "192.0.2.1", nil},
		{"192.0.2.5/30", 4, "192.0.2.4", nil},
		{"::ffff:192.0.2.0/120", 256, "192.0.2.0", nil},
		{"10.0.0.0/16", 65536, "10.0.0.0", nil},
		{"10.0.0.0/15", 0, "", ErrTooMany},
		{"2001:db8::/64", 0, "", ErrTooMany},
		{"192.0.2", 0, "", ErrBadTarget},
		{"fe80::1%eth0", 0, "", ErrBadTarget},
		{"192.0.2.0/33", 0, "", ErrBadTarget},
		{"example.com", 0, "", ErrBadTarget},
		{"", 0, "", ErrBadTarget},
	}
	for _, c := range cases {
		in, err := ParseIP(c.in, DefaultMaxAddresses)
		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Errorf("%q: %v, want %v", c.in, err, c.err)
			}
			if m := checks.Message(err); strings.Contains(m, "dnsbl") || !strings.HasPrefix(err.Error(), "dnsbl: "+m) {
				t.Errorf("%q: message %q, error %q", c.in, m, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		var first string
		n := uint64(0)
		for tg := range in.All() {
			if n == 0 {
				first = tg.String()
			}
			n++
		}
		if in.Count() != c.count || n != c.count || first != c.first {
			t.Errorf("%q: count %d, yielded %d, first %s", c.in, in.Count(), n, first)
		}
	}
	if _, err := ParseIP("10.0.0.0/8", 1<<24); err != nil {
		t.Errorf("/8 with --max-addresses 16777216: %v", err)
	}
	_, err := ParseIP("10.0.0.0/8", DefaultMaxAddresses)
	if err == nil || !strings.Contains(err.Error(), "16,777,216 addresses") {
		t.Errorf("/8: %v", err)
	}
	big, _ := ParseIP("::/0", math.MaxUint64)
	if big.Count() != math.MaxUint64 {
		t.Errorf("::/0 count %d", big.Count())
	}
}

func TestParseDomain(t *testing.T) {
	in, err := ParseDomain("Bücher.Example.")
	if err != nil || in.target.Domain != "xn--bcher-kva.example" {
		t.Errorf("%+v %v", in, err)
	}
	for _, bad := range []string{"192.0.2.1", "exa mple.com", "localhost", ""} {
		_, err := ParseDomain(bad)
		if !errors.Is(err, ErrBadTarget) || !strings.HasPrefix(checks.Message(err), "invalid target") || strings.Contains(checks.Message(err), "dnsbl") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestLines(t *testing.T) {
	src := "# servers\n192.0.2.1\n\n  198.51.100.0/31  # two\n2001:db8::1\n"
	var got []string
	for tg, err := range Targets(Lines(strings.NewReader(src), "list.txt", IPParser(DefaultMaxAddresses))) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, tg.String())
	}
	if strings.Join(got, " ") != "192.0.2.1 198.51.100.0 198.51.100.1 2001:db8::1" {
		t.Errorf("%q", got)
	}
	// A bad line is a target of its own, saying why, and the lines after
	// it follow.
	got = nil
	var last error
	for tg, err := range Targets(Lines(strings.NewReader("192.0.2.1\n\n192.0.2.x # typo\n192.0.2.3\n"), "list.txt", IPParser(DefaultMaxAddresses))) {
		if err != nil {
			t.Fatal(err)
		}
		if tg.Bad != nil {
			last = tg.Bad
		}
		got = append(got, tg.String())
	}
	if strings.Join(got, " ") != "192.0.2.1 192.0.2.x 192.0.2.3" || last == nil || !strings.Contains(last.Error(), "list.txt:3: ") || !errors.Is(last, ErrBadTarget) ||
		checks.Message(last) != `list.txt:3: invalid target "192.0.2.x": not an IPv4 or IPv6 address` {
		t.Errorf("%q %v", got, last)
	}
	long := strings.Repeat("1", maxLine+10)
	for _, err := range Lines(strings.NewReader(long), "long.txt", IPParser(1)) {
		if err == nil || !strings.Contains(err.Error(), "longer than") {
			t.Errorf("long line: %v", err)
		}
	}
}
