// Package dane checks DANE for SMTP (RFC 7672): the TLSA records at
// _25._tcp.<host> of every MX host of a domain (RFC 6698, with the updates
// of RFC 7671), whether the DNS answers behind them were validated with
// DNSSEC (the resolver's AD bit, RFC 4035 §3.2.3), and — given the
// certificate chains an SMTP probe saw — whether the servers' certificates
// match them.
package dane

import (
	"context"
	"crypto/x509"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// Name is the check's Result.Name.
const Name = "dane"

// DefaultConcurrency bounds how many MX hosts are looked up at once.
const DefaultConcurrency = 8

// Options tunes the check. The zero value is ready to use.
type Options struct {
	// Concurrency bounds the MX hosts looked up at once (0 means
	// DefaultConcurrency).
	Concurrency int
	// Peers, when set, returns what an SMTP probe of an MX host on port 25
	// saw at each of its addresses; every chain is matched against the
	// host's TLSA records (check domain --smtp). It is called for hosts
	// that publish TLSA records only, concurrently for several hosts.
	Peers func(ctx context.Context, host string) []Peer
}

// Peer is one address of an MX host as an SMTP probe saw it.
type Peer struct {
	Addr string
	// Chain is the certificate chain the server presented, leaf first;
	// empty when there was no TLS session.
	Chain []*x509.Certificate
	// Err says why there is no chain (unreachable, no STARTTLS, failed
	// handshake).
	Err string
}

// Data is the check's structured result.
type Data struct {
	// MXSecure is true when the MX answer was DNSSEC-validated.
	MXSecure bool `json:"mx_secure"`
	// DNSSECEvaluated is false when the answers came from zone files
	// (--zone), which carry no DNSSEC status.
	DNSSECEvaluated bool `json:"dnssec_evaluated"`
	// Hosts are the MX hosts in MX order (the domain itself when it has no
	// MX record). Never null.
	Hosts []Host `json:"hosts"`
}

// Host is one MX host and its TLSA records.
type Host struct {
	Host string `json:"host"`
	// TLSAName is where the records were found, or the last name asked
	// when there were none.
	TLSAName string `json:"tlsa_name"`
	// Secure is true when the TLSA answer was DNSSEC-validated.
	Secure bool `json:"secure"`
	// AddrSecure is true when the host's A/AAAA answers were validated.
	AddrSecure bool `json:"addr_secure"`
	// Records are the TLSA records (never null).
	Records []Record `json:"records"`
	// Peers are the match results per address (only with Options.Peers).
	Peers []PeerMatch `json:"peers,omitempty"`
	// Error is the DNS failure that kept this host from being checked.
	Error string `json:"error,omitempty"`

	tlsa     []*dns.TLSA
	cnames   []string
	fromZone bool
	err      error
}

// PeerMatch is the match of one address's certificate chain.
type PeerMatch struct {
	Addr string `json:"addr"`
	MatchResult
	// Error says why there was no chain to match.
	Error string `json:"error,omitempty"`
}

// Check looks up the TLSA records of every MX host of domain (already
// normalised by dnsx.Domain) and judges them.
//
// A DNS failure of the MX question, or of a host's TLSA question, makes the
// result an error: a TLSA lookup that fails is never read as "no records".
func Check(ctx context.Context, r dnsx.Resolver, domain string, opt Options) checks.Result {
	start := time.Now()
	res := checks.Result{Name: Name}
	data := Data{Hosts: []Host{}}
	res.Data = &data
	check(ctx, r, domain, opt, &res, &data)
	res.DurationMS = checks.Since(start)
	res.Settle()
	return res
}

func check(ctx context.Context, r dnsx.Resolver, domain string, opt Options, res *checks.Result, data *Data) {
	mxs, ans, err := dnsx.MX(ctx, r, dnsx.Fqdn(domain))
	if err != nil {
		res.Fail(err)
		res.Summary = "MX lookup failed: " + checks.Message(err)
		return
	}
	data.MXSecure = ans.AD
	data.DNSSECEvaluated = !fromZone(ans)
	if ans.NXDomain() {
		res.Status = checks.StatusInfo
		res.Summary = "domain does not exist; no MX host to check"
		return
	}
	names, null := hostNames(domain, mxs)
	if len(names) == 0 && null {
		res.Status = checks.StatusInfo
		res.Summary = "null MX: the domain receives no mail, DANE does not apply"
		return
	}

	hosts := make([]*Host, len(names))
	n := opt.Concurrency
	if n <= 0 {
		n = DefaultConcurrency
	}
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for i, name := range names {
		h := &Host{Host: name, Records: []Record{}}
		hosts[i] = h
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done():
				h.err = ctx.Err()
				h.Error = checks.Message(h.err)
				return
			}
			lookupHost(ctx, r, h)
			if opt.Peers != nil && h.err == nil && len(h.tlsa) > 0 {
				matchPeers(ctx, h, opt.Peers)
			}
		}()
	}
	wg.Wait()

	for _, h := range hosts {
		data.Hosts = append(data.Hosts, *h)
	}
	judge(domain, data, hosts, res)
}

