package domain

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// fakePart returns after delay with one finding of severity sev (none
// when empty).
func fakePart(name string, delay time.Duration, sev checks.Severity) PartFunc {
	return func(ctx context.Context, _ dnsx.Resolver, domain string, _ Options) checks.Result {
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			r := checks.Result{Name: name}
			r.Fail(ctx.Err())
			return r
		}
		r := checks.Result{Name: name, Summary: name + " of " + domain}
		if sev != "" {
			r.Add(checks.Finding{Code: name + ".x", Severity: sev, Message: "m"})
		}
		r.Settle()
		return r
	}
}

func names(rep checks.Report) string {
	var out []string
	for _, c := range rep.Checks {
		out = append(out, c.Name)
	}
	return strings.Join(out, ",")
}

// The report order is fixed even when the parts finish in reverse.
func TestRunFixedOrder(t *testing.T) {
	reg := map[string]PartFunc{}
	for i, p := range Parts() {
		reg[p] = fakePart(p, time.Duration(len(Parts())-i)*10*time.Millisecond, "")
	}
	rep := run(context.Background(), nil, "example.com", Options{}, reg)
	if got := names(rep); got != strings.Join(Parts(), ",") || !strings.HasPrefix(got, "mx,ptr,spf,dkim,dmarc,") {
		t.Errorf("order = %s", got)
	}
	if rep.Command != CommandDomain || rep.Target != "example.com" || rep.SchemaVersion != 1 || rep.Status != checks.StatusOK {
		t.Errorf("report = %+v", rep)
	}
	if rep.Started.IsZero() || rep.Started.Location() != time.UTC {
		t.Errorf("started = %v, want a UTC time", rep.Started)
	}
}

// The parts run at the same time: each waits until all have started,
// which would never happen if they ran one after another.
func TestRunPartsConcurrently(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(len(Parts()))
	all := make(chan struct{})
	go func() { wg.Wait(); close(all) }()
	reg := map[string]PartFunc{}
	for _, p := range Parts() {
		reg[p] = func(ctx context.Context, _ dnsx.Resolver, _ string, _ Options) checks.Result {
			wg.Done()
			select {
			case <-all:
				return checks.Result{Name: p}
			case <-time.After(2 * time.Second):
				r := checks.Result{Name: p}
				r.Fail(errors.New("parts did not run concurrently"))
				return r
			}
		}
	}
	rep := run(context.Background(), nil, "example.com", Options{}, reg)
	if rep.Status != checks.StatusOK {
		t.Errorf("status %s: %+v", rep.Status, rep.Checks)
	}
}

func TestRunSubsetAndStatusRollUp(t *testing.T) {
	reg := map[string]PartFunc{
		"spf":   fakePart("spf", 0, checks.SeverityWarn),
		"dmarc": fakePart("dmarc", 0, checks.SeverityFail),
		"mx":    func(context.Context, dnsx.Resolver, string, Options) checks.Result { panic("must not run") },
	}
	rep := run(context.Background(), nil, "example.com", Options{Parts: []string{"dmarc", "spf", "spf"}, Command: "check spf"}, reg)
	if got := names(rep); got != "spf,dmarc" {
		t.Errorf("checks = %s, want spf,dmarc", got)
	}
	if rep.Status != checks.StatusFail || rep.Command != "check spf" {
		t.Errorf("status %s command %s", rep.Status, rep.Command)
	}
}

func TestRunPanicBecomesError(t *testing.T) {
	reg := map[string]PartFunc{
		"mx":  func(context.Context, dnsx.Resolver, string, Options) checks.Result { panic("boom") },
		"spf": fakePart("spf", 0, ""),
	}
	rep := run(context.Background(), nil, "example.com", Options{Parts: []string{"mx", "spf"}}, reg)
	mx := rep.Checks[0]
	if mx.Name != "mx" || mx.Status != checks.StatusError || !strings.Contains(mx.Error, "boom") {
		t.Errorf("mx = %+v", mx)
	}
	if rep.Checks[1].Status != checks.StatusOK {
		t.Errorf("spf = %+v", rep.Checks[1])
	}
	if rep.Status != checks.StatusError {
		t.Errorf("report status %s, want error", rep.Status)
	}
}

