package spf

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// Node is one record in the include/redirect tree of a domain's policy.
type Node struct {
	Domain string `json:"domain"`
	// Via is how the parent reaches this record: "include" or "redirect";
	// empty at the root. Term is the parent's term that does it.
	Via  string `json:"via,omitempty"`
	Term string `json:"term,omitempty"`
	// Record is the SPF record found here.
	Record string `json:"record,omitempty"`
	// Lookups counts this record's own DNS-querying terms (include, a,
	// mx, ptr, exists, and redirect when it can take effect);
	// TotalLookups adds everything the record pulls in (RFC 7208 §4.6.4).
	Lookups      int `json:"lookups"`
	TotalLookups int `json:"total_lookups"`
	// Voids are the terms of this record whose lookups came back empty.
	Voids []Void `json:"voids,omitempty"`
	// Error says why the record could not be followed, if it could not.
	Error    string  `json:"error,omitempty"`
	Children []*Node `json:"children,omitempty"`

	rec       *Record
	parseErr  error
	texts     []txtRecord // the SPF records found (several is an error)
	missing   bool        // no SPF record (or NXDOMAIN)
	nxdomain  bool
	dnsErr    error
	loop      bool
	macro     bool
	invalid   bool
	truncated bool
	mxTooMany []string // "name (n MX records)" for mx terms over the limit
	targetErr []targetProblem
	// lookalikes are TXT records that start like SPF but are not
	// "v=spf1 …", kept to explain a missing record.
	lookalikes []string
}

// Void is a lookup that returned no answer: NXDOMAIN, or no record of the
// types asked (RFC 7208 §4.6.4). For a and mx hosts, that means neither
// A nor AAAA: a host with addresses of one family is not void.
type Void struct {
	Domain string `json:"domain"` // the record holding the term
	Term   string `json:"term"`
	Name   string `json:"name"`   // the name that was asked
	Reason string `json:"reason"` // "NXDOMAIN", "no A or AAAA records", "no MX records"…
}

type targetProblem struct {
	term, name, msg string
	dnsErr          error
}

// Analysis is what can be said of a domain's SPF policy without a client
// address.
type Analysis struct {
	Domain string
	// Record is the domain's SPF record; Records every SPF record found
	// there (more than one is a permerror).
	Record  string
	Records []string
	// TXTStrings are the character-strings of the record as published.
	TXTStrings []string
	Tree       *Node
	// Lookups is the number of DNS-querying terms across the tree;
	// VoidLookups the number of lookups that came back empty, Voids which.
	Lookups     int
	VoidLookups int
	Voids       []Void
	Findings    []checks.Finding
	// Err is set when a DNS failure left the analysis incomplete.
	Err error
}

// Walk bounds. The tree of a sane policy is small; these keep a hostile
// one (deep chains, loops, fan-out, a 4 KB record of terms) short.
const (
	maxWalkDepth      = MaxLookups + 1 // deeper than this is over the limit anyway
	maxWalkNodes      = 100
	maxTargetsPerNode = MaxLookups
	maxTargets        = 80
	walkParallel      = 32
)

type walker struct {
	r dnsx.Resolver
	// mu guards the slices of a node that its target checks append to
	// from their goroutines.
	mu      sync.Mutex
	sem     chan struct{}
	nodes   atomic.Int64
	targets atomic.Int64
}

func (w *walker) query(ctx context.Context, name string, qtype uint16) (*dnsx.Answer, error) {
	select {
	case w.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-w.sem }()
	return w.r.Query(ctx, queryName(name), qtype)
}

// addrs asks A and AAAA at once.
func (w *walker) addrs(ctx context.Context, name string) (n int, nx bool, err error) {
	var wg sync.WaitGroup
	var a, aaaa *dnsx.Answer
	var ea, eaaaa error
	wg.Add(2)
	go func() { defer wg.Done(); a, ea = w.query(ctx, name, dns.TypeA) }()
	go func() { defer wg.Done(); aaaa, eaaaa = w.query(ctx, name, dns.TypeAAAA) }()
	wg.Wait()
	if a != nil {
		n += len(a.Records())
		nx = a.NXDomain()
	}
	if aaaa != nil {
		n += len(aaaa.Records())
	}
	if n > 0 {
		return n, false, nil
	}
	if ea != nil {
		return 0, false, ea
	}
	return 0, nx, eaaaa
}

