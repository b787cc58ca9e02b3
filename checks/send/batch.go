package send

import (
	"context"
	"sync"

	"golang.org/x/time/rate"

	"github.com/relayctl/relayctl/checks"
)

// Job is one message of a batch.
type Job struct {
	Row int
	Msg *Message
	// Err is a message that could not be built; it becomes a failed
	// record without a connection.
	Err error
}

// BatchOptions shape a batch run.
type BatchOptions struct {
	// Concurrency is the number of connections, each reused for many
	// messages (default 1).
	Concurrency int
	// Rate limits the messages started per second over all connections;
	// 0 means no limit.
	Rate float64
	// InFlight, when set, is called with a ResultInFlight record for a
	// message just before its final dot goes out (each attempt that gets
	// that far), never at the same time as emit. It is how a resume
	// learns of a message a crash left without an outcome: the writer
	// should have the record on disk when it returns. An error stops the
	// message before its data (the connection is dropped, the server
	// discards the transaction): without the mark a crash could send it
	// twice.
	InFlight func(Record) error
}

// RunBatch sends every job from jobs over opt.Concurrency connections and
// calls emit with each record as its message completes (emit is never
// called concurrently). When ctx is cancelled no new message starts; the
// ones in flight end as failed (before their final dot: safe to send
// again) or unknown (after it: not sent again by a resume).
func RunBatch(ctx context.Context, cfg *Config, opt BatchOptions, jobs <-chan Job, emit func(Record)) {
	n := opt.Concurrency
	if n < 1 {
		n = 1
	}
	// Message starts are spaced evenly over all connections: a burst of
	// one, so that --rate 10 is one start every 100ms, never ten at once.
	var lim *rate.Limiter
	if opt.Rate > 0 {
		lim = rate.NewLimiter(rate.Limit(opt.Rate), 1)
	}
	var mu sync.Mutex
	out := func(r Record) {
		mu.Lock()
		defer mu.Unlock()
		emit(r)
	}
	var wg sync.WaitGroup
	for i := 1; i <= n; i++ {
		id := i
		if n == 1 {
			id = 0
		}
		s := NewSender(cfg, id)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer s.Close()
			for {
				var j Job
				var ok bool
				select {
				case <-ctx.Done():
					return
				case j, ok = <-jobs:
				}
				if !ok || ctx.Err() != nil {
					return
				}
				if j.Err != nil {
					out(buildFailure(cfg, j))
					continue
				}
				if lim != nil && lim.Wait(ctx) != nil {
					return
				}
				s.beforeDot = nil
				if opt.InFlight != nil {
					s.beforeDot = func() error {
						mu.Lock()
						defer mu.Unlock()
						return opt.InFlight(inFlight(cfg, j))
					}
				}
				rec := s.Send(ctx, j.Msg)
				rec.Row = j.Row
				out(rec)
			}
		}()
	}
	wg.Wait()
}

func buildFailure(cfg *Config, j Job) Record {
	r := Record{Row: j.Row, Result: ResultFailed, Error: cfg.secrets().scrub(checks.Message(j.Err)),
		Accepted: []string{}, Rejected: []Rejection{}, To: []string{}, Started: cfg.now().UTC()}
	if j.Msg != nil {
		r.From, r.To, r.MessageID = j.Msg.From, j.Msg.To, j.Msg.MessageID
	}
	return r
}

// inFlight is the record written before j's final dot.
func inFlight(cfg *Config, j Job) Record {
	return Record{Row: j.Row, Result: ResultInFlight, From: j.Msg.From, To: j.Msg.To, MessageID: j.Msg.MessageID, DKIM: j.Msg.DKIM,
		Size: len(j.Msg.Data), Accepted: []string{}, Rejected: []Rejection{}, Started: cfg.now().UTC()}
}

// CrashedRecord is the outcome a resume reports for a row an earlier run
// left in flight (its last record): unknown, and not sent again.
func CrashedRecord(inFlight Record) Record {
	r := inFlight
	r.Result = ResultUnknown
	r.Failure = FailureInterrupted
	r.Error = "an earlier run stopped after this message's data started and before its outcome was written; the server may have it, so it was not sent again"
	if r.Accepted == nil {
		r.Accepted = []string{}
	}
	if r.Rejected == nil {
		r.Rejected = []Rejection{}
	}
	return r
}
