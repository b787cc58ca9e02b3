// Package mx checks where a domain receives mail and whether the addresses
// of its mail hosts have forward-confirmed reverse DNS.
//
// The mx check follows RFC 5321 §5.1 (MX lookup, the implicit MX, targets
// that must be host names with address records), RFC 7505 (null MX) and
// RFC 2181 §10.3 (an MX target must not be an alias). The ptr check does
// forward-confirmed reverse DNS (FCrDNS, RFC 1912 §2.1, the "iprev" of
// RFC 8601 §3) for every address of every MX host.
package mx

import (
	"context"
	"sync"

	"github.com/relayctl/relayctl/checks/dnsx"
)

// DefaultConcurrency bounds the DNS queries one check has in flight.
const DefaultConcurrency = 32

// maxPTRNames bounds how many names of one PTR RRset are looked up
// forward, the same limit RFC 7208 §4.6.4 puts on the ptr mechanism: a
// hostile reverse zone cannot make one address cost hundreds of queries.
const maxPTRNames = 10

// Options tunes the mx and ptr checks. The zero value is ready to use.
type Options struct {
	// Concurrency bounds the DNS queries in flight at once (0 means
	// DefaultConcurrency).
	Concurrency int
	// RequireMX makes a domain without MX records a failure instead of a
	// warning: set it for a domain that is meant to receive mail.
	RequireMX bool
}

// limiter wraps a resolver so that at most cap(sem) queries run at once.
// Waiting for a slot honours ctx.
type limiter struct {
	r   dnsx.Resolver
	sem chan struct{}
}

func (o Options) resolver(r dnsx.Resolver) *limiter {
	n := o.Concurrency
	if n <= 0 {
		n = DefaultConcurrency
	}
	return &limiter{r: r, sem: make(chan struct{}, n)}
}

func (l *limiter) Query(ctx context.Context, name string, qtype uint16) (*dnsx.Answer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case l.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-l.sem }()
	return l.r.Query(ctx, name, qtype)
}

// tasks bounds the goroutines a fan-out starts; each goroutine's queries
// still go through the limiter.
type tasks struct {
	sem chan struct{}
	wg  sync.WaitGroup
}

func (l *limiter) tasks() *tasks { return &tasks{sem: make(chan struct{}, cap(l.sem))} }

// do starts f in a goroutine once a slot is free. f sees the context
// itself; a cancelled context makes its queries fail fast.
func (t *tasks) do(f func()) {
	t.sem <- struct{}{}
	t.wg.Go(func() {
		defer func() { <-t.sem }()
		f()
	})
}

// wait waits for every f started by do.
func (t *tasks) wait() { t.wg.Wait() }
