package reportsummary

import (
	"context"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// Options tune Reports.
type Options struct {
	// Resolver looks up the sources' reverse DNS names; nil looks
	// nothing up (--no-dns).
	Resolver dnsx.Resolver
	// Concurrency bounds the lookups under way at once (0: 16).
	Concurrency int
	// MaxSources is the number of source groups shown one by one per
	// domain, the rest folded into one (0: 25).
	MaxSources int
}

// Command is the checks.Report command of the summaries.
const Command = "report summary"

// Category says what a source group is.
type Category string

// The categories of a source group.
const (
	CategoryPassing         Category = "passing"
	CategoryLegitimate      Category = "legitimate-failing"
	CategoryForwarder       Category = "forwarder"
	CategoryUnauthenticated Category = "unauthenticated"
)

// DomainData is the dmarc check's data: the period, the policy and the
// totals.
type DomainData struct {
	Domain      string    `json:"domain"`
	Begin       time.Time `json:"begin,omitzero"`
	End         time.Time `json:"end,omitzero"`
	Reports     int       `json:"reports"`
	Policy      any       `json:"policy"`
	Messages    int64     `json:"messages"`
	DMARCPass   float64   `json:"dmarc_pass_rate"`
	SPFAligned  float64   `json:"spf_aligned_rate"`
	DKIMAligned float64   `json:"dkim_aligned_rate"`
	// Failing messages by category of their source.
	LegitimateFailing int64 `json:"legitimate_failing"`
	Forwarded         int64 `json:"forwarded_failing"`
	Unauthenticated   int64 `json:"unauthenticated"`
}

// SourceData is one source group's data.
type SourceData struct {
	Name        string    `json:"name"`
	Org         string    `json:"org,omitempty"`
	Category    Category  `json:"category"`
	Messages    int64     `json:"messages"`
	DMARCPass   float64   `json:"dmarc_pass_rate"`
	SPFAligned  float64   `json:"spf_aligned_rate"`
	DKIMAligned float64   `json:"dkim_aligned_rate"`
	Addresses   []Address `json:"addresses"`
	// DKIMDomains and SPFDomains are the passing but unaligned
	// identities the group authenticated as.
	DKIMDomains []string `json:"dkim_unaligned_domains,omitempty"`
	SPFDomains  []string `json:"spf_unaligned_domains,omitempty"`
}

// Address is one source IP of a group.
type Address struct {
	IP       string `json:"ip"`
	PTR      string `json:"ptr,omitempty"`
	PTRError string `json:"ptr_error,omitempty"`
	Messages int64  `json:"messages"`
}

// TLSData is the tlsrpt check's data.
type TLSData struct {
	Reports    int              `json:"reports"`
	Successful int64            `json:"successful_sessions"`
	Failed     int64            `json:"failed_sessions"`
	ByResult   map[string]int64 `json:"failures_by_result_type"`
	ByMX       map[string]int64 `json:"failures_by_mx"`
}

type ptrResult struct {
	name string
	err  error
}

// Reports returns one checks.Report per policy domain, in name order,
// after looking up the sources' reverse DNS names (concurrently, each
// bounded by the resolver's timeout; ctx ends them all).
func (s *Summary) Reports(ctx context.Context, opt Options) []checks.Report {
	started := time.Now()
	ptrs := s.lookup(ctx, opt)
	var out []checks.Report
	for _, name := range s.Domains() {
		d := s.domains[name]
		rep := checks.Report{SchemaVersion: checks.SchemaVersion, Command: Command, Target: name, Started: started.UTC()}
		rep.Checks = d.results(opt, ptrs)
		for i := range rep.Checks {
			rep.Checks[i].Settle()
		}
		rep.Settle()
		rep.DurationMS = checks.Since(started)
		out = append(out, rep)
	}
	return out
}

func (s *Summary) lookup(ctx context.Context, opt Options) map[string]ptrResult {
	out := map[string]ptrResult{}
	if opt.Resolver == nil {
		return out
	}
	var ips []string
	seen := map[string]bool{}
	for _, d := range s.domains {
		for ip := range d.sources {
			if !seen[ip] {
				seen[ip] = true
				ips = append(ips, ip)
			}
		}
	}
	sort.Strings(ips)
	n := opt.Concurrency
	if n <= 0 {
		n = 16
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, n)
	for _, ip := range ips {
		addr, err := netip.ParseAddr(ip)
		if err != nil {
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return out
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			names, _, err := dnsx.PTR(ctx, opt.Resolver, addr)
			r := ptrResult{err: err}
			if len(names) > 0 {
				sort.Strings(names)
				r.name = strings.TrimSuffix(names[0], ".")
			}
			mu.Lock()
			out[ip] = r
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out
}

type group struct {
	SourceData
	org   Org
	known bool
	src   source
}

func rate(n, of int64) float64 {
	if of == 0 {
		return 0
	}
	return float64(int64(float64(n)/float64(of)*10000+0.5)) / 10000
}

func pct(r float64) string {
	return strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.1f", r*100), "0"), ".") + "%"
}

// groups puts the sources together by organisation, else by the domain
// of their reverse DNS name, else alone.
func (d *domain) groups(ptrs map[string]ptrResult) []*group {
	byName := map[string]*group{}
	for _, src := range d.sources {
		p := ptrs[src.IP]
		key, org, known := "", Org{}, false
		if p.name != "" {
			org, _, known = OrgOf(p.name)
			if known {
				key = org.Name
			} else {
				key = orgDomain(p.name)
			}
		} else {
			key = src.IP
		}
		g := byName[key]
		if g == nil {
			g = &group{org: org, known: known, src: source{DKIMOther: map[string]int64{}, SPFOther: map[string]int64{}}}
			g.Name = key
			g.Org = org.Name
			byName[key] = g
		}
		a := Address{IP: src.IP, PTR: p.name, Messages: src.Messages}
		if p.err != nil {
			a.PTRError = checks.Message(p.err)
		}
		g.Addresses = append(g.Addresses, a)
		g.src.Messages += src.Messages
		g.src.DMARCPass += src.DMARCPass
		g.src.SPFAligned += src.SPFAligned
		g.src.DKIMAligned += src.DKIMAligned
		g.src.Forwarded += src.Forwarded
		for k, v := range src.DKIMOther {
			g.src.DKIMOther[k] += v
		}
		for k, v := range src.SPFOther {
			g.src.SPFOther[k] += v
		}
	}
	var out []*group
	for _, g := range byName {
		sort.Slice(g.Addresses, func(i, j int) bool {
			if g.Addresses[i].Messages != g.Addresses[j].Messages {
				return g.Addresses[i].Messages > g.Addresses[j].Messages
			}
			return g.Addresses[i].IP < g.Addresses[j].IP
		})
		g.Messages = g.src.Messages
		g.DMARCPass = rate(g.src.DMARCPass, g.src.Messages)
		g.SPFAligned = rate(g.src.SPFAligned, g.src.Messages)
		g.DKIMAligned = rate(g.src.DKIMAligned, g.src.Messages)
		g.DKIMDomains = keys(g.src.DKIMOther)
		g.SPFDomains = keys(g.src.SPFOther)
		g.Category = g.category()
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Messages != out[j].Messages {
			return out[i].Messages > out[j].Messages
		}
		return out[i].Name < out[j].Name
	})
	return out
}

func keys(m map[string]int64) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if m[out[i]] != m[out[j]] {
			return m[out[i]] > m[out[j]]
		}
		return out[i] < out[j]
	})
	return out
}

// passingRate is the share of a source's mail that must pass DMARC for
// the source to count as passing: a few failures are forwarded copies.
const passingRate = 0.98

func (g *group) category() Category {
	failing := g.src.Messages - g.src.DMARCPass
	switch {
	case g.src.Messages == 0 || rate(g.src.DMARCPass, g.src.Messages) >= passingRate:
		return CategoryPassing
	case g.org.Forwarder || g.src.Forwarded*2 >= failing:
		return CategoryForwarder
	case g.known || g.src.DMARCPass > 0:
		return CategoryLegitimate
	}
	return CategoryUnauthenticated
}
