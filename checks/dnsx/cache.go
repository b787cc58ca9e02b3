package dnsx

import (
	"context"
	"errors"
	"sync"
)

type key struct {
	name  string
	qtype uint16
}

type entry struct {
	done chan struct{}
	ans  *Answer
	err  error
}

// cache keeps every answer (and failure) for the life of one Client, and
// makes concurrent asks for the same question share one query. With
// forget set it keeps an answer only while its query is under way, so
// that its size is bounded by the queries in flight.
type cache struct {
	mu     sync.Mutex
	m      map[key]*entry
	forget bool
}

func (c *cache) init() { c.m = map[key]*entry{} }

func (c *cache) do(ctx context.Context, k key, fn func() (*Answer, error)) (*Answer, error) {
	c.mu.Lock()
	if e, ok := c.m[k]; ok {
		c.mu.Unlock()
		select {
		case <-e.done:
			if e.err != nil && isCancel(e.err) && ctx.Err() == nil {
				// The asker that ran the query gave up; ask again for this one.
				return c.do(ctx, k, fn)
			}
			return e.ans, e.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	e := &entry{done: make(chan struct{})}
	c.m[k] = e
	c.mu.Unlock()

	e.ans, e.err = fn()
	if c.forget || e.err != nil && isCancel(e.err) {
		// Do not keep a cancellation: it says nothing about the name.
		c.mu.Lock()
		delete(c.m, k)
		c.mu.Unlock()
	}
	close(e.done)
	return e.ans, e.err
}

func isCancel(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
