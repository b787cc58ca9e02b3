package dnsbl

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/time/rate"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// DefaultConcurrency is how many queries a Checker has in flight at once
// unless told otherwise: enough for one address's questions to every
// default list (A, TXT and three self-test questions each) to go out
// together.
const DefaultConcurrency = 128

// Options tune a Checker.
type Options struct {
	// Command names the reports ("blacklist ip", "blacklist domain").
	Command string
	// Keys go into the zone names of the lists that need them.
	Keys Keys
	// Concurrency bounds the queries in flight at once, health checks
	// included (DefaultConcurrency when zero).
	Concurrency int
	// Rate bounds the queries per second sent to each list (no bound when
	// zero), to keep within a list's terms in bulk runs.
	Rate float64
	// Window bounds the targets in progress at once in Run (derived from
	// Concurrency and the number of lists when zero).
	Window int
	// EagerTXT asks each list for its TXT reason at the same time as the
	// A question instead of after a listing or refusal: a run of a few
	// targets then takes one round trip, at the cost of a TXT question
	// per list and target (not for bulk runs).
	EagerTXT bool
	// Resolver, when set (see ResolverCheck), is added as the last check
	// of every report, so that each report, streamed on its own, says
	// what it was asked through.
	Resolver *checks.Result
	// Extra, when set, runs the checks of a target that are not list
	// lookups (check ip: reverse DNS, HELO, reputation) at the same time
	// as the lists' questions, so that one target still takes one round
	// of DNS; its results come first in the report. It is not called for
	// a bad line of input.
	Extra func(ctx context.Context, t Target) []checks.Result
}

// Data is the data of one list's check of one target.
type Data struct {
	List  string `json:"list"`
	Zone  string `json:"zone"`
	Kind  Kind   `json:"kind"`
	Query string `json:"query"` // the name asked (an account key shows as KEY)
	// Listed: the list lists the target and its answer is counted.
	Listed    bool       `json:"listed"`
	Allowlist bool       `json:"allowlist,omitempty"`
	Codes     []Answered `json:"codes"` // what the list answered, with meanings; never null
	TXT       []string   `json:"txt"`   // the list's reason, asked only when listed; never null
	TXTError  string     `json:"txt_error,omitempty"`
	Refused   bool       `json:"refused"`
	Health    Health     `json:"health"`
	// atResolver: the question failed at the resolver (REFUSED or
	// SERVFAIL); resolverFailed: and so has every question of the run.
	atResolver, resolverFailed bool
}

// ResolverFailed reports whether this list's question failed at the
// resolver, in a run where every question has failed there so far: the
// resolver check of the report says why, once for all the lists.
func (d *Data) ResolverFailed() bool { return d.resolverFailed }

// Checker checks targets against a set of lists, each list's health once
// per kind of target per run. It is safe for concurrent use.
type Checker struct {
	r     dnsx.Resolver
	opt   Options
	lists []*listState
	sem   chan struct{}
	// What the resolver has done with the run's questions so far.
	answered, refusedN, servfailN atomic.Int64
}

// downAfter consecutive timeouts mark a list as not answering; it is then
// asked again at most once per downRetry, so that a list that never
// answers does not cost a full timeout for every address of a bulk run.
const (
	downAfter = 5
	downRetry = 10 * time.Second
)

type listState struct {
	List
	zone    string        // the zone asked (with the key)
	limit   *rate.Limiter // --rate: one token a query, no burst
	health  [3]healthCell // by kindIndex
	fails   atomic.Int32  // consecutive timeouts
	lastTry atomic.Int64  // unix nanoseconds of the last query let through while down
	// reasons are the TXT texts the list gave with its refusal codes, by
	// code: asked once per code and run, not again for every refused
	// target (a list that says "too many queries" is not asked more).
	reasons sync.Map
}

type healthCell struct {
	once sync.Once
	done chan struct{}
	h    Health
}

func kindIndex(k Kind) int {
	switch k {
	case KindIP6:
		return 1
	case KindDomain:
		return 2
	}
	return 0
}

