package verify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/smtpwire"
)

// probe is one distinct address asked of a mail host, shared by every
// input that normalizes to it.
type probe struct {
	norm  string
	utf8  bool
	smtp  SMTP
	ans   answer
	first bool // asks the catch-all question before its own
}

// More answers than a reply can give: why an address was not asked.
const (
	ansUnreachable answer = iota + 100 // no mail host could be connected to
	ansRefused                         // the server refused the probe before RCPT
	ansError                           // timeout, closed connection, not SMTP
	ansSkipped                         // not asked: port 25 is unreachable from here
	ansNoUTF8                          // a UTF-8 local part, a server without SMTPUTF8
)

// unreachableDomains is how many domains must fail at TCP connect, with
// no connection reached anywhere in the run, before port 25 is judged
// blocked from here and no more connections are tried.
const unreachableDomains = 3

// probeDomain asks the domain's mail host about every distinct address of
// items, over up to PerDomain connections.
func (v *Verifier) probeDomain(ctx context.Context, de *domainEntry, items []*item) {
	var todo []*probe
	v.mu.Lock()
	for _, it := range items {
		p, ok := v.asked[it.rec.Normalized]
		if !ok {
			p = &probe{norm: it.rec.Normalized, utf8: it.addr.UTF8}
			v.asked[p.norm] = p
			todo = append(todo, p)
		}
		it.probe = p
	}
	v.mu.Unlock()
	if len(todo) == 0 {
		return
	}
	n := min(v.o.PerDomain, len(todo))
	var wg sync.WaitGroup
	for i := range n {
		chunk := todo[i*len(todo)/n : (i+1)*len(todo)/n]
		chunk[0].first = i == 0
		wg.Go(func() { v.session(ctx, de, chunk) })
	}
	wg.Wait()
}

// session asks about chunk over one connection, and asks again the
// addresses that got a temporary answer after RetryWait, up to Retries
// times, on a new connection.
func (v *Verifier) session(ctx context.Context, de *domainEntry, chunk []*probe) {
	pending := chunk
	for try := 0; len(pending) > 0; try++ {
		if try > 0 {
			t := time.NewTimer(v.o.RetryWait)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return
			}
		}
		retry := v.connection(ctx, de, pending)
		if try >= v.o.Retries || ctx.Err() != nil {
			return
		}
		pending = retry
	}
}

// connection opens one connection, asks about list and returns the
// probes to ask again.
func (v *Verifier) connection(ctx context.Context, de *domainEntry, list []*probe) []*probe {
	select {
	case v.conns <- struct{}{}:
	case <-ctx.Done():
		return nil
	}
	defer func() { <-v.conns }()
	c, err := v.connect(ctx, de)
	if err != nil {
		return v.failAll(list, de, err)
	}
	defer c.quit(ctx)
	return v.transact(ctx, c, de, list)
}

// connect dials the mail hosts in preference order (RFC 5321 §5.1) until
// one answers, and says hello.
func (v *Verifier) connect(ctx context.Context, de *domainEntry) (*conn, error) {
	if v.blocked.Load() {
		return nil, errSkipped
	}
	var last error
	for hi, h := range de.hosts {
		if hi == 3 {
			break
		}
		for ai, addr := range h.addrs {
			if ai == 2 {
				break
			}
			c, err := v.dial(ctx, h.name, addr)
			var se *stepError
			if errors.As(err, &se) && se.Step == "connect" {
				last = err
				continue
			}
			return c, err
		}
	}
	if ctx.Err() == nil && de.firstUnreachable() && v.reached.Load() == 0 && v.unreachable.Add(1) >= unreachableDomains {
		v.block()
	}
	return nil, &unreachableError{host: de.hosts[0].name, err: last}
}

