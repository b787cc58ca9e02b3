package verify

import (
	"context"

	"sync"

	"golang.org/x/time/rate"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/mx"
)

// domainKind is what DNS says about a domain's mail.
type domainKind int

const (
	domOK           domainKind = iota // mail hosts with addresses
	domNX                             // NXDOMAIN
	domNull                           // null MX (RFC 7505)
	domNoHost                         // no MX, no A/AAAA (RFC 5321 §5.1)
	domUnresolvable                   // MX hosts, none with an address
	domDNSError                       // a lookup failed: no verdict
)

// domainEntry is one domain of the run: looked up once, its mail hosts
// shared by every address at it, its catch-all test done once.
type domainEntry struct {
	name  string
	ready chan struct{}
	kind  domainKind
	info  Domain
	hosts []mailHost // in preference order

	limiter *rate.Limiter

	mu          sync.Mutex
	catchAll    *bool
	unreachable bool // counted towards the port 25 verdict
}

// mailHost is a mail host and the addresses to connect to.
type mailHost struct {
	name  string
	addrs []string
}

// domain returns the run's entry for name, looking it up the first time
// (concurrent callers wait for that one lookup).
func (v *Verifier) domain(ctx context.Context, name string) *domainEntry {
	v.mu.Lock()
	de, ok := v.domains[name]
	if !ok {
		de = &domainEntry{name: name, ready: make(chan struct{}), limiter: rate.NewLimiter(v.o.Rate, 1)}
		v.domains[name] = de
	}
	v.mu.Unlock()
	if ok {
		select {
		case <-de.ready:
		case <-ctx.Done():
		}
		return de
	}
	v.lookup(ctx, de)
	close(de.ready)
	return de
}

// lookup asks DNS through checks/mx, which follows RFC 5321 §5.1 (MX,
// else the implicit MX) and RFC 7505 (null MX), and resolves every MX
// target.
func (v *Verifier) lookup(ctx context.Context, de *domainEntry) {
	res := mx.Check(ctx, v.r, de.name, mx.Options{Concurrency: 8})
	data, _ := res.Data.(*mx.Data)
	de.info = Domain{Name: de.name, MX: []MXHost{}}
	if data == nil {
		de.kind, de.info.Error = domDNSError, res.Error
		return
	}
	de.info.NXDomain, de.info.NullMX = data.NXDomain, data.NullMX
	switch {
	case data.NXDomain:
		de.kind = domNX
		return
	case data.Implicit != nil:
		de.info.Implicit = true
		h := MXHost{Host: de.name, Addresses: addrStrings(data.Implicit.Addresses), Error: data.Implicit.Error}
		de.info.MX = append(de.info.MX, h)
		switch {
		case len(h.Addresses) > 0:
			de.hosts = []mailHost{{name: de.name, addrs: h.Addresses}}
		case h.Error != "":
			de.kind, de.info.Error = domDNSError, h.Error
		default:
			de.kind = domNoHost
		}
		return
	case res.Status == checks.StatusError && len(data.Hosts) == 0:
		de.kind, de.info.Error = domDNSError, res.Error
		return
	case data.NullMX && len(data.Hosts) == 0:
		de.kind = domNull
		return
	}
	failed := ""
	for _, h := range data.Hosts {
		mh := MXHost{Host: h.Host, Preference: h.Preference, Addresses: addrStrings(h.Addresses), Error: h.Error}
		de.info.MX = append(de.info.MX, mh)
		if len(mh.Addresses) > 0 {
			de.hosts = append(de.hosts, mailHost{name: h.Host, addrs: mh.Addresses})
		} else if h.Error != "" {
			failed = h.Error
		}
	}
	switch {
	case len(de.hosts) > 0:
	case failed != "":
		de.kind, de.info.Error = domDNSError, failed
	default:
		de.kind = domUnresolvable
	}
}

func addrStrings[T interface{ String() string }](as []T) []string {
	out := make([]string, 0, len(as))
	for _, a := range as {
		out = append(out, a.String())
	}
	return out
}
