package dnsbl

import (
	"context"
	"sync"
	"time"
)

// limiter spaces the queries to one list evenly at a given rate. A nil
// limiter lets everything through.
type limiter struct {
	mu    sync.Mutex
	next  time.Time
	every time.Duration
}

func newLimiter(perSecond float64) *limiter {
	return &limiter{every: time.Duration(float64(time.Second) / perSecond)}
}

// wait returns when the next query may go, or when ctx ends.
func (l *limiter) wait(ctx context.Context) error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	now := time.Now()
	at := l.next
	if at.Before(now) {
		at = now
	}
	l.next = at.Add(l.every)
	l.mu.Unlock()
	d := at.Sub(now)
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