// dial connects to one address of a host and says hello, with STARTTLS
// when offered; a failed handshake is followed by a connection in clear.
func (v *Verifier) dial(ctx context.Context, host, addr string) (*conn, error) {
	useTLS := !v.o.NoTLS
	for {
		c, err := dialHost(ctx, v.o.Dial, host, addr, v.o.Port, v.o.Timeout)
		var se *stepError
		if err == nil || !errors.As(err, &se) || se.Step != "connect" {
			v.reached.Add(1)
		}
		if err != nil {
			return nil, err
		}
		v.opened.Add(1)
		err = c.hello(ctx, v.o.EHLO, useTLS)
		if err == nil {
			return c, nil
		}
		c.close()
		if errors.As(err, &se) && se.Err == errTLS && useTLS {
			useTLS = false
			continue
		}
		return nil, err
	}
}

func (v *Verifier) block() {
	v.blocked.Store(true)
	v.noteOnce.Do(func() {
		v.mu.Lock()
		v.notes = append(v.notes, finding("verify.port25-blocked", checks.SeverityWarn,
			"outgoing connections to port 25 fail from here (the first mail hosts of several domains could not be reached, and none could): the SMTP check was skipped for the rest of the run",
			"Run the SMTP check from a host allowed to connect to port 25 (many ISPs and clouds block it), or go without --smtp.", "RFC 5321 §4.5.4.2"))
		v.mu.Unlock()
	})
}

var errSkipped = errors.New("verify: not asked: port 25 is unreachable from here")

type unreachableError struct {
	host string
	err  error
}

func (e *unreachableError) Error() string { return "verify: " + e.Message() }
func (e *unreachableError) Message() string {
	if e.err == nil {
		return "no mail host to connect to"
	}
	return "cannot connect to " + e.host + " on the SMTP port: " + netReason(errors.Unwrap(e.err))
}

// failAll records a failure before any RCPT for every probe of list and
// returns those worth asking again (a temporary refusal).
func (v *Verifier) failAll(list []*probe, de *domainEntry, err error) []*probe {
	var ans answer
	var s SMTP
	var re *smtpwire.Error
	var se *stepError
	var ue *unreachableError
	retry := false
	switch {
	case errors.Is(err, errSkipped):
		ans, s.Error = ansSkipped, "not asked: port 25 is unreachable from here"
	case errors.As(err, &ue):
		ans, s.Step, s.Error, s.Host = ansUnreachable, "connect", ue.Message(), ue.host
	case errors.As(err, &re):
		ans, s.Code, s.Status, s.Text, s.Step = ansRefused, re.Code, re.Secode, re.Reply.Text(), stepName(re.Command)
		retry = !re.Permanent
	case errors.As(err, &se):
		ans, s.Step, s.Error = ansError, se.Step, se.Message()
	default:
		ans, s.Error = ansError, checks.Message(err)
	}
	if s.Host == "" && len(de.hosts) > 0 {
		s.Host = de.hosts[0].name
	}
	var out []*probe
	for _, p := range list {
		tries := p.smtp.Tries
		catch := p.smtp.CatchAll
		p.smtp, p.ans = s, ans
		p.smtp.Tries, p.smtp.CatchAll = tries, catch
		if retry {
			p.ans = ansTemporary
			out = append(out, p)
		}
	}
	return out
}

func stepName(command string) string {
	if command == "" {
		return "greeting"
	}
	return command
}

