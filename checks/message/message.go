// Package message gives the authentication verdicts a receiver computes
// for a message as it was received: every DKIM signature (RFC 6376), SPF
// for the MAIL FROM and HELO identities (RFC 7208), the DMARC policy of
// the From domain and its alignment (RFC 7489, RFC 9989), the ARC chain
// (RFC 8617), and the Authentication-Results fields of the receivers the
// caller trusts (RFC 8601) beside relayctl's own verdicts; then, whatever
// those found, the delivery path from the Received fields (hops), the
// mailbox providers' bulk-sender requirements (bulk) and a SpamAssassin
// score from a spamd the caller names (spam); and, with checks/content,
// what filters look at in its content (content).
//
// The engines are the checks/dkimverify, checks/arc, checks/spf,
// checks/dmarc, checks/received, checks/authres, checks/mx (the sending
// IP's forward-confirmed PTR) and checks/spamd packages; this package
// runs them together, so that the key lookups of every signature and
// seal, the DMARC record and SPF's first query go out in one round of
// DNS, and turns what they find into one report per message.
package message

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/arc"
	"github.com/relayctl/relayctl/checks/content"
	"github.com/relayctl/relayctl/checks/dkimverify"
	"github.com/relayctl/relayctl/checks/dmarc"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/internal/cfws"
	"github.com/relayctl/relayctl/checks/mx"
	"github.com/relayctl/relayctl/checks/received"
)

// Command is the report's command name.
const Command = "check message"

// Options are the facts of the receiving hop and how to judge the
// message. A fact left unset is taken from the trace the receiver added
// (received.TraceFacts).
type Options struct {
	// IP is the SMTP client's address; invalid when not given.
	IP netip.Addr
	// HELO is the name the client gave in HELO/EHLO; "" when not given.
	HELO string
	// MailFrom is the MAIL FROM address when MailFromSet ("" for the null
	// reverse-path <>).
	MailFrom    string
	MailFromSet bool
	// AuthServIDs are the receivers whose Authentication-Results are
	// believed (RFC 8601 §5).
	AuthServIDs []string
	// Now is the time x= and t= are judged against; time.Now() when zero.
	Now time.Time
	// Slow is the delay of one hop the hops check warns past; DefaultSlow
	// when zero.
	Slow time.Duration
	// Bulk makes the bulk-sender requirements warn or fail when missed
	// (info otherwise).
	Bulk bool
	// Spamd is the spamd (HOST:PORT, as spamd.ParseAddr gives it) that
	// scores the message for the spam check; "" runs none.
	Spamd string
	// Content tunes the content check.
	Content content.Options
}

// Input is one message to check.
type Input struct {
	// Source names where it came from: a file, "-", a file and "#N" for
	// the Nth message of an mbox.
	Source string
	Data   []byte
	// Truncated is set when the reader cut the message at its size limit:
	// the end of the body is missing, so a body hash cannot be judged.
	Truncated bool
}

// ErrNotMessage is the kind of the error of an input that is not a
// message.
var ErrNotMessage = errors.New("message: not a message")

const pkg = "message"

// run is what every check of one message shares: the parsed message,
// the SMTP facts, the engines' answers.
type run struct {
	opts   Options
	input  Input
	msg    *dkimverify.Message
	from   fromDomain
	facts  smtpFacts
	dkim   dkimverify.Result
	arc    arc.Result
	policy dmarc.Discovery
	spf    spfRun
	// unterminated: the header section has no empty line after it.
	unterminated bool
	// dmarcResult is the dmarc check's result, for authres to compare;
	// dmarcData all of its data, for bulk.
	dmarcResult string
	dmarcData   *DMARCData
	// path is the delivery path (the Received fields, oldest first).
	path received.Path
	// ptr is the sending IP's forward-confirmed reverse DNS, nil when
	// not looked up; spam spamd's verdict, nil without Options.Spamd.
	ptr  *mx.Address
	spam *checks.Result
	// content is the content check's result (checks/content).
	content checks.Result
}

