package dnsbl

import (
	"context"
	"errors"
	"iter"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
)

func seq(ts []Target) iter.Seq2[Target, error] {
	return func(yield func(Target, error) bool) {
		for _, t := range ts {
			if !yield(t, nil) {
				return
			}
		}
	}
}

// Reports come out in input order even when later targets finish first,
// and the number of targets in progress never exceeds the window.
func TestRunOrderAndWindow(t *testing.T) {
	srv := server(t)
	srv.SetDelay(5 * time.Millisecond)
	c := New(srv.Client(2*time.Second), pick(t, "good.bl.test"), Options{Window: 4})
	in, _ := ParseIP("198.51.100.0/26", DefaultMaxAddresses)
	var got []string
	var pulled atomic.Int64
	src := func(yield func(Target, error) bool) {
		for tg := range in.All() {
			pulled.Add(1)
			if !yield(tg, nil) {
				return
			}
		}
	}
	maxAhead := int64(0)
	err := c.Run(context.Background(), src, func(rep checks.Report) {
		got = append(got, rep.Target)
		if ahead := pulled.Load() - int64(len(got)); ahead > maxAhead {
			maxAhead = ahead
		}
	})
	if err != nil || len(got) != 64 {
		t.Fatalf("%d reports, %v", len(got), err)
	}
	a := netip.MustParseAddr("198.51.100.0")
	for i, g := range got {
		if g != a.String() {
			t.Fatalf("report %d is %s, want %s", i, g, a)
		}
		a = a.Next()
	}
	if maxAhead > 5 {
		t.Errorf("%d targets pulled ahead of the output, window is 4", maxAhead)
	}
}

// An input error ends the run after the reports of the targets before it.
func TestRunInputError(t *testing.T) {
	srv := server(t)
	c := New(srv.Client(2*time.Second), pick(t, "good.bl.test"), Options{})
	bad := errors.New("line 3: bad")
	src := func(yield func(Target, error) bool) {
		if yield(addr("198.51.100.7"), nil) && yield(addr("198.51.100.8"), nil) {
			yield(Target{}, bad)
		}
	}
	n := 0
	err := c.Run(context.Background(), src, func(checks.Report) { n++ })
	if !errors.Is(err, bad) || n != 2 {
		t.Errorf("%d reports, %v", n, err)
	}
}

// A list that never answers costs a few timeouts, not one per address:
// after downAfter timeouts in a row it is not asked again for a while.
func TestSilentListFailsFast(t *testing.T) {
	srv := server(t)
	lists := pick(t, "good.bl.test", "drop.bl.test")
	in, _ := ParseIP("198.51.100.0/25", DefaultMaxAddresses)
	var ts []Target
	for tg := range in.All() {
		ts = append(ts, tg)
	}
	dropAll(srv, lists[1], ts...)
	c := New(srv.Client(200*time.Millisecond), lists, Options{Window: 8})
	start := time.Now()
	n, errs := 0, 0
	c.Run(context.Background(), seq(ts), func(rep checks.Report) {
		n++
		for _, r := range rep.Checks {
			if r.Name == "drop.bl.test" && r.Status == checks.StatusError {
				errs++
			}
		}
	})
	if n != 128 || errs != 128 {
		t.Errorf("%d reports, %d errors", n, errs)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("128 addresses with a silent list took %v", d)
	}
}

// --rate spaces the queries to one list.
func TestRate(t *testing.T) {
	srv := server(t)
	c := New(srv.Client(2*time.Second), pick(t, "good.bl.test"), Options{Rate: 50})
	var ts []Target
	for i := 0; i < 12; i++ {
		ts = append(ts, addr("198.51.100."+strconv.Itoa(100+i)))
	}
	start := time.Now()
	c.Run(context.Background(), seq(ts), func(checks.Report) {})
	// 12 addresses + 3 self-test questions = 15 queries at 50/s: at least
	// 14 gaps of 20ms.
	if d := time.Since(start); d < 270*time.Millisecond {
		t.Errorf("15 queries at 50/s took %v", d)
	}
}

// Cancelling the run stops it promptly.
func TestRunCancel(t *testing.T) {
	srv := server(t)
	srv.SetDelay(50 * time.Millisecond)
	c := New(srv.Client(2*time.Second), pick(t, "good.bl.test"), Options{})
	in, _ := ParseIP("10.0.0.0/16", DefaultMaxAddresses)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := c.Run(ctx, Targets(func(yield func(Input, error) bool) { yield(in, nil) }), func(checks.Report) {})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("cancelled run took %v", d)
	}
}

// A query whose turn under --rate comes after the deadline fails at once,
// as a deadline, in words that name no library.
func TestRateDeadline(t *testing.T) {
	srv := server(t)
	c := New(srv.Client(2*time.Second), pick(t, "good.bl.test"), Options{Rate: 0.5})
	ls := c.lists[0]
	if _, err := c.query(context.Background(), ls, QueryName(addr("198.51.100.7"), ls.zone), 1); err != nil {
		t.Fatalf("first query: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.query(ctx, ls, QueryName(addr("198.51.100.8"), ls.zone), 1)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v, want a deadline", err)
	}
	if msg := checks.Message(err); strings.Contains(msg, "rate:") || !strings.Contains(msg, "--rate") {
		t.Errorf("message %q", msg)
	}
	if d := time.Since(start); d > 50*time.Millisecond {
		t.Errorf("gave up after %v, not at once", d)
	}
}
