package domain

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dane"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/smtpprobe"
)

// SMTPPort is the port check domain --smtp probes: the one other MTAs
// deliver to (RFC 5321 §4.5.4 via MX, RFC 7672 §2.2 for DANE).
const SMTPPort = 25

// smtpOptions are the probe options: SMTPOptions, with the run's --ca
// roots and timeout where it sets none.
func (o Options) smtpOptions() smtpprobe.Options {
	po := o.SMTPOptions
	if po.Roots == nil {
		po.Roots = o.RootCAs
	}
	if po.Timeout == 0 {
		po.Timeout = o.Timeout
	}
	return po
}

// probeSet probes each MX host once per run, however many parts ask: the
// smtp results and the dane part's certificate matching share the probes.
type probeSet struct {
	r   dnsx.Resolver
	opt smtpprobe.Options

	mu    sync.Mutex
	hosts map[string]*hostProbe
}

type hostProbe struct {
	done    chan struct{}
	results []checks.Result
}

func newProbeSet(r dnsx.Resolver, opt smtpprobe.Options) *probeSet {
	return &probeSet{r: r, opt: opt, hosts: map[string]*hostProbe{}}
}

// results probes host on port 25 at every address (the first caller does
// the work, later ones wait for it) and returns one result per address,
// the certificate name checked against host.
func (s *probeSet) results(ctx context.Context, host string) []checks.Result {
	s.mu.Lock()
	h, ok := s.hosts[host]
	if !ok {
		h = &hostProbe{done: make(chan struct{})}
		s.hosts[host] = h
	}
	s.mu.Unlock()
	if ok {
		select {
		case <-h.done:
			return h.results
		case <-ctx.Done():
			res := checks.Result{Name: "smtp " + host, Summary: "cancelled"}
			res.Fail(ctx.Err())
			res.Settle()
			return []checks.Result{res}
		}
	}
	defer close(h.done)
	rep := smtpprobe.CheckTarget(ctx, s.r, smtpprobe.Target{Host: host, Port: SMTPPort}, s.opt)
	h.results = rep.Checks
	return h.results
}

// peers is dane.Options.Peers: what the probes of host saw, per address.
func (s *probeSet) peers(ctx context.Context, host string) []dane.Peer {
	var out []dane.Peer
	for _, res := range s.results(ctx, host) {
		p, ok := res.Data.(*smtpprobe.Probe)
		if !ok {
			continue
		}
		peer := dane.Peer{Addr: p.Address.String(), Chain: p.Chain}
		if len(p.Chain) == 0 {
			peer.Err = p.Error
			if peer.Err == "" {
				peer.Err = "no TLS session (STARTTLS not offered)"
			}
		}
		out = append(out, peer)
	}
	return out
}

// smtpResults probes every MX host of domain (the domain itself when it
// has no MX record, RFC 5321 §5.1) on port 25, all at once, and returns
// the results in MX order, each host's addresses in dnsx.Addrs order.
func smtpResults(ctx context.Context, r dnsx.Resolver, domain string, s *probeSet) []checks.Result {
	start := time.Now()
	mxs, ans, err := dnsx.MX(ctx, r, dnsx.Fqdn(domain))
	one := func(status checks.Status, summary string, err error) []checks.Result {
		res := checks.Result{Name: "smtp", Status: status, Summary: summary, Data: map[string]any{"hosts": []string{}}}
		if err != nil {
			res.Fail(err)
		}
		res.DurationMS = checks.Since(start)
		res.Settle()
		return []checks.Result{res}
	}
	switch {
	case err != nil:
		return one(checks.StatusError, "MX lookup failed: "+checks.Message(err), err)
	case ans.NXDomain():
		return one(checks.StatusInfo, "domain does not exist: no mail server to probe", nil)
	}
	var hosts []string
	seen := map[string]bool{}
	null := false
	for _, m := range mxs {
		h := strings.TrimSuffix(strings.ToLower(m.Mx), ".")
		if h == "" {
			null = true
			continue
		}
		if !seen[h] {
			seen[h] = true
			hosts = append(hosts, h)
		}
	}
	if len(mxs) == 0 {
		hosts = []string{domain}
	}
	if len(hosts) == 0 && null {
		return one(checks.StatusInfo, "null MX: the domain receives no mail, nothing to probe", nil)
	}

	per := make([][]checks.Result, len(hosts))
	var wg sync.WaitGroup
	for i, h := range hosts {
		wg.Go(func() {
			defer func() {
				if p := recover(); p != nil {
					res := checks.Result{Name: "smtp " + h, Summary: "internal error"}
					res.Fail(fmt.Errorf("relayctl bug: the smtp probe of %s panicked: %v", h, p))
					res.Settle()
					per[i] = []checks.Result{res}
				}
			}()
			per[i] = s.results(ctx, h)
		})
	}
	wg.Wait()
	var out []checks.Result
	for _, rs := range per {
		out = append(out, rs...)
	}
	return out
}