// Check checks one message and returns its report: the checks of
// Checks(), in that order. A message that cannot be
// read gets a report with Error set.
func Check(ctx context.Context, r dnsx.Resolver, in Input, opts Options) (rep checks.Report) {
	start := time.Now()
	if opts.Now.IsZero() {
		opts.Now = start
	}
	rep = checks.Report{SchemaVersion: checks.SchemaVersion, Command: Command, Target: in.Source, Source: in.Source, Started: start, Checks: []checks.Result{}}
	defer func() {
		rep.DurationMS = checks.Since(start)
		rep.Settle()
	}()
	msg, err := parse(in.Data)
	if err != nil {
		rep.Error = checks.Message(err)
		return rep
	}
	if id := messageID(msg.Header); id != "" {
		rep.Target = id
	}
	ru := &run{opts: opts, input: in, msg: msg}
	ru.unterminated = msg.Body.Size() == 0 && !headerEnds(in.Data)
	ru.from = headerFrom(msg.Header)
	trace := received.NewTrace(traceFields(msg.Header))
	ru.facts = smtpFactsOf(trace, opts)
	ru.path = trace.Path()

	// Every engine at once: their first DNS questions leave together.
	var wg sync.WaitGroup
	wg.Go(func() {
		ru.dkim = dkimverify.Verify(ctx, r, msg, dkimverify.Options{Now: opts.Now})
	})
	wg.Go(func() {
		ru.arc = arc.Validate(ctx, r, msg, arc.Options{Now: opts.Now})
	})
	if ru.from.domain != "" {
		wg.Go(func() { ru.policy = dmarc.Discover(ctx, r, ru.from.domain) })
	}
	wg.Go(func() { ru.spf = checkSPF(ctx, r, ru.facts, opts.Now) })
	if publicAddr(ru.facts.IP) {
		wg.Go(func() { a := mx.FCrDNS(ctx, r, ru.facts.IP); ru.ptr = &a })
	}
	wg.Go(func() { ru.spam = scan(ctx, opts.Spamd, in.Data) })
	wg.Go(func() { ru.content = content.Check(ctx, r, in.Data, opts.Content) })
	wg.Wait()

	for _, c := range Checks() {
		t := time.Now()
		res := c.judge(ru)
		res.Name = c.Name
		res.DurationMS = checks.Since(t)
		res.Settle()
		rep.Checks = append(rep.Checks, res)
	}
	return rep
}

// parse reads the header section of data; a header without any field is
// not a message.
func parse(data []byte) (*dkimverify.Message, error) {
	msg, err := dkimverify.ParseMessage(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, checks.WrapError(pkg, ErrNotMessage, "not a message", err)
	}
	if len(msg.Header) == 0 {
		return nil, checks.WrapError(pkg, ErrNotMessage, "not a message", checks.NewError(pkg, nil, "it has no header fields"))
	}
	return msg, nil
}

// headerEnds reports whether data has the empty line that ends a header
// section.
func headerEnds(data []byte) bool {
	return bytes.Contains(data, []byte("\n\n")) || bytes.Contains(data, []byte("\n\r\n"))
}

// messageID is the first Message-ID field's value, trimmed; "" when none.
func messageID(h []dkimverify.Field) string {
	for _, f := range h {
		if f.Is("Message-ID") {
			v := strings.TrimSpace(cfws.Unfold(string(f.Value())))
			if len(v) > 998 {
				v = v[:998] // RFC 5322 §2.1.1: no line is longer
			}
			return v
		}
	}
	return ""
}

// traceFields is the header as the received package reads it.
func traceFields(h []dkimverify.Field) []received.Field {
	out := make([]received.Field, 0, len(h))
	for _, f := range h {
		switch {
		case f.Is("Received"), f.Is("Return-Path"), f.Is("Received-SPF"), f.Is("Date"):
			out = append(out, received.Field{Name: f.Name, Value: string(f.Value())})
		}
	}
	return out
}
