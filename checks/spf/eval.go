package spf

import (
	"context"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// Result is the outcome of check_host(), in the words of RFC 7208 §2.6.
type Result string

const (
	Pass      Result = "pass"
	Fail      Result = "fail"
	SoftFail  Result = "softfail"
	Neutral   Result = "neutral"
	None      Result = "none"
	PermError Result = "permerror"
	TempError Result = "temperror"
)

// Processing limits (RFC 7208 §4.6.4).
const (
	MaxLookups     = 10 // DNS-querying terms per check_host(), includes and redirects counted
	MaxVoidLookups = 2  // lookups answered with NXDOMAIN or no data
	MaxMXNames     = 10 // MX names looked up for one mx term
	MaxPTRNames    = 10 // PTR names looked up for one ptr term or %{p}
)

// Outcome is what check_host() found.
type Outcome struct {
	Result Result `json:"result"`
	// Mechanism is the term that decided the result, as written (empty
	// when none matched); Domain is the domain whose record holds it.
	Mechanism string `json:"mechanism,omitempty"`
	Domain    string `json:"domain,omitempty"`
	// Explanation is the expanded exp= text, set only for a fail result
	// whose record has a working exp= (RFC 7208 §6.2).
	Explanation string `json:"explanation,omitempty"`
	// Lookups counts DNS-querying terms evaluated; VoidLookups the lookups
	// that came back empty.
	Lookups     int `json:"lookups"`
	VoidLookups int `json:"void_lookups"`
	// Err says why, for permerror and temperror (and none).
	Err error `json:"-"`
}

// Checker evaluates SPF policies. The zero value needs only a Resolver.
type Checker struct {
	Resolver dnsx.Resolver
	// Receiver is the host name %{r} expands to; "unknown" when empty.
	Receiver string
	// Now is the clock for %{t}; time.Now when nil.
	Now func() time.Time
}

// CheckHost runs check_host(ip, domain, sender) (RFC 7208 §4) with
// resolver r. sender is the MAIL FROM address (postmaster@domain when
// empty; a missing local-part becomes "postmaster", §4.3); helo is the
// HELO/EHLO name, used by %{h}.
func CheckHost(ctx context.Context, r dnsx.Resolver, ip netip.Addr, domain, sender, helo string) Outcome {
	c := Checker{Resolver: r}
	return c.CheckHost(ctx, ip, domain, sender, helo)
}

// CheckSender picks the identity the way a receiver does (RFC 7208 §2.4):
// the domain of the MAIL FROM address, or the HELO name when the reverse
// path is empty, and runs check_host() for it.
func CheckSender(ctx context.Context, r dnsx.Resolver, ip netip.Addr, mailFrom, helo string) Outcome {
	c := Checker{Resolver: r}
	return c.CheckSender(ctx, ip, mailFrom, helo)
}

// CheckSender is the package function with this Checker's settings.
func (c *Checker) CheckSender(ctx context.Context, ip netip.Addr, mailFrom, helo string) Outcome {
	if mailFrom == "" {
		return c.CheckHost(ctx, ip, helo, "postmaster@"+helo, helo)
	}
	_, dom := splitSender(mailFrom, "")
	return c.CheckHost(ctx, ip, dom, mailFrom, helo)
}

// splitSender returns the local-part and domain of a sender address.
func splitSender(sender, domain string) (local, dom string) {
	if sender == "" {
		return "postmaster", domain
	}
	at := strings.LastIndexByte(sender, '@')
	if at < 0 {
		return "postmaster", sender
	}
	local, dom = sender[:at], sender[at+1:]
	if local == "" {
		local = "postmaster"
	}
	return local, dom
}

// CheckHost is the package function with this Checker's settings.
func (c *Checker) CheckHost(ctx context.Context, ip netip.Addr, domain, sender, helo string) Outcome {
	e := &evaluator{
		r:        c.Resolver,
		ip:       ip.Unmap(), // an IPv4-mapped address is IPv4 (RFC 7208 §5)
		helo:     helo,
		receiver: c.Receiver,
		now:      c.Now,
	}
	if e.now == nil {
		e.now = time.Now
	}
	domain = strings.TrimSuffix(domain, ".")
	e.local, e.senderDomain = splitSender(sender, domain)
	st := e.checkHost(ctx, domain, 0, true)
	return Outcome{
		Result:      st.res,
		Mechanism:   st.mech,
		Domain:      st.domain,
		Explanation: st.expl,
		Lookups:     e.lookups,
		VoidLookups: e.voids,
		Err:         st.err,
	}
}

// evaluator holds the state of one check_host() and its recursion.
type evaluator struct {
	r                   dnsx.Resolver
	ip                  netip.Addr
	local, senderDomain string
	helo                string
	receiver            string
	now                 func() time.Time

	lookups, voids int

	ptrDone  bool
	ptrVoid  bool     // the PTR lookup came back empty
	ptrNames []string // validated names of ip, in PTR order
}

// step is the result of evaluating one record.
type step struct {
	res    Result
	mech   string
	domain string
	expl   string
	err    error
}

func permerror(err error) step { return step{res: PermError, err: err} }
func temperror(err error) step { return step{res: TempError, err: err} }

// maxDepth bounds include/redirect recursion; the lookup limit stops it
// first, this is a second fence.
const maxDepth = MaxLookups + 2

// checkHost evaluates the record of domain. top is false inside include,
// where exp= is not used (RFC 7208 §6.2).
func (e *evaluator) checkHost(ctx context.Context, domain string, depth int, top bool) step {
	if err := ctx.Err(); err != nil {
		return temperror(err)
	}
	if depth > maxDepth {
		return permerror(spfError(ErrTooManyLookups, "more than 10 DNS-querying terms"))
	}
	// RFC 7208 §4.3: a malformed domain gives none.
	if !validDomain(domain) {
		return step{res: None, err: spfError(ErrInvalidDomain, "invalid domain name: %q", domain)}
	}
	recs, ans, err := fetchTXT(ctx, e.r, domain)
	if err != nil {
		return temperror(err)
	}
	if ans.NXDomain() {
		return step{res: None, err: spfError(ErrNoRecord, "no SPF record at %s (NXDOMAIN)", domain)}
	}
	spf := selectSPF(recs)
	switch len(spf) {
	case 0:
		return step{res: None, err: spfError(ErrNoRecord, "no SPF record at %s", domain)}
	case 1:
	default:
		return permerror(spfError(ErrMultipleRecords, "more than one SPF record at %s (%d records)", domain, len(spf)))
	}
	rec, err := Parse(spf[0].Text)
	if err != nil {
		return permerror(checks.WrapError("", nil, domain, err))
	}
	env := macroEnv{e: e, domain: domain}
	for _, m := range rec.Mechanisms {
		matched, st := e.match(ctx, env, m, depth)
		if st != nil {
			return *st
		}
		if matched {
			out := step{res: m.Qualifier.Result(), mech: m.Text, domain: domain}
			if out.res == Fail && top && rec.Exp != nil {
				out.expl = e.explain(ctx, env, rec.Exp.Value)
			}
			return out
		}
	}
	if rec.Redirect != nil {
		// RFC 7208 §6.1: redirect counts as a DNS-querying term; a target
		// without a record is a permerror; the target's own exp= applies,
		// this record's does not.
		if st := e.countLookup(); st != nil {
			return *st
		}
		target, err := env.expand(ctx, rec.Redirect.Value, false)
		if err != nil {
			return permerror(err)
		}
		target = targetName(target)
		sub := e.checkHost(ctx, target, depth+1, top)
		if sub.res == None {
			return permerror(spfError(ErrRedirectNone, "redirect target has no SPF record: %s", target))
		}
		return sub
	}
	// RFC 7208 §4.7: no match and no redirect is neutral.
	return step{res: Neutral, domain: domain}
}

func (e *evaluator) countLookup() *step {
	e.lookups++
	if e.lookups > MaxLookups {
		st := permerror(spfError(ErrTooManyLookups, "more than 10 DNS-querying terms"))
		return &st
	}
	return nil
}

func (e *evaluator) countVoid() *step {
	e.voids++
	if e.voids > MaxVoidLookups {
		st := permerror(spfError(ErrTooManyVoids, "more than 2 void lookups"))
		return &st
	}
	return nil
}

// target expands a mechanism's domain-spec, or gives the current domain.
// ok is false when the result is not a name DNS can be asked about: the
// mechanism then does not match (RFC 7208 §4.3 by analogy; §4.8 leaves
// it open).
func (e *evaluator) target(ctx context.Context, env macroEnv, spec string) (name string, ok bool, st *step) {
	if spec == "" {
		return env.domain, validDomain(env.domain), nil
	}
	s, err := env.expand(ctx, spec, false)
	if err != nil {
		p := permerror(err)
		return "", false, &p
	}
	s = targetName(s)
	return s, validDomain(s), nil
}

// match evaluates one mechanism. A non-nil step ends the evaluation.
func (e *evaluator) match(ctx context.Context, env macroEnv, m Mechanism, depth int) (bool, *step) {
	if m.QueriesDNS() {
		if st := e.countLookup(); st != nil {
			return false, st
		}
	}
	switch m.Kind {
	case MechAll:
		return true, nil
	case MechIP4:
		return e.ip.Is4() && m.Net.Contains(e.ip), nil
	case MechIP6:
		return e.ip.Is6() && m.Net.Contains(e.ip), nil
	case MechInclude:
		name, _, st := e.target(ctx, env, m.Domain)
		if st != nil {
			return false, st
		}
		sub := e.checkHost(ctx, name, depth+1, false)
		// RFC 7208 §5.2: pass matches; fail, softfail and neutral do not;
		// temperror stays; permerror and none become permerror.
		switch sub.res {
		case Pass:
			return true, nil
		case Fail, SoftFail, Neutral:
			return false, nil
		case TempError:
			return false, &sub
		case None:
			p := permerror(spfError(ErrIncludeNone, "include target has no SPF record: %s", name))
			return false, &p
		default:
			return false, &sub
		}
	case MechA:
		name, ok, st := e.target(ctx, env, m.Domain)
		if st != nil || !ok {
			return false, st
		}
		return e.matchAddrs(ctx, []string{name}, m)
	case MechMX:
		name, ok, st := e.target(ctx, env, m.Domain)
		if st != nil || !ok {
			return false, st
		}
		ans, err := e.r.Query(ctx, queryName(name), dns.TypeMX)
		if err != nil {
			t := temperror(err)
			return false, &t
		}
		var hosts []string
		for _, rr := range ans.Records() {
			h := strings.TrimSuffix(rr.(*dns.MX).Mx, ".")
			if h != "" { // a null MX (RFC 7505) names no host
				hosts = append(hosts, h)
			}
		}
		if len(ans.Records()) == 0 {
			return false, e.countVoid()
		}
		// RFC 7208 §4.6.4: more than ten MX names is a permerror.
		if len(ans.Records()) > MaxMXNames {
			p := permerror(spfError(ErrTooManyMX, "more than 10 MX names: %s has %d", name, len(ans.Records())))
			return false, &p
		}
		return e.matchAddrs(ctx, hosts, m)
	case MechPTR:
		name, ok, st := e.target(ctx, env, m.Domain)
		if st != nil || !ok {
			return false, st
		}
		names, void := e.validated(ctx)
		if void {
			if st := e.countVoid(); st != nil {
				return false, st
			}
		}
		// RFC 7208 §5.5: a validated name equal to or under the target.
		for _, n := range names {
			if isSubdomainOf(n, name) {
				return true, nil
			}
		}
		return false, nil
	case MechExists:
		name, ok, st := e.target(ctx, env, m.Domain)
		if st != nil || !ok {
			return false, st
		}
		// RFC 7208 §5.7: always an A query, whatever the client's family.
		ans, err := e.r.Query(ctx, queryName(name), dns.TypeA)
		if err != nil {
			t := temperror(err)
			return false, &t
		}
		if ans.Empty() {
			return false, e.countVoid()
		}
		return true, nil
	}
	p := permerror(spfError(ErrSyntax, "syntax error: unknown mechanism %q", m.Kind))
	return false, &p
}

// addrAnswer is the address lookup of one host for the client's family.
type addrAnswer struct {
	addrs []netip.Addr
	void  bool
	err   error
}

// lookupAddrs asks the address records of the client's family (A for an
// IPv4 client, AAAA for IPv6; RFC 7208 §5.3). The lookup is void when the
// name does not exist, or exists with no address of either family: an
// IPv4-only host is not void for an IPv6 client (counting it would turn
// an ordinary dual-stack client into a permerror).
func (e *evaluator) lookupAddrs(ctx context.Context, host string) addrAnswer {
	qt, other := dns.TypeA, dns.TypeAAAA
	if e.ip.Is6() {
		qt, other = dns.TypeAAAA, dns.TypeA
	}
	qn := queryName(host)
	ans, err := e.r.Query(ctx, qn, qt)
	if err != nil {
		return addrAnswer{err: err}
	}
	out := addrAnswer{addrs: addrsOf(ans)}
	if len(out.addrs) > 0 {
		return out
	}
	if ans.NXDomain() {
		out.void = true
		return out
	}
	alt, err := e.r.Query(ctx, qn, other)
	out.void = err == nil && alt.Empty()
	return out
}

func addrsOf(ans *dnsx.Answer) []netip.Addr {
	var out []netip.Addr
	for _, rr := range ans.Records() {
		switch v := rr.(type) {
		case *dns.A:
			if a, ok := netip.AddrFromSlice(v.A.To4()); ok {
				out = append(out, a)
			}
		case *dns.AAAA:
			if a, ok := netip.AddrFromSlice(v.AAAA.To16()); ok {
				out = append(out, a.Unmap())
			}
		}
	}
	return out
}

// matchAddrs looks up hosts (at once) and matches the client against
// their addresses with the mechanism's CIDR lengths, going through them
// in order so that void counting and errors do not depend on timing.
func (e *evaluator) matchAddrs(ctx context.Context, hosts []string, m Mechanism) (bool, *step) {
	answers := make([]addrAnswer, len(hosts))
	var wg sync.WaitGroup
	for i, h := range hosts {
		if !validDomain(h) {
			answers[i] = addrAnswer{void: true}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = e.lookupAddrs(ctx, h)
		}()
	}
	wg.Wait()
	bits := 32
	if m.CIDR4 >= 0 {
		bits = m.CIDR4
	}
	if e.ip.Is6() {
		bits = 128
		if m.CIDR6 >= 0 {
			bits = m.CIDR6
		}
	}
	for _, a := range answers {
		if a.err != nil {
			// RFC 7208 §5: a DNS error ends check_host() with temperror.
			t := temperror(a.err)
			return false, &t
		}
		if a.void {
			if st := e.countVoid(); st != nil {
				return false, st
			}
			continue
		}
		for _, addr := range a.addrs {
			if addr.Is4() != e.ip.Is4() {
				continue
			}
			if p, err := addr.Prefix(bits); err == nil && p.Contains(e.ip) {
				return true, nil
			}
		}
	}
	return false, nil
}

// validated returns the client's validated domain names (RFC 7208 §5.5):
// the PTR names (at most ten, §4.6.4) whose addresses include the client.
// void reports a PTR lookup that came back empty. A DNS error on the PTR
// lookup means no names; on an address lookup, that name is skipped.
func (e *evaluator) validated(ctx context.Context) (names []string, void bool) {
	if e.ptrDone {
		return e.ptrNames, e.ptrVoid
	}
	e.ptrDone = true
	ans, err := e.r.Query(ctx, dnsx.ReverseName(e.ip), dns.TypePTR)
	if err != nil {
		return nil, false
	}
	var cands []string
	for _, rr := range ans.Records() {
		cands = append(cands, strings.ToLower(strings.TrimSuffix(rr.(*dns.PTR).Ptr, ".")))
	}
	if len(cands) == 0 {
		e.ptrVoid = true
		return nil, true
	}
	if len(cands) > MaxPTRNames {
		cands = cands[:MaxPTRNames]
	}
	ok := make([]bool, len(cands))
	var wg sync.WaitGroup
	for i, n := range cands {
		if !validDomain(n) {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := e.lookupAddrs(ctx, n)
			for _, x := range a.addrs {
				if x == e.ip {
					ok[i] = true
				}
			}
		}()
	}
	wg.Wait()
	for i, n := range cands {
		if ok[i] {
			e.ptrNames = append(e.ptrNames, n)
		}
	}
	return e.ptrNames, false
}

// validatedName is the %{p} macro: a validated name equal to domain,
// else one under it, else any, else "unknown" (RFC 7208 §7.3).
func (e *evaluator) validatedName(ctx context.Context, domain string) string {
	names, _ := e.validated(ctx)
	for _, n := range names {
		if strings.EqualFold(n, domain) {
			return n
		}
	}
	for _, n := range names {
		if isSubdomainOf(n, domain) {
			return n
		}
	}
	if len(names) > 0 {
		return names[0]
	}
	return "unknown"
}

// explain computes the explanation of a fail (RFC 7208 §6.2): expand the
// exp= domain-spec, fetch exactly one TXT record there, expand it. Any
// problem on the way means no explanation; none of it counts against the
// lookup limits.
func (e *evaluator) explain(ctx context.Context, env macroEnv, spec string) string {
	name, err := env.expand(ctx, spec, false)
	if err != nil {
		return ""
	}
	name = targetName(name)
	if !validDomain(name) {
		return ""
	}
	recs, _, err := fetchTXT(ctx, e.r, name)
	if err != nil || len(recs) != 1 {
		return ""
	}
	text, err := env.expand(ctx, recs[0].Text, true)
	if err != nil {
		return ""
	}
	return text
}
