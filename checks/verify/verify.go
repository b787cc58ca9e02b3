package verify

import (
	"cmp"
	"context"
	"iter"
	"sync"
	"sync/atomic"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/address"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/smtpwire"
)

// Input is one address to verify and where it was read.
type Input struct {
	Address string
	// Source is "FILE:LINE", or empty for a command-line argument.
	Source string
}

// Verifier verifies addresses; one Verifier is one run: its domains are
// looked up once and its port 25 verdict is reached once.
type Verifier struct {
	r dnsx.Resolver
	o Options

	mu      sync.Mutex
	domains map[string]*domainEntry
	// asked holds the SMTP answer for each normalized address already
	// asked, so that a duplicate in the input is never asked twice.
	asked map[string]*probe

	conns       chan struct{} // global bound on open connections
	opened      atomic.Int64
	reached     atomic.Int64 // connections that got past TCP connect
	unreachable atomic.Int64 // domains none of whose hosts could be reached
	blocked     atomic.Bool
	noteOnce    sync.Once
	notes       []checks.Finding
}

// New returns a Verifier asking DNS through r.
func New(r dnsx.Resolver, o Options) *Verifier {
	o.fill()
	if o.EHLO == "" {
		o.EHLO = smtpwire.DefaultEHLO(nil)
	}
	return &Verifier{r: r, o: o, domains: map[string]*domainEntry{}, asked: map[string]*probe{}, conns: make(chan struct{}, o.Concurrency)}
}

// Connections is the number of SMTP connections opened so far.
func (v *Verifier) Connections() int { return int(v.opened.Load()) }

// Notes are findings about the run rather than one address (port 25
// unreachable from here), each given once.
func (v *Verifier) Notes() []checks.Finding {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]checks.Finding(nil), v.notes...)
}

// item is one input of a window.
type item struct {
	rec   Record
	addr  *address.Address
	probe *probe
	done  chan struct{}
}

// Run verifies every input and calls emit with each record in input
// order. At most Options.Window inputs are held at once. emit is called
// from Run's goroutine; an error from it ends the run.
func (v *Verifier) Run(ctx context.Context, in iter.Seq[Input], emit func(*Record) error) error {
	win := make([]*item, 0, min(v.o.Window, 1024))
	for x := range in {
		win = append(win, &item{rec: Record{Address: x.Address, Source: x.Source, Reasons: []checks.Finding{}}, done: make(chan struct{})})
		if len(win) == v.o.Window {
			if err := v.window(ctx, win, emit); err != nil {
				return err
			}
			win = win[:0]
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return v.window(ctx, win, emit)
}

// Verify verifies one address.
func (v *Verifier) Verify(ctx context.Context, addr string) (*Record, error) {
	var out *Record
	err := v.Run(ctx, func(yield func(Input) bool) { yield(Input{Address: addr}) }, func(r *Record) error { out = r; return nil })
	return out, err
}

// window verifies a window's items grouped by domain, each domain on
// its own goroutine (at most Concurrency at once), and emits the records
// in input order as they complete.
func (v *Verifier) window(ctx context.Context, win []*item, emit func(*Record) error) error {
	groups := map[string][]*item{}
	var order []string
	for _, it := range win {
		if !v.parse(it) {
			close(it.done)
			continue
		}
		d := it.addr.Domain
		if _, ok := groups[d]; !ok {
			order = append(order, d)
		}
		groups[d] = append(groups[d], it)
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	sem := make(chan struct{}, v.o.Concurrency)
	wg.Go(func() {
		for _, d := range order {
			select {
			case sem <- struct{}{}:
			case <-wctx.Done():
				return
			}
			wg.Go(func() {
				defer func() { <-sem }()
				v.group(wctx, d, groups[d])
			})
		}
	})
	var err error
	for _, it := range win {
		select {
		case <-it.done:
		case <-wctx.Done():
		}
		// The parent first: its error is set before any of its children
		// (wctx, the connections' watchers) hear of it.
		if ctx.Err() != nil || wctx.Err() != nil {
			err = cmp.Or(ctx.Err(), wctx.Err())
			break
		}
		if err = emit(&it.rec); err != nil {
			break
		}
	}
	cancel()
	wg.Wait()
	return err
}

// parse fills the syntax part of a record and says whether the address
// has a domain to look up.
func (v *Verifier) parse(it *item) bool {
	rec := &it.rec
	a, err := address.Parse(rec.Address)
	if err != nil {
		se, _ := err.(*address.SyntaxError)
		rec.Syntax.Error = checks.Message(err)
		if se != nil {
			rec.Syntax.Error, rec.Syntax.Position = se.Msg, se.Pos
		}
		defer rec.Settle()
		rec.Reasons = append(rec.Reasons, checks.Finding{
			Code: "verify.syntax", Severity: checks.SeverityFail,
			Message: "not a valid address: " + checks.Message(err),
			Hint:    "Correct the address where it goes wrong, or drop it.",
			Ref:     "RFC 5322 §3.4.1",
		})
		return false
	}
	it.addr = a
	rec.Normalized = a.String()
	rec.Syntax = Syntax{Valid: true, Quoted: a.Quoted, UTF8: a.UTF8, Literal: a.Literal}
	if a.Literal {
		defer rec.Settle()
		rec.Reasons = append(rec.Reasons, finding("verify.domain-literal", checks.SeverityInfo,
			"the domain is an address literal: there is no domain to look up", "Ask the owner for an address at a domain name.", "RFC 5321 §4.1.3"))
		return false
	}
	if s := address.Suggest(a.Domain); s != "" {
		rec.Syntax.Suggestion = s
		rec.Reasons = append(rec.Reasons, finding("verify.domain-typo", checks.SeverityInfo,
			"the domain "+a.Domain+" looks like a typo of "+s, "Did the person mean "+a.Local+"@"+s+"?", ""))
	}
	rec.Disposable = v.o.Lists.IsDisposable(a.Domain)
	rec.Role = !a.Quoted && IsRole(a.Local)
	rec.Free = IsFree(a.Domain)
	return true
}

func finding(code string, sev checks.Severity, msg, hint, ref string) checks.Finding {
	return checks.Finding{Code: code, Severity: sev, Message: msg, Hint: hint, Ref: ref}
}

// group verifies the items of one domain.
func (v *Verifier) group(ctx context.Context, name string, items []*item) {
	defer func() {
		for _, it := range items {
			close(it.done)
		}
	}()
	de := v.domain(ctx, name)
	if ctx.Err() != nil {
		return
	}
	if v.o.SMTP && de.kind == domOK {
		v.probeDomain(ctx, de, items)
	}
	for _, it := range items {
		v.judge(&it.rec, de, it.probe)
	}
}