// hostNames returns the distinct MX host names in MX order, or the domain
// itself when it has no MX record (the implicit MX, RFC 5321 §5.1, which
// RFC 7672 §2.2.1 treats like an MX host). null reports a null MX.
func hostNames(domain string, mxs []*dns.MX) (names []string, null bool) {
	if len(mxs) == 0 {
		return []string{domain}, false
	}
	seen := map[string]bool{}
	for _, m := range mxs {
		name := strings.TrimSuffix(strings.ToLower(m.Mx), ".")
		if name == "" {
			null = true
			continue
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		names = append(names, name)
	}
	return names, null
}

func fromZone(a *dnsx.Answer) bool { return a != nil && strings.HasPrefix(a.From, "zone ") }

// lookupHost finds the host's TLSA records. When the host name is an alias
// and its address records are validated, RFC 7672 §2.2.2 has senders look
// at the fully expanded name first and fall back to the name in the MX
// record; when the expansion is not validated, only the MX name counts.
func lookupHost(ctx context.Context, r dnsx.Resolver, h *Host) {
	addrs, _ := dnsx.Addrs(ctx, r, dnsx.Fqdn(h.Host))
	h.AddrSecure = secureAddrs(addrs)
	zone := fromZone(addrs.A) || fromZone(addrs.AAAA)
	for _, a := range []*dnsx.Answer{addrs.A, addrs.AAAA} {
		if a != nil && len(h.cnames) == 0 {
			h.cnames = a.CNAMEs()
		}
	}
	candidates := []string{h.Host}
	if len(h.cnames) > 0 && (h.AddrSecure || zone) {
		expanded := strings.TrimSuffix(h.cnames[len(h.cnames)-1], ".")
		if expanded != h.Host {
			candidates = []string{expanded, h.Host}
		}
	}
	for _, name := range candidates {
		qname := "_25._tcp." + name
		h.TLSAName = qname
		ans, err := r.Query(ctx, dnsx.Fqdn(qname), dns.TypeTLSA)
		if err != nil {
			h.err = err
			h.Error = checks.Message(err)
			return
		}
		h.fromZone = fromZone(ans)
		h.Secure = ans.AD
		for _, rr := range ans.Records() {
			if t, ok := rr.(*dns.TLSA); ok {
				h.tlsa = append(h.tlsa, t)
				h.Records = append(h.Records, Parse(t))
			}
		}
		if len(h.tlsa) > 0 {
			return
		}
	}
}

// secureAddrs reports whether every address answer that came back was
// validated, and at least one did.
func secureAddrs(a dnsx.AddrResult) bool {
	n := 0
	for _, ans := range []*dnsx.Answer{a.A, a.AAAA} {
		if ans == nil {
			continue
		}
		if !ans.AD {
			return false
		}
		n++
	}
	return n > 0
}

func matchPeers(ctx context.Context, h *Host, peers func(context.Context, string) []Peer) {
	for _, p := range peers(ctx, h.Host) {
		pm := PeerMatch{Addr: p.Addr, Error: p.Err}
		if len(p.Chain) > 0 {
			pm.MatchResult = Match(h.tlsa, p.Chain)
		} else {
			pm.Depth = -1
			if pm.Error == "" {
				pm.Error = "no TLS session"
			}
		}
		h.Peers = append(h.Peers, pm)
	}
}

// errAll joins the hosts' DNS failures into one error for Result.Error;
// nil when there is none.
func errAll(hosts []*Host) error {
	var errs hostErrors
	for _, h := range hosts {
		if h.err != nil {
			errs = append(errs, h.err)
		}
	}
	if errs == nil {
		return nil
	}
	return errs
}

// hostErrors is the DNS failures of several hosts, in host order: its
// text lists them all, and errors.Is and errors.As see each one.
type hostErrors []error

func (es hostErrors) Error() string   { return joinErrors(es, error.Error) }
func (es hostErrors) Message() string { return joinErrors(es, checks.Message) }
func (es hostErrors) Unwrap() []error { return es }

func joinErrors(es []error, text func(error) string) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = text(e)
	}
	return strings.Join(parts, "; ")
}