// Analyze fetches domain's SPF record and everything it includes or
// redirects to, independent of any client IP: the tree with each record's
// lookup count and the total, the void lookups and which terms caused
// them, loops and missing targets, and the findings for all of it.
// Independent branches are walked at the same time.
func Analyze(ctx context.Context, r dnsx.Resolver, domain string) *Analysis {
	domain = strings.ToLower(strings.TrimSuffix(domain, "."))
	w := &walker{r: r, sem: make(chan struct{}, walkParallel)}
	root := &Node{Domain: domain}
	w.nodes.Add(1)
	w.walk(ctx, root, nil, 0)
	a := &Analysis{Domain: domain, Tree: root}
	for _, t := range root.texts {
		a.Records = append(a.Records, t.Text)
	}
	if len(root.texts) == 1 {
		a.Record = root.texts[0].Text
		a.TXTStrings = root.texts[0].Strings
	}
	total(root)
	a.Lookups = root.TotalLookups
	collectVoids(root, &a.Voids)
	a.VoidLookups = len(a.Voids)
	a.judge()
	return a
}

func (w *walker) walk(ctx context.Context, n *Node, path []string, depth int) {
	if !validDomain(n.Domain) {
		n.invalid, n.missing = true, true
		n.Error = "not a valid domain name"
		return
	}
	ans, err := w.query(ctx, n.Domain, dns.TypeTXT)
	if err != nil {
		n.dnsErr = err
		n.Error = checks.Message(err)
		return
	}
	all := dnsx.TXTAnswer(ans)
	n.texts = selectSPF(all)
	switch len(n.texts) {
	case 0:
		n.missing, n.nxdomain = true, ans.NXDomain()
		if n.nxdomain {
			n.Error = "domain does not exist (NXDOMAIN)"
		} else {
			n.Error = "no SPF record"
		}
		badVersion(n, all)
		return
	case 1:
	default:
		n.Error = fmt.Sprintf("%d SPF records", len(n.texts))
		return
	}
	n.Record = n.texts[0].Text
	n.rec, n.parseErr = Parse(n.Record)
	if n.parseErr != nil {
		n.Error = checks.Message(n.parseErr)
	}
	rec := n.rec
	for _, m := range rec.Mechanisms {
		if m.QueriesDNS() {
			n.Lookups++
		}
	}
	redirect := rec.Redirect != nil && !rec.HasAll()
	if redirect {
		n.Lookups++
	}

	path = append(path[:len(path):len(path)], n.Domain)
	var wg sync.WaitGroup
	follow := func(via, term, spec string) {
		c := &Node{Domain: spec, Via: via, Term: term}
		n.Children = append(n.Children, c)
		switch {
		case hasMacro(spec):
			c.macro = true
			c.Error = "target depends on the message (macros); not followed"
			return
		}
		c.Domain = strings.ToLower(targetName(spec))
		for _, p := range path {
			if p == c.Domain {
				c.loop = true
				c.Error = "loop: " + strings.Join(append(path[:len(path):len(path)], c.Domain), " → ")
				return
			}
		}
		if depth+1 > maxWalkDepth || w.nodes.Add(1) > maxWalkNodes {
			c.truncated = true
			c.Error = "not followed: the tree is already past the lookup limit"
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.walk(ctx, c, path, depth+1)
		}()
	}
	targets := 0
	checkTarget := func(m Mechanism) {
		spec := m.Domain
		if hasMacro(spec) {
			return
		}
		name := n.Domain
		if spec != "" {
			name = strings.ToLower(targetName(spec))
		}
		if !validDomain(name) {
			w.mu.Lock()
			n.targetErr = append(n.targetErr, targetProblem{term: m.Text, name: name, msg: "is not a valid domain name: the term never matches"})
			w.mu.Unlock()
			return
		}
		targets++
		if targets > maxTargetsPerNode || w.targets.Add(1) > maxTargets {
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.checkTarget(ctx, n, m, name)
		}()
	}
	for _, m := range rec.Mechanisms {
		switch m.Kind {
		case MechInclude:
			follow("include", m.Text, m.Domain)
		case MechA, MechMX, MechExists:
			checkTarget(m)
		}
	}
	if redirect {
		follow("redirect", rec.Redirect.Text, rec.Redirect.Value)
	}
	wg.Wait()
	sortVoids(n)
}

