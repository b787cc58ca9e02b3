// Package dnssec reports whether a domain's DNS answers, and those of its
// MX hosts, are DNSSEC-validated, as the resolver tells it with the
// Authenticated Data bit (RFC 4035 §3.2.3, RFC 6840 §5.7). relayctl does
// not validate signatures itself; it asks a resolver that does, and says
// so plainly when the resolver does not validate or the answers came from
// zone files.
//
// Whether the resolver validates at all is probed by asking for the root
// zone's DNSKEY set: the root is signed, so a validating resolver marks
// that answer authenticated (RFC 4033 §3: a security-aware resolver
// validates from its trust anchor, the root key).
package dnssec

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// Name is the check's Result.Name.
const Name = "dnssec"

// DefaultConcurrency bounds the DNS questions the check has in flight.
const DefaultConcurrency = 16

// Options tunes the check. The zero value is ready to use.
type Options struct {
	// Concurrency bounds the questions in flight (0 means
	// DefaultConcurrency).
	Concurrency int
}

// Data is the check's structured result.
type Data struct {
	// ResolverValidates is true when the resolver validates DNSSEC (the
	// root probe or any answer came back with AD), false when the root
	// probe came back without AD, null when that could not be told.
	ResolverValidates *bool `json:"resolver_validates"`
	// Evaluated is false when no answer could be judged: they came from
	// zone files, or the resolver does not validate.
	Evaluated bool `json:"evaluated"`
	// DomainSigned says whether the domain's own answers were validated;
	// null when not evaluated (or when some were and some were not).
	DomainSigned *bool `json:"domain_signed"`
	// Hosts are the MX hosts in MX order. Never null.
	Hosts []Host `json:"hosts"`
	// Answers are every question asked, in a fixed order: the root probe,
	// the domain's SOA, MX and TXT, then each host's A and AAAA. Never
	// null.
	Answers []Answer `json:"answers"`
}

// Host is one MX host's DNSSEC status.
type Host struct {
	Host string `json:"host"`
	// Signed is true when its address answers were validated; null when
	// not evaluated or the lookup failed.
	Signed *bool `json:"signed"`
}

// Answer is one question and whether its answer carried AD.
type Answer struct {
	Name string `json:"name"`
	Type string `json:"type"`
	AD   bool   `json:"ad"`
	// From is who answered: the server's address or "zone FILE".
	From  string `json:"from,omitempty"`
	Error string `json:"error,omitempty"`

	ans *dnsx.Answer
	err error
}

func (a *Answer) zone() bool { return a.ans != nil && strings.HasPrefix(a.ans.From, "zone ") }

// network reports whether the answer came from a resolver.
func (a *Answer) network() bool { return a.ans != nil && !a.zone() }

// question is one DNS question to ask.
type question struct {
	name  string
	qtype uint16
}

// Check asks the questions and judges the AD bits. domain is already
// normalised by dnsx.Domain.
func Check(ctx context.Context, r dnsx.Resolver, domain string, opt Options) checks.Result {
	start := time.Now()
	res := checks.Result{Name: Name}
	data := Data{Hosts: []Host{}, Answers: []Answer{}}
	res.Data = &data
	check(ctx, r, domain, opt, &res, &data)
	res.DurationMS = checks.Since(start)
	res.Settle()
	return res
}

func check(ctx context.Context, r dnsx.Resolver, domain string, opt Options, res *checks.Result, data *Data) {
	n := opt.Concurrency
	if n <= 0 {
		n = DefaultConcurrency
	}
	sem := make(chan struct{}, n)
	fqdn := dnsx.Fqdn(domain)

	first := ask(ctx, r, sem, []question{
		{".", dns.TypeDNSKEY},
		{fqdn, dns.TypeSOA},
		{fqdn, dns.TypeMX},
		{fqdn, dns.TypeTXT},
	})
	root, own := first[0], first[1:]

	var hosts []string
	if mx := own[1]; mx.ans != nil {
		seen := map[string]bool{}
		for _, rr := range mx.ans.Records() {
			h := strings.TrimSuffix(strings.ToLower(rr.(*dns.MX).Mx), ".")
			if h != "" && !seen[h] {
				seen[h] = true
				hosts = append(hosts, h)
			}
		}
	}
	var qs []question
	for _, h := range hosts {
		qs = append(qs, question{dnsx.Fqdn(h), dns.TypeA}, question{dnsx.Fqdn(h), dns.TypeAAAA})
	}
	hostAns := ask(ctx, r, sem, qs)

	data.Answers = append(append(append(data.Answers, root), own...), hostAns...)
	judge(domain, root, own, hosts, hostAns, res, data)
}

// ask asks every question at once (bounded by sem) and returns the answers
// in the order of qs.
func ask(ctx context.Context, r dnsx.Resolver, sem chan struct{}, qs []question) []Answer {
	out := make([]Answer, len(qs))
	var wg sync.WaitGroup
	for i, q := range qs {
		name := strings.TrimSuffix(q.name, ".")
		if name == "" {
			name = "."
		}
		out[i] = Answer{Name: name, Type: dns.TypeToString[q.qtype]}
		wg.Go(func() {
			a := &out[i]
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done():
				a.err = ctx.Err()
				a.Error = checks.Message(a.err)
				return
			}
			a.ans, a.err = r.Query(ctx, q.name, q.qtype)
			if a.err != nil {
				a.Error = checks.Message(a.err)
				return
			}
			a.AD = a.ans.AD
			a.From = a.ans.From
		})
	}
	wg.Wait()
	return out
}
