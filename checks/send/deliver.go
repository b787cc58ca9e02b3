package send

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/relayctl/relayctl/checks"
)

// Sender sends messages over one connection at a time, keeping it open
// between messages (RSET between transactions) and opening a new one when
// it breaks. It is not safe for concurrent use: a batch runs one Sender
// per connection.
type Sender struct {
	cfg *Config
	sec *secrets
	log *connLog
	c   *conn
	// last is the connection of the latest attempt, open or not: where
	// the record says the message went.
	last *conn
	rnd  *rand.Rand
	// beforeDot, when set, runs just before a message's final dot.
	beforeDot func() error
	// domain is the recipient domain whose MX c is connected to (MX
	// delivery only).
	domain string
}

// NewSender returns a Sender; id numbers its transcript lines in a batch
// (0: no number).
func NewSender(cfg *Config, id int) *Sender {
	s := &Sender{cfg: cfg, sec: cfg.secrets()}
	s.log = &connLog{t: cfg.Transcript, secrets: s.sec}
	if id > 0 {
		s.log.prefix = fmt.Sprintf("[%d] ", id)
	}
	seed := uint64(time.Now().UnixNano()) + uint64(id)
	s.rnd = rand.New(rand.NewPCG(seed, seed>>7|1))
	return s
}

// Close says QUIT on the open connection, if any.
func (s *Sender) Close() {
	if s.c != nil {
		s.c.quit()
		s.c = nil
	}
}

// Send sends one message with cfg on a fresh connection and closes it.
func Send(ctx context.Context, cfg *Config, msg *Message) Record {
	s := NewSender(cfg, 0)
	defer s.Close()
	return s.Send(ctx, msg)
}

// Send delivers msg, retrying temporary failures (4xx replies, connection
// failures, timeouts before the final dot) up to cfg.Retries more times
// with exponential backoff and jitter. Recipients the server took are not
// sent to again; a message whose final dot got no reply is not sent
// again at all.
//
// In MX delivery (no Server) the recipients are grouped by domain and
// each group goes to its own domain's MX hosts; the record then has a
// Delivery per domain.
func (s *Sender) Send(ctx context.Context, msg *Message) Record {
	if s.cfg.Server == "" {
		if groups := byDomain(msg.To); len(groups) > 1 {
			return s.sendGroups(ctx, msg, groups)
		}
	}
	return s.sendTo(ctx, msg, msg.To)
}

// sendTo delivers msg to rcpts over one route.
func (s *Sender) sendTo(ctx context.Context, msg *Message, rcpts []string) Record {
	cfg := s.cfg
	started := cfg.now()
	t0 := time.Now()
	rec := Record{
		From: msg.From, To: rcpts, MessageID: msg.MessageID, Size: len(msg.Data), DKIM: msg.DKIM,
		Started: started.UTC(), Accepted: []string{}, Rejected: []Rejection{},
	}
	pending := append([]string(nil), rcpts...)
	var final *stepError
	for attempt := 1; ; attempt++ {
		rec.Attempts = attempt
		var tm Timings
		res, e := s.attempt(ctx, msg, pending, &tm)
		rec.Timings = tm
		if s.last != nil {
			rec.Server = s.last.addr
			rec.TLS = s.last.tlsInfo
			rec.Auth = s.last.auth
			rec.Notes = s.last.notes
		}
		if e == nil && res.tested {
			// --quit-after: the recipients the server would take, and
			// every refusal as it came.
			rec.StoppedAfter = cfg.QuitAfter
			rec.Accepted = append(rec.Accepted, res.rcptOK...)
			rec.Rejected = append(rec.Rejected, res.refused...)
			pending = nil
			break
		}
		// Refusals: a 5xx is final; a 4xx recipient stays pending.
		var next []string
		for _, r := range res.refused {
			if !res.temp[r.Recipient] {
				rec.Rejected = append(rec.Rejected, r)
			}
		}
		if e == nil {
			rec.Accepted = append(rec.Accepted, res.rcptOK...)
			rec.Reply = res.data.Raw()
			rec.QueueID = QueueID(rec.Reply)
			for _, r := range pending {
				if res.temp[r] {
					next = append(next, r)
				}
			}
		} else {
			for _, r := range pending {
				if !isRejected(rec.Rejected, r) {
					next = append(next, r)
				}
			}
		}
		pending = next
		final = e
		if len(pending) == 0 && e == nil {
			break
		}
		retry := e == nil || e.retry // e == nil: some recipients deferred
		if e != nil && e.unknown {
			retry = false
		}
		if !retry || attempt > cfg.Retries || ctx.Err() != nil {
			// The deferred recipients that outlasted the retries.
			for _, r := range res.refused {
				if res.temp[r.Recipient] {
					rec.Rejected = append(rec.Rejected, r)
				}
			}
			break
		}
		d := s.backoff(attempt)
		s.log.info("temporary failure (%s); attempt %d of %d in %s", s.sec.scrub(describe(e, res)), attempt+1, cfg.Retries+1, d.Round(time.Millisecond))
		if err := s.sleep(ctx, d); err != nil {
			break
		}
	}
	s.finish(&rec, final, pending)
	if cfg.QuitAfter != "" {
		// Each test is a dialogue of its own, ended with QUIT.
		s.Close()
	}
	rec.Duration = ms(time.Since(t0))
	return rec
}

func describe(e *stepError, res txResult) string {
	if e != nil {
		return checks.Message(e)
	}
	for _, r := range res.refused {
		if res.temp[r.Recipient] {
			return fmt.Sprintf("%d %s for %s", r.Code, r.Text, r.Recipient)
		}
	}
	return "deferred"
}