// checkTarget looks up what an a, mx or exists term would and records
// void lookups, too many MX names and DNS errors on the node. Results are
// put in term order afterwards by sortVoids.
func (w *walker) checkTarget(ctx context.Context, n *Node, m Mechanism, name string) {
	var voids []Void
	var probs []targetProblem
	var tooMany string
	switch m.Kind {
	case MechA:
		cnt, nx, err := w.addrs(ctx, name)
		switch {
		case err != nil:
			probs = append(probs, targetProblem{term: m.Text, name: name, dnsErr: err})
		case cnt == 0:
			voids = append(voids, Void{Domain: n.Domain, Term: m.Text, Name: name, Reason: voidReason(nx, "no A or AAAA records")})
		}
	case MechExists:
		ans, err := w.query(ctx, name, dns.TypeA)
		switch {
		case err != nil:
			probs = append(probs, targetProblem{term: m.Text, name: name, dnsErr: err})
		case ans.Empty():
			voids = append(voids, Void{Domain: n.Domain, Term: m.Text, Name: name, Reason: voidReason(ans.NXDomain(), "no A records")})
		}
	case MechMX:
		ans, err := w.query(ctx, name, dns.TypeMX)
		if err != nil {
			probs = append(probs, targetProblem{term: m.Text, name: name, dnsErr: err})
			break
		}
		recs := ans.Records()
		if len(recs) == 0 {
			voids = append(voids, Void{Domain: n.Domain, Term: m.Text, Name: name, Reason: voidReason(ans.NXDomain(), "no MX records")})
			break
		}
		if len(recs) > MaxMXNames {
			tooMany = fmt.Sprintf("%s (%d MX records)", name, len(recs))
		}
		var hosts []string
		for _, rr := range recs {
			if h := strings.ToLower(strings.TrimSuffix(rr.(*dns.MX).Mx, ".")); h != "" {
				hosts = append(hosts, h)
			}
		}
		if len(hosts) > MaxMXNames {
			hosts = hosts[:MaxMXNames]
		}
		type hostRes struct {
			cnt int
			nx  bool
			err error
		}
		res := make([]hostRes, len(hosts))
		var wg sync.WaitGroup
		for i, h := range hosts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, nx, err := w.addrs(ctx, h)
				res[i] = hostRes{c, nx, err}
			}()
		}
		wg.Wait()
		for i, h := range hosts {
			switch {
			case res[i].err != nil:
				probs = append(probs, targetProblem{term: m.Text, name: h, dnsErr: res[i].err})
			case res[i].cnt == 0:
				voids = append(voids, Void{Domain: n.Domain, Term: m.Text, Name: h, Reason: "MX host: " + voidReason(res[i].nx, "no A or AAAA records")})
			}
		}
	}
	w.mu.Lock()
	n.Voids = append(n.Voids, voids...)
	n.targetErr = append(n.targetErr, probs...)
	if tooMany != "" {
		n.mxTooMany = append(n.mxTooMany, m.Text+": "+tooMany)
	}
	w.mu.Unlock()
}

func voidReason(nx bool, nodata string) string {
	if nx {
		return "NXDOMAIN"
	}
	return nodata
}

// sortVoids puts a node's void lookups and target problems in the order
// of the record's terms, so output does not depend on timing.
func sortVoids(n *Node) {
	if n.rec == nil {
		return
	}
	pos := map[string]int{}
	for i, m := range n.rec.Mechanisms {
		if _, ok := pos[m.Text]; !ok {
			pos[m.Text] = i
		}
	}
	stableSortBy(n.Voids, func(v Void) (int, string) { return pos[v.Term], v.Name })
	stableSortBy(n.targetErr, func(p targetProblem) (int, string) { return pos[p.term], p.name })
	stableSortBy(n.mxTooMany, func(s string) (int, string) { return pos[strings.SplitN(s, ":", 2)[0]], s })
}

func total(n *Node) int {
	t := n.Lookups
	for _, c := range n.Children {
		t += total(c)
	}
	n.TotalLookups = t
	return t
}

func collectVoids(n *Node, out *[]Void) {
	*out = append(*out, n.Voids...)
	for _, c := range n.Children {
		collectVoids(c, out)
	}
}

// badVersion notes TXT records that look like a failed attempt at SPF.
func badVersion(n *Node, all []txtRecord) {
	for _, t := range all {
		l := strings.ToLower(strings.TrimSpace(t.Text))
		if strings.HasPrefix(l, "v=spf") && !strings.HasPrefix(l, "v=spf2") && !IsSPF(t.Text) {
			n.lookalikes = append(n.lookalikes, t.Text)
		}
	}
}

// stableSortBy sorts s by a key, keeping the order of equal keys.
func stableSortBy[T any](s []T, key func(T) (int, string)) {
	sort.SliceStable(s, func(i, j int) bool {
		a, as := key(s[i])
		b, bs := key(s[j])
		if a != b {
			return a < b
		}
		return as < bs
	})
}