func TestRunUnwiredPartIsError(t *testing.T) {
	rep := run(context.Background(), nil, "example.com", Options{Parts: []string{"dkim"}}, map[string]PartFunc{})
	if len(rep.Checks) != 1 || rep.Checks[0].Status != checks.StatusError || rep.Checks[0].Findings == nil {
		t.Errorf("checks = %+v", rep.Checks)
	}
}

func TestRunCancelled(t *testing.T) {
	reg := map[string]PartFunc{"spf": fakePart("spf", time.Hour, "")}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	rep := run(ctx, nil, "example.com", Options{Parts: []string{"spf"}}, reg)
	if time.Since(start) > time.Second || rep.Status != checks.StatusError {
		t.Errorf("after cancel: %s in %v", rep.Status, time.Since(start))
	}
}

func TestValidateParts(t *testing.T) {
	if err := ValidateParts([]string{"mx", "dmarc"}); err != nil {
		t.Error(err)
	}
	if err := ValidateParts([]string{"mx", "bimi", "mtasts", "tlsrpt"}); err != nil {
		t.Error(err)
	}
	if err := ValidateParts([]string{"mx", "bimy"}); !errors.Is(err, ErrUnknownPart) {
		t.Errorf("bimy: %v", err)
	}
}

// RunAll keeps input order, emits a report as soon as it and the ones
// before it are done, and never runs more domains than allowed at once.
func TestRunAllOrderStreamingAndBound(t *testing.T) {
	release := make(chan struct{})
	var inFlight, peak atomic.Int32
	reg := map[string]PartFunc{
		"spf": func(ctx context.Context, _ dnsx.Resolver, domain string, _ Options) checks.Result {
			n := inFlight.Add(1)
			defer inFlight.Add(-1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			switch domain {
			case "last.example":
				// Held until the first report is out: a RunAll that waited
				// for every domain before emitting would never get here.
				select {
				case <-release:
				case <-time.After(5 * time.Second):
					r := checks.Result{Name: "spf"}
					r.Fail(errors.New("first report was not emitted while the last ran"))
					return r
				}
			case "a.example":
				time.Sleep(30 * time.Millisecond) // finishes after b
			}
			return checks.Result{Name: "spf", Summary: domain}
		},
	}
	domains := []string{"a.example", "b.example", "c.example", "d.example", "last.example"}
	var emitted []string
	opt := Options{Parts: []string{"spf"}, Concurrency: 2}
	reps := runAll(context.Background(), nil, domains, opt, func(rep checks.Report) {
		emitted = append(emitted, rep.Target)
		if rep.Target == "a.example" {
			close(release) // a is out while last is still running
		}
	}, reg)
	if got := strings.Join(emitted, ","); got != strings.Join(domains, ",") {
		t.Errorf("emitted %s", got)
	}
	for i, rep := range reps {
		if rep.Status != checks.StatusOK {
			t.Errorf("%s: %s %s", rep.Target, rep.Status, rep.Checks[0].Error)
		}
		if rep.Target != domains[i] {
			t.Errorf("report %d is %s", i, rep.Target)
		}
	}
	if p := peak.Load(); p > 2 {
		t.Errorf("%d domains at once, want at most 2", p)
	}
}

// Across the real resolver and a loopback DNS server: the wired mx part
// answers from the zone.
func TestRunOverLoopback(t *testing.T) {
	r := dnstest.Resolver(t, `$ORIGIN example.com.
@    3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@    3600 IN MX 10 mx1
mx1  3600 IN A 192.0.2.10
`)
	rep := Run(context.Background(), r, "example.com", Options{Parts: []string{"mx"}})
	if len(rep.Checks) != 1 || rep.Checks[0].Name != "mx" {
		t.Fatalf("checks = %+v", rep.Checks)
	}
	if st := rep.Checks[0].Status; st == checks.StatusError {
		t.Errorf("mx over loopback: %s %s", st, rep.Checks[0].Error)
	}
	if !strings.Contains(rep.Checks[0].Summary, "mx1.example.com") {
		t.Errorf("summary %q does not name the host", rep.Checks[0].Summary)
	}
}