// transact asks about list in transactions of at most MaxRcpt RCPTs, and
// returns the probes that got a temporary answer or were cut off.
func (v *Verifier) transact(ctx context.Context, c *conn, de *domainEntry, list []*probe) []*probe {
	utf8 := false
	var ask []*probe
	for _, p := range list {
		if p.utf8 && !c.caps.SMTPUTF8 {
			p.ans, p.smtp.Host, p.smtp.Error = ansNoUTF8, c.host, "the server does not take internationalised local parts (no SMTPUTF8)"
			continue
		}
		utf8 = utf8 || p.utf8
		ask = append(ask, p)
	}
	if len(ask) == 0 {
		return nil
	}
	if err := c.mail(ctx, v.o.From, utf8); err != nil {
		return v.failAll(ask, de, err)
	}
	n := 0
	if ask[0].first && de.unknownCatchAll() {
		if err := v.catchAll(ctx, c, de); err != nil {
			return v.failAll(ask, de, err)
		}
		n++
	}
	var retry []*probe
	// limit is the most RCPTs a transaction carries: MaxRcpt, or fewer
	// once the server has said how many it takes.
	limit := v.o.MaxRcpt
	for i := 0; i < len(ask); {
		if n >= limit {
			if err := v.restart(ctx, c, utf8); err != nil {
				return append(retry, v.failAll(ask[i:], de, err)...)
			}
			n = 0
		}
		batch := ask[i : i+1]
		if c.caps.Pipelining {
			batch = ask[i : i+min(limit-n, len(ask)-i)]
		}
		norms := make([]string, len(batch))
		for j, p := range batch {
			if err := de.limiter.Wait(ctx); err != nil {
				return nil // cancelled: the rest stay unasked
			}
			norms[j] = p.norm
		}
		replies, err := c.rcpts(ctx, norms)
		tooMany := -1
		for j, r := range replies {
			p := batch[j]
			a := classify(r)
			if a == ansTooMany && n > 0 {
				// RFC 5321 §4.5.3.1.10: the server takes no more in
				// this transaction; this one and the rest of the batch
				// are asked again in another.
				tooMany = j
				break
			}
			if a == ansTooMany {
				a = ansTemporary
			}
			p.smtp.Tries++
			p.ans = a
			p.smtp.Host, p.smtp.TLS, p.smtp.Step = c.host, c.tls, "RCPT"
			p.smtp.Code, p.smtp.Status, p.smtp.Text, p.smtp.Error = r.Code, r.Secode, r.Text(), ""
			n++
			if a == ansTemporary {
				retry = append(retry, p)
			}
			if r.Code == 421 {
				// The server is closing the connection (RFC 5321 §3.8):
				// the rest are asked again on a new one.
				rest := ask[i+j+1:]
				for _, q := range rest {
					q.ans, q.smtp.Host, q.smtp.Error = ansTemporary, c.host, "not asked: the server closed the connection (421)"
				}
				return append(retry, rest...)
			}
		}
		if tooMany >= 0 {
			i += tooMany
			limit = n
			if err := v.restart(ctx, c, utf8); err != nil {
				return append(retry, v.failAll(ask[i:], de, err)...)
			}
			n = 0
			continue
		}
		if err != nil {
			// Cut off: ask the rest again on a new connection.
			rest := ask[i+len(replies):]
			v.failAll(rest, de, err)
			for _, q := range rest {
				q.ans = ansTemporary
			}
			return append(retry, rest...)
		}
		i += len(batch)
	}
	c.rset(ctx)
	return retry
}

// restart ends the transaction and starts a new one on the same
// connection.
func (v *Verifier) restart(ctx context.Context, c *conn, utf8 bool) error {
	if err := c.rset(ctx); err != nil {
		return err
	}
	return c.mail(ctx, v.o.From, utf8)
}

// firstUnreachable reports whether this is the first time the domain's
// hosts could not be reached, so that a domain counts once towards the
// port 25 verdict however many connections it tried.
func (de *domainEntry) firstUnreachable() bool {
	de.mu.Lock()
	defer de.mu.Unlock()
	first := !de.unreachable
	de.unreachable = true
	return first
}

func (de *domainEntry) unknownCatchAll() bool {
	de.mu.Lock()
	defer de.mu.Unlock()
	return de.catchAll == nil
}

// catchAll asks about a local part nobody has: a server that accepts it
// accepts every address, and its yes says nothing about the others.
func (v *Verifier) catchAll(ctx context.Context, c *conn, de *domainEntry) error {
	if err := de.limiter.Wait(ctx); err != nil {
		return err
	}
	var b [8]byte
	rand.Read(b[:])
	r, err := c.rcpt(ctx, "relayctl-verify-"+hex.EncodeToString(b[:])+"@"+de.name)
	if err != nil {
		return err
	}
	var yes bool
	switch classify(r) {
	case ansAccepted:
		yes = true
	case ansNoMailbox:
		yes = false
	default:
		return nil // no answer either way
	}
	de.mu.Lock()
	de.catchAll = &yes
	de.mu.Unlock()
	return nil
}
