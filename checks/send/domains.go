package send

import (
	"context"
	"strings"
	"time"
)

// Delivery is the outcome for one recipient domain of a message sent by
// MX delivery to several domains: each domain's MX hosts get their own
// transaction (RFC 5321 §5.1), and so their own server, TLS, reply and
// queue id.
type Delivery struct {
	Domain   string      `json:"domain"`
	Server   string      `json:"server"`
	TLS      TLSInfo     `json:"tls"`
	To       []string    `json:"to"`
	Accepted []string    `json:"accepted"`
	Rejected []Rejection `json:"rejected"`
	Result   Result      `json:"result"`
	Failure  Failure     `json:"failure,omitempty"`
	Error    string      `json:"error,omitempty"`
	Reply    string      `json:"reply,omitempty"`
	QueueID  string      `json:"queue_id,omitempty"`
	Notes    []string    `json:"notes,omitempty"`
	Attempts int         `json:"attempts"`
	Timings  Timings     `json:"timings_ms"`
}

// domainGroup is the recipients of one domain, in the order given.
type domainGroup struct {
	domain string
	rcpts  []string
}

// rcptDomain is an address's domain, lower-cased: the key MX delivery
// groups by.
func rcptDomain(addr string) string {
	return strings.ToLower(addr[strings.LastIndexByte(addr, '@')+1:])
}

// byDomain groups recipients by domain, domains in order of first
// appearance.
func byDomain(rcpts []string) []domainGroup {
	var out []domainGroup
	idx := map[string]int{}
	for _, r := range rcpts {
		d := rcptDomain(r)
		i, ok := idx[d]
		if !ok {
			i = len(out)
			idx[d] = i
			out = append(out, domainGroup{domain: d})
		}
		out[i].rcpts = append(out[i].rcpts, r)
	}
	return out
}

// sendGroups delivers msg to each domain's MX in turn and sums up: sent
// when every domain took it for every recipient, partial when some
// recipients have it and others do not, else the most telling outcome
// of the domains (rejected outranks unknown, which outranks failed).
func (s *Sender) sendGroups(ctx context.Context, msg *Message, groups []domainGroup) Record {
	t0 := time.Now()
	rec := Record{
		From: msg.From, To: msg.To, MessageID: msg.MessageID, Size: len(msg.Data), DKIM: msg.DKIM,
		Started: s.cfg.now().UTC(), Accepted: []string{}, Rejected: []Rejection{},
	}
	var errs []string
	results := map[Result]int{}
	for _, g := range groups {
		if ctx.Err() != nil && len(rec.Deliveries) > 0 {
			// Ctrl-C: the domains not started are not tried.
			r := Record{To: g.rcpts, Result: ResultFailed, Failure: FailureInterrupted, Error: "interrupted before this domain was tried"}
			rec.Deliveries = append(rec.Deliveries, deliveryOf(g.domain, r))
			results[ResultFailed]++
			errs = append(errs, g.domain+": "+r.Error)
			continue
		}
		r := s.sendTo(ctx, msg, g.rcpts)
		rec.Deliveries = append(rec.Deliveries, deliveryOf(g.domain, r))
		rec.Accepted = append(rec.Accepted, r.Accepted...)
		rec.Rejected = append(rec.Rejected, r.Rejected...)
		rec.Attempts = max(rec.Attempts, r.Attempts)
		rec.Notes = append(rec.Notes, r.Notes...)
		results[r.Result]++
		if r.Result != ResultSent {
			if rec.Failure == "" {
				rec.Failure = r.Failure
			}
			if e := firstNonEmpty(r.Error, r.Reply); e != "" {
				errs = append(errs, g.domain+": "+e)
			}
		}
	}
	rec.StoppedAfter = s.cfg.QuitAfter
	switch {
	case results[ResultSent] == len(groups):
		rec.Result = ResultSent
	case results[ResultTested] == len(groups):
		rec.Result = ResultTested
	case s.cfg.QuitAfter != "" && results[ResultRejected] > 0:
		rec.Result = ResultRejected
	case s.cfg.QuitAfter != "":
		rec.Result = ResultFailed
	case len(rec.Accepted) > 0:
		rec.Result = ResultPartial
	case results[ResultRejected] > 0:
		rec.Result = ResultRejected
	case results[ResultUnknown] > 0:
		rec.Result = ResultUnknown
	default:
		rec.Result = ResultFailed
	}
	rec.Error = strings.Join(errs, "; ")
	rec.Duration = ms(time.Since(t0))
	return rec
}

func deliveryOf(domain string, r Record) Delivery {
	d := Delivery{Domain: domain, Server: r.Server, TLS: r.TLS, To: r.To, Accepted: r.Accepted, Rejected: r.Rejected,
		Result: r.Result, Failure: r.Failure, Error: r.Error, Reply: r.Reply, QueueID: r.QueueID, Notes: r.Notes,
		Attempts: r.Attempts, Timings: r.Timings}
	if d.Accepted == nil {
		d.Accepted = []string{}
	}
	if d.Rejected == nil {
		d.Rejected = []Rejection{}
	}
	return d
}

func firstNonEmpty(l ...string) string {
	for _, s := range l {
		if s != "" {
			return s
		}
	}
	return ""
}
