package content

import (
	"context"
	"sort"
	"sync"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsbl"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// DefaultMaxDomains is how many distinct link domains one message has
// checked against the blocklists unless Options say otherwise.
const DefaultMaxDomains = 50

// domainWorkers is how many link domains are asked about at once; each
// asks every list together.
const domainWorkers = 8

// Domain is one link domain and what the blocklists said of it.
type Domain struct {
	Domain string `json:"domain"`
	Links  int    `json:"links"`
	// Listed are the zones that list it (allowlists aside).
	Listed []string `json:"listed"`
	// Unchecked are the zones that could not say (refused, unhealthy,
	// no answer): the domain is not known to be unlisted there.
	Unchecked []string `json:"unchecked"`
	checked   bool
}

// listing is a listing of a domain, with the list's own finding.
type listing struct {
	domain  string
	finding checks.Finding
}

// unchecked is a list that could not answer for a domain, and why.
type unchecked struct {
	domain, zone, why string
}

// blocklists asks the lists about the first max domains (in order of
// first appearance), concurrently, each once.
func blocklists(ctx context.Context, r dnsx.Resolver, lists []dnsbl.List, doms []*Domain, max int) ([]listing, []unchecked) {
	if len(lists) == 0 || len(doms) == 0 {
		return nil, nil
	}
	c := dnsbl.New(r, lists, dnsbl.Options{Command: "check message", Concurrency: domainWorkers * len(lists)})
	var (
		mu   sync.Mutex
		ls   []listing
		uc   []unchecked
		wg   sync.WaitGroup
		jobs = make(chan *Domain)
	)
	for range domainWorkers {
		wg.Go(func() {
			for d := range jobs {
				rep := c.Check(ctx, dnsbl.Target{Domain: d.Domain})
				mu.Lock()
				d.checked = true
				for _, res := range rep.Checks {
					data, ok := res.Data.(*dnsbl.Data)
					if !ok {
						continue
					}
					switch {
					case res.Status == checks.StatusError:
						d.Unchecked = append(d.Unchecked, data.Zone)
						uc = append(uc, unchecked{d.Domain, data.Zone, res.Error})
					case data.Listed && !data.Allowlist:
						d.Listed = append(d.Listed, data.Zone)
						for _, f := range res.Findings {
							if f.Code == dnsbl.CodeListed {
								ls = append(ls, listing{d.Domain, f})
							}
						}
					}
				}
				mu.Unlock()
			}
		})
	}
	for _, d := range doms[:min(len(doms), max)] {
		select {
		case jobs <- d:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(jobs)
	wg.Wait()
	// The workers finish in any order; the findings do not.
	sort.SliceStable(ls, func(i, j int) bool { return ls[i].domain < ls[j].domain })
	sort.SliceStable(uc, func(i, j int) bool {
		if uc[i].zone != uc[j].zone {
			return uc[i].zone < uc[j].zone
		}
		return uc[i].domain < uc[j].domain
	})
	for _, d := range doms {
		sort.Strings(d.Listed)
		sort.Strings(d.Unchecked)
	}
	return ls, uc
}

// DefaultLists are the catalog's default domain lists that need no key.
func DefaultLists() []dnsbl.List {
	sel, err := dnsbl.Select(dnsbl.Builtin(), dnsbl.SelectOptions{Kinds: []dnsbl.Kind{dnsbl.KindDomain}})
	if err != nil {
		return nil
	}
	return sel.Lists
}