// New returns a Checker asking r about lists.
func New(r dnsx.Resolver, lists []List, opt Options) *Checker {
	if opt.Concurrency <= 0 {
		opt.Concurrency = DefaultConcurrency
	}
	c := &Checker{r: r, opt: opt, sem: make(chan struct{}, opt.Concurrency)}
	for _, l := range lists {
		ls := &listState{List: l}
		ls.zone = zoneFor(&ls.List, opt.Keys)
		// A burst of one spaces the queries evenly, the first at once.
		limit := rate.Inf
		if opt.Rate > 0 {
			limit = rate.Limit(opt.Rate)
		}
		ls.limit = rate.NewLimiter(limit, 1)
		for i := range ls.health {
			ls.health[i].done = make(chan struct{})
		}
		c.lists = append(c.lists, ls)
	}
	return c
}

// Lists returns the lists the Checker asks.
func (c *Checker) Lists() []List {
	out := make([]List, len(c.lists))
	for i, ls := range c.lists {
		out[i] = ls.List
	}
	return out
}

// Check asks every list that lists t's kind about t, all at once, and
// returns the report: one check per list, in the order of the lists.
func (c *Checker) Check(ctx context.Context, t Target) checks.Report {
	return c.check(ctx, t, nil)
}

// check is Check with the list checks run by pool's workers when pool is
// not nil (Run's), else by a goroutine each.
func (c *Checker) check(ctx context.Context, t Target, pool chan<- func()) checks.Report {
	start := time.Now()
	rep := checks.Report{SchemaVersion: checks.SchemaVersion, Command: c.opt.Command, Target: t.String(), Started: start.UTC().Truncate(time.Millisecond)}
	if t.Bad != nil {
		rep.Checks = []checks.Result{badInputResult(t.Bad)}
	}
	k := t.Kind()
	var todo []*listState
	for _, ls := range c.lists {
		if ls.Lists(k) {
			todo = append(todo, ls)
		}
	}
	var extra []checks.Result
	extraDone := make(chan struct{})
	if c.opt.Extra != nil && t.Bad == nil {
		go func() {
			defer close(extraDone)
			extra = c.opt.Extra(ctx, t)
		}()
	} else {
		close(extraDone)
	}
	switch {
	case t.Bad != nil:
	case len(todo) == 0:
		res := checks.Result{Name: "dnsbl", Status: checks.StatusInfo, Summary: fmt.Sprintf("none of the selected lists lists %s targets", k), Data: struct{}{}}
		res.Settle()
		rep.Checks = []checks.Result{res}
	default:
		rep.Checks = make([]checks.Result, len(todo))
		var wg sync.WaitGroup
		for i, ls := range todo {
			wg.Add(1)
			job := func() {
				defer wg.Done()
				rep.Checks[i] = c.checkList(ctx, ls, t)
			}
			if pool == nil {
				go job()
			} else {
				pool <- job
			}
		}
		wg.Wait()
	}
	<-extraDone
	if len(extra) > 0 {
		rep.Checks = append(extra, rep.Checks...)
	}
	if c.opt.Resolver != nil {
		r := *c.opt.Resolver
		r.Findings = append([]checks.Finding{}, r.Findings...)
		if f, ok := c.resolverFailing(); ok {
			resolverFailed(&r, f)
			for i := range rep.Checks {
				if d, ok := rep.Checks[i].Data.(*Data); ok && d.atResolver {
					d.resolverFailed = true
					rep.Checks[i].Error = "not checked: the resolver answered " + f.rcodes() + " (see the resolver check)"
					rep.Checks[i].Summary = rep.Checks[i].Error
				}
			}
		}
		rep.Checks = append(rep.Checks, r)
	}
	rep.DurationMS = checks.Since(start)
	rep.Settle()
	return rep
}