func isRejected(l []Rejection, rcpt string) bool {
	for _, r := range l {
		if r.Recipient == rcpt {
			return true
		}
	}
	return false
}

// attempt runs one try: the open connection (or a new one), then the
// transaction. A reused connection the server had dropped is replaced
// once without counting as a try.
func (s *Sender) attempt(ctx context.Context, msg *Message, rcpts []string, tm *Timings) (txResult, *stepError) {
	if len(rcpts) == 0 {
		return txResult{}, &stepError{failure: FailureRecipient, err: errorf(ErrBadInput, "no recipients")}
	}
	for try := 0; ; try++ {
		if s.c != nil && s.c.broken {
			s.c.close()
			s.c = nil
		}
		if s.c != nil && s.cfg.Server == "" && s.domain != rcptDomain(rcpts[0]) {
			// MX delivery: this connection is to another domain's MX.
			s.c.quit()
			s.c = nil
		}
		if s.c == nil {
			s.domain = rcptDomain(rcpts[0])
			c, e := open(ctx, s.cfg, rcpts[0], s.log, s.sec, tm)
			if c != nil {
				s.last = c
			}
			if e != nil {
				if ctx.Err() != nil {
					e = &stepError{failure: FailureInterrupted, err: interrupted(ctx, "interrupted while connecting")}
				}
				return txResult{}, e
			}
			s.c = c
		}
		switch s.cfg.QuitAfter {
		case "connect", "ehlo", "tls", "auth":
			return txResult{tested: true}, nil
		}
		res := s.c.tx(msg, rcpts, tm, s.beforeDot)
		if res.e != nil && res.e.stale && try == 0 && ctx.Err() == nil {
			s.log.info("the server closed the idle connection; reconnecting")
			s.c.close()
			s.c = nil
			continue
		}
		if res.e != nil && ctx.Err() != nil {
			// Ctrl-C cut the step short: not the server's timeout.
			if res.e.unknown {
				res.e = &stepError{failure: FailureInterrupted, unknown: true, err: &checks.Error{Pkg: "send", Kind: ErrNoReply,
					Msg: "interrupted after the final dot, before its reply; the server may have queued the message, so it was not sent again"}}
			} else {
				res.e = &stepError{failure: FailureInterrupted, err: interrupted(ctx, "interrupted before the message was sent")}
			}
		}
		if s.c.broken {
			s.c.close()
		}
		return res, res.e
	}
}

// interrupted says msg about a cancelled ctx; errors.Is matches
// context.Canceled (or DeadlineExceeded).
func interrupted(ctx context.Context, msg string) error {
	return &checks.Error{Pkg: "send", Kind: ctx.Err(), Msg: msg}
}

// backoff is the wait before attempt n+1: RetryDelay·2^(n-1), at most a
// minute, with full jitter over its upper half so that many senders do
// not come back at once.
func (s *Sender) backoff(n int) time.Duration {
	base := s.cfg.RetryDelay
	if base <= 0 {
		base = DefaultRetryDelay
	}
	d := base << (n - 1)
	if d <= 0 || d > maxRetryDelay {
		d = maxRetryDelay
	}
	half := d / 2
	return half + time.Duration(s.rnd.Int64N(int64(half)+1))
}

func (s *Sender) sleep(ctx context.Context, d time.Duration) error {
	if s.cfg.Sleep != nil {
		return s.cfg.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// finish sets the result, failure and error from how the last attempt
// ended, and scrubs every text of secrets.
func (s *Sender) finish(rec *Record, e *stepError, pending []string) {
	perm := false
	for _, r := range rec.Rejected {
		if r.Code >= 500 {
			perm = true
		}
	}
	switch {
	case e == nil && rec.StoppedAfter != "":
		// --quit-after: tested, unless a recipient was refused.
		rec.Result = ResultTested
		if len(rec.Rejected) > 0 {
			rec.Result, rec.Failure = ResultFailed, FailureRecipient
			if perm {
				rec.Result = ResultRejected
			}
		}
	case e != nil && e.unknown:
		rec.Result = ResultUnknown
		rec.Failure = e.failure
	case e != nil && (e.permanent || e.reply != nil && e.reply.Permanent() && !e.retry):
		rec.Result = ResultRejected
		rec.Failure = e.failure
	case perm:
		rec.Result = ResultRejected
		rec.Failure = FailureRecipient
		if e != nil && e.failure != FailureRecipient {
			rec.Failure = e.failure
		}
	case e != nil || len(pending) > 0:
		rec.Result = ResultFailed
		rec.Failure = FailureRecipient
		if e != nil {
			rec.Failure = e.failure
		}
	default:
		rec.Result = ResultSent
	}
	if len(rec.Accepted) > 0 && rec.StoppedAfter == "" && (rec.Result == ResultRejected || rec.Result == ResultFailed) {
		// Someone has the message: not a refusal of it, and not one to
		// send again.
		rec.Result = ResultPartial
		rec.Failure = FailureRecipient
	}
	if e != nil {
		if e.reply != nil {
			rec.Reply = e.reply.Raw()
		}
		if e.err != nil {
			rec.Error = checks.Message(e.err)
		}
		if e.reply != nil && rec.Error == "" && rec.Failure == FailureAuth {
			rec.Error = "the server refused the credentials"
		}
		if errors.Is(e.err, context.Canceled) {
			rec.Error = strings.Replace(rec.Error, "context canceled", "interrupted", 1)
		}
	}
	rec.Reply = s.sec.scrub(rec.Reply)
	rec.Error = s.sec.scrub(rec.Error)
	for i := range rec.Rejected {
		rec.Rejected[i].Text = s.sec.scrub(rec.Rejected[i].Text)
	}
}
