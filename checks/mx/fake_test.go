package mx

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks/dnsx"
)

// fake is a tiny in-memory dnsx.Resolver for the unit tests: records given
// as master-file lines with absolute names, CNAMEs followed, NXDOMAIN for
// names without records, and per-question errors.
type fake struct {
	rrs   []dns.RR
	errs  map[string]error // "name TYPE" → error
	delay time.Duration

	mu       sync.Mutex
	asked    map[string]int
	inFlight atomic.Int32
	peak     atomic.Int32
	// Rounds of dependent questions: a question's round is one more than
	// the highest round among the questions answered before it was asked,
	// so questions asked together share a round and one asked only after
	// another's answer comes later. With a delay, a check that asks its
	// independent questions at once needs as many rounds as its longest
	// chain of dependent questions; a serial one, one round per question.
	answered int // highest round answered so far (under mu)
	rounds   int // highest round asked so far (under mu)
}

func newFake(t *testing.T, lines string) *fake {
	t.Helper()
	f := &fake{errs: map[string]error{}, asked: map[string]int{}}
	for _, l := range strings.Split(lines, "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		rr, err := dns.NewRR(l)
		if err != nil {
			t.Fatalf("bad fixture line %q: %v", l, err)
		}
		f.rrs = append(f.rrs, rr)
	}
	return f
}

func key(name string, qtype uint16) string {
	return dnsx.Fqdn(name) + " " + dns.TypeToString[qtype]
}

// fail makes the question (name, type) fail with err, a SERVFAIL by default.
func (f *fake) fail(name string, qtype uint16, err error) {
	if err == nil {
		err = &dnsx.QueryError{Name: dnsx.Fqdn(name), Type: qtype, Err: dnsx.ErrServFail}
	}
	f.errs[key(name, qtype)] = err
}

func (f *fake) Query(ctx context.Context, name string, qtype uint16) (*dnsx.Answer, error) {
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		p := f.peak.Load()
		if n <= p || f.peak.CompareAndSwap(p, n) {
			break
		}
	}
	f.mu.Lock()
	f.asked[key(name, qtype)]++
	round := f.answered + 1
	f.rounds = max(f.rounds, round)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.answered = max(f.answered, round)
		f.mu.Unlock()
	}()
	if f.delay > 0 {
		select {
		case <-time.After(f.delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if err := f.errs[key(name, qtype)]; err != nil {
		return nil, err
	}
	ans := &dnsx.Answer{Name: dnsx.Fqdn(name), Type: qtype, Rcode: dns.RcodeSuccess}
	cur := dnsx.Fqdn(name)
	for hop := 0; hop < 8; hop++ {
		exists, alias := false, ""
		for _, rr := range f.rrs {
			h := rr.Header()
			if !strings.EqualFold(h.Name, cur) {
				continue
			}
			exists = true
			switch {
			case h.Rrtype == qtype:
				ans.RRs = append(ans.RRs, rr)
			case h.Rrtype == dns.TypeCNAME:
				alias = dnsx.Fqdn(rr.(*dns.CNAME).Target)
				ans.RRs = append(ans.RRs, rr)
			}
		}
		if !exists {
			ans.Rcode = dns.RcodeNameError
			return ans, nil
		}
		if alias == "" {
			return ans, nil
		}
		cur = alias
	}
	return ans, nil
}

// maxRounds returns the longest chain of dependent questions seen.
func (f *fake) maxRounds() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rounds
}

func (f *fake) count(name string, qtype uint16) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.asked[key(name, qtype)]
}