// checkList asks one list about one target and judges the answer against
// the list's health.
func (c *Checker) checkList(ctx context.Context, ls *listState, t Target) (res checks.Result) {
	start := time.Now()
	k := t.Kind()
	health := c.health(ctx, ls, k)
	name := QueryName(t, ls.zone)
	data := &Data{List: ls.Name, Zone: ls.Zone, Kind: k, Query: redact(strings.TrimSuffix(name, "."), c.opt.Keys), Codes: []Answered{}, TXT: []string{}, Allowlist: ls.Allowlist}
	res = checks.Result{Name: ls.Zone, Data: data}
	defer func() {
		res.DurationMS = checks.Since(start)
		res.Settle()
	}()

	// A list whose self-test it refused is refusing this resolver: it is
	// not asked again (its answer is known, and asking costs its quota).
	if h := c.healthNow(ls, k); h.State == HealthRefused {
		c.refusesResolver(&res, t, ls, data, h)
		return res
	}
	var eager chan txtAnswer
	if c.opt.EagerTXT {
		eager = make(chan txtAnswer, 1)
		go func() {
			txt, err := c.lookupTXT(ctx, ls, name)
			eager <- txtAnswer{txt, err}
		}()
	}
	// txt is the list's reason: the eager answer, or a question now.
	txt := func() ([]string, error) {
		if eager != nil {
			a := <-eager
			return a.txt, a.err
		}
		return c.lookupTXT(ctx, ls, name)
	}

	addrs, err := c.lookupA(ctx, ls, name)
	if err != nil {
		// A list refusing this resolver is said so, whether or not its
		// self-test was done when this target was asked.
		select {
		case <-health:
			if h := ls.health[kindIndex(k)].h; h.State == HealthRefused {
				c.refusesResolver(&res, t, ls, data, h)
				return res
			}
		case <-ctx.Done():
		}
		fail(&res, redactErr(err, c.opt.Keys))
		res.Summary = res.Error
		data.Health = c.healthNow(ls, k)
		data.atResolver = errors.Is(err, dnsx.ErrRefused) || errors.Is(err, dnsx.ErrServFail)
		return res
	}
	cl := ls.classify(addrs)
	data.Codes = append(data.Codes, cl.codes...)

	var h Health
	select {
	case <-health:
		h = ls.health[kindIndex(k)].h
	case <-ctx.Done():
		h = Health{State: HealthUnknown, Detail: ctx.Err().Error()}
	}
	data.Health = h

	switch {
	case h.State == HealthRefused:
		c.refusesResolver(&res, t, ls, data, h)
	case cl.v == outside:
		res.Fail(errors.New(cl.why))
		res.Summary = res.Error
	case cl.v == refused:
		why := cl.why
		key := codesOf(cl)
		if r, ok := ls.reasons.Load(key); ok && eager == nil {
			why += r.(string)
		} else if reason, err := txt(); err == nil && len(reason) > 0 {
			data.TXT = append(data.TXT, reason...)
			r := ` "` + strings.Join(reason, `", "`) + `"`
			ls.reasons.LoadOrStore(key, r)
			why += r
		}
		c.refused(&res, t, ls, data, why)
	case h.State == HealthUnhealthy:
		res.Add(unhealthyFinding(&ls.List, h))
		res.Fail(errors.New("answer not counted: " + ls.Zone + " fails its RFC 5782 self-test"))
		res.Summary = res.Error
	case cl.v == listed:
		data.Listed = true
		txt, err := txt()
		if err != nil {
			data.TXTError = checks.Message(redactErr(err, c.opt.Keys))
		}
		data.TXT = append(data.TXT, txt...)
		res.Add(listedFinding(t, &ls.List, cl, txt))
		res.Summary = "listed: " + describe(cl.codes)
		if ls.Allowlist {
			res.Summary = "allowlisted: " + describe(cl.codes)
		}
		if len(txt) > 0 {
			res.Summary += ` "` + strings.Join(txt, `", "`) + `"`
		}
	default:
		res.Summary = "not listed"
	}
	return res
}

// refusesResolver ends res for a list that refused its own test entries,
// and so every question of this resolver: said the same whether the
// target was asked or not, and whatever it answered, so that the output
// does not depend on which question came back first.
func (c *Checker) refusesResolver(res *checks.Result, t Target, ls *listState, data *Data, h Health) {
	data.Health = h
	data.Codes = data.Codes[:0]
	c.refused(res, t, ls, data, ls.Zone+" refuses this resolver: it "+h.Detail)
}

type txtAnswer struct {
	txt []string
	err error
}

// refused ends res as a refusal: the list would not answer this resolver,
// for the reason why (with its TXT text where it gave one).
func (c *Checker) refused(res *checks.Result, t Target, ls *listState, data *Data, why string) {
	data.Refused = true
	res.Add(refusedFinding(t, &ls.List, why, ls.Key != KeyNone))
	res.Fail(errors.New(why))
	res.Summary = res.Error
}

// health starts the list's self-test for targets of kind k, once per run,
// and returns a channel closed when it is done.
func (c *Checker) health(ctx context.Context, ls *listState, k Kind) <-chan struct{} {
	cell := &ls.health[kindIndex(k)]
	cell.once.Do(func() {
		// The test must not die with the first target's context: later
		// targets wait for it too. It ends with the run's context only
		// through the queries' own timeouts.
		hctx := context.WithoutCancel(ctx)
		go func() {
			defer close(cell.done)
			ps := ls.probes(k)
			rs := make([]probeResult, len(ps))
			var wg sync.WaitGroup
			for i, p := range ps {
				wg.Add(1)
				go func() {
					defer wg.Done()
					rs[i].probe = p
					addrs, err := c.lookupA(hctx, ls, QueryName(p.target, ls.zone))
					if err != nil {
						rs[i].err = redactErr(err, c.opt.Keys)
						return
					}
					rs[i].c = ls.classify(addrs)
				}()
			}
			wg.Wait()
			cell.h = ls.judgeHealth(rs)
			if cell.h.State == HealthRefused {
				cell.h.Detail += c.refusalReason(hctx, ls, rs)
			}
		}()
	})
	return cell.done
}

// refusalReason is the TXT text a list gives with the refusal of its
// first refused test entry, quoted ("" when it gives none): what the list
// says is wrong (a public resolver, too many queries, a bad key).
func (c *Checker) refusalReason(ctx context.Context, ls *listState, rs []probeResult) string {
	for _, r := range rs {
		if r.err != nil || r.c.v != refused {
			continue
		}
		txt, err := c.lookupTXT(ctx, ls, QueryName(r.target, ls.zone))
		if err != nil || len(txt) == 0 {
			return ""
		}
		return `: "` + strings.Join(txt, `", "`) + `"`
	}
	return ""
}

// healthNow is the list's health if the test is done, else unknown.
func (c *Checker) healthNow(ls *listState, k Kind) Health {
	cell := &ls.health[kindIndex(k)]
	select {
	case <-cell.done:
		return cell.h
	default:
		return Health{State: HealthUnknown, Detail: "self-test not finished"}
	}
}

// Health returns the self-test results of every list for targets of kind
// k that a run has finished, by zone.
func (c *Checker) Health(k Kind) map[string]Health {
	out := map[string]Health{}
	for _, ls := range c.lists {
		cell := &ls.health[kindIndex(k)]
		select {
		case <-cell.done:
			out[ls.Zone] = cell.h
		default:
		}
	}
	return out
}

// lookupA asks for the A records at name: the return codes.
func (c *Checker) lookupA(ctx context.Context, ls *listState, name string) ([]netip.Addr, error) {
	ans, err := c.query(ctx, ls, name, dns.TypeA)
	if err != nil {
		return nil, err
	}
	var out []netip.Addr
	for _, rr := range ans.Records() {
		if a, ok := netip.AddrFromSlice(rr.(*dns.A).A.To4()); ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// maxTXT bounds the reason text kept from one list.
const maxTXT = 512

// lookupTXT asks for the list's reason.
func (c *Checker) lookupTXT(ctx context.Context, ls *listState, name string) ([]string, error) {
	ans, err := c.query(ctx, ls, name, dns.TypeTXT)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, rr := range ans.Records() {
		s := strings.Join(rr.(*dns.TXT).Txt, "")
		if len(s) > maxTXT {
			s = s[:maxTXT] + "…"
		}
		out = append(out, s)
	}
	return out, nil
}

// query asks one question of one list: within the list's rate, the
// in-flight bound, and not at all while the list is not answering.
func (c *Checker) query(ctx context.Context, ls *listState, name string, qtype uint16) (*dnsx.Answer, error) {
	if n := ls.fails.Load(); n >= downAfter {
		now := time.Now().UnixNano()
		last := ls.lastTry.Load()
		if now-last < int64(downRetry) || !ls.lastTry.CompareAndSwap(last, now) {
			return nil, errorf(ErrListDown, "list not answering: %s did not answer the last %d queries; not asked", ls.Zone, n)
		}
	}
	if err := ls.limit.Wait(ctx); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// Wait gives up at once when the query's turn would come after
		// ctx's deadline; its own error names the library.
		return nil, checks.WrapError("dnsbl", nil, "--rate leaves no time for this query before the deadline", context.DeadlineExceeded)
	}
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	ans, err := c.r.Query(ctx, name, qtype)
	<-c.sem
	switch {
	case err == nil:
		ls.fails.Store(0)
		c.answered.Add(1)
	case errors.Is(err, dnsx.ErrTimeout):
		ls.fails.Add(1)
	case errors.Is(err, dnsx.ErrRefused):
		c.refusedN.Add(1)
	case errors.Is(err, dnsx.ErrServFail):
		c.servfailN.Add(1)
	}
	return ans, err
}
