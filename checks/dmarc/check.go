package dmarc

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// Options tunes the check. There is nothing to tune yet.
type Options struct{}

// Data is the check's structured result (the "data" of the dmarc check in
// the JSON report). Its keys are documented in docs/dmarc.md.
type Data struct {
	Domain string `json:"domain"`
	// Records holds every TXT record at _dmarc.<domain>, DMARC or not.
	Records []string `json:"records"`
	// Record is the DMARC record that applies to the domain, found at
	// RecordDomain by Method (direct, tree-walk, psd or none).
	Record       string  `json:"record,omitempty"`
	RecordDomain string  `json:"record_domain,omitempty"`
	Method       string  `json:"method"`
	Parsed       *Record `json:"parsed,omitempty"`
	// EffectivePolicy is the policy receivers apply to mail from Domain,
	// taken from the tag PolicyTag (p for the domain's own record; sp, or
	// np for a domain that does not exist, for an inherited one).
	EffectivePolicy Policy `json:"effective_policy,omitempty"`
	PolicyTag       string `json:"policy_tag,omitempty"`
	// DomainExists is false when the domain does not exist (NXDOMAIN);
	// absent when that was not needed or could not be told.
	DomainExists *bool `json:"domain_exists,omitempty"`
	// The organizational domain by the public suffix list (RFC 7489) and
	// by the DNS tree walk (DMARCbis), and the rule that picked the latter.
	OrgDomainPSL      string `json:"org_domain_psl"`
	OrgDomainTreeWalk string `json:"org_domain_tree_walk"`
	OrgDomainRule     string `json:"org_domain_rule"`
	OrgDomainsDiffer  bool   `json:"org_domains_differ"`
	// Walk lists the tree walk's queries up to where it stopped.
	Walk []Step `json:"walk"`
	// ExternalReports holds the RFC 7489 §7.1 authorization check of each
	// report destination outside the policy domain's organization.
	ExternalReports []ExternalReport `json:"external_reports,omitempty"`
}

// walkConcurrency bounds the queries in flight for one check.
const walkConcurrency = 8

// Check looks up and judges the DMARC policy of domain (already
// normalised by dnsx.Domain).
func Check(ctx context.Context, r dnsx.Resolver, domain string, opt Options) checks.Result {
	start := time.Now()
	res := checks.Result{Name: Name}
	data := &Data{Domain: domain, Records: []string{}, Walk: []Step{}, Method: MethodNone}
	res.Data = data
	c := &checker{r: r, domain: domain, res: &res, data: data}
	c.run(ctx)
	res.DurationMS = checks.Since(start)
	res.Settle()
	return res
}

type checker struct {
	r      dnsx.Resolver
	domain string
	res    *checks.Result
	data   *Data
}

func (c *checker) add(f checks.Finding) { c.res.Add(f) }

func (c *checker) run(ctx context.Context) {
	d := c.domain
	looks, exists := queryWalk(ctx, c.r, d)
	c.data.OrgDomainPSL = OrgDomainPSL(d)

	first := looks[0]
	if first.err != nil {
		// A failed query is never "missing".
		c.res.Fail(first.err)
		c.res.Summary = fmt.Sprintf("could not look up _dmarc.%s: %v", d, dnsx.Brief(first.err))
		return
	}
	c.data.Records = append(c.data.Records, first.txts...)
	dm, spf, broken := dmarcTXT(first.txts)

	w := evaluateWalk(d, looks)
	c.data.Walk = w.Steps
	c.data.OrgDomainTreeWalk, c.data.OrgDomainRule = w.OrgDomain, w.OrgRule
	c.data.OrgDomainsDiffer = w.OrgDomain != c.data.OrgDomainPSL

	if len(dm) > 1 {
		c.add(finding(CodeMultipleRecords, checks.SeverityFail, ref7489Discover,
			"Publish exactly one TXT record starting with v=DMARC1 at _dmarc."+d+" and delete the others.",
			"_dmarc.%s has %d DMARC records; receivers discard them all and act as if there were none", d, len(dm)))
	}
	for _, b := range broken {
		msg := "it does not start with v=DMARC1"
		if _, err := Parse(b); err != nil {
			var es Errors
			if errors.As(err, &es) && len(es) > 0 {
				msg = es[0].Message()
			}
		}
		c.add(finding(CodeSyntax, checks.SeverityFail, ref7489Syntax,
			"Start the record with exactly \"v=DMARC1;\" (upper case, first tag), then p=.",
			"a TXT record at _dmarc.%s looks like DMARC but receivers ignore it (%s): %q", d, msg, b))
	}
	if len(spf) > 0 {
		sev := checks.SeverityFail
		msg := "an SPF record answers at _dmarc.%s instead of a DMARC record, most likely from a wildcard TXT record (*.%s)"
		if len(dm) > 0 {
			sev = checks.SeverityWarn
			msg = "an SPF record answers at _dmarc.%s beside the DMARC record, most likely from a wildcard TXT record (*.%s)"
		}
		c.add(finding(CodeSPFRecordFound, sev, ref7489Discover,
			"Publish the DMARC record explicitly at _dmarc."+d+"; a wildcard TXT record does not give one, and an explicit name stops the wildcard from answering there.",
			msg, d, d))
	}
	if w.Incomplete && w.PolicyDomain != "" {
		c.add(finding(CodeTreeWalkIncomplete, checks.SeverityInfo, refTreeWalk,
			"Run the check again; if it persists, fix the name servers of these names.",
			"the DNS tree walk could not ask %s; the organizational domain (%s) may be wrong",
			strings.Join(prefixAll("_dmarc.", w.ErrorAt), ", "), w.OrgDomain))
	}

	if w.PolicyDomain == "" {
		switch {
		case w.Incomplete:
			c.res.Fail(checks.NewError("dmarc", nil, fmt.Sprintf("no record at _dmarc.%s and the tree walk failed at %s", d, strings.Join(prefixAll("_dmarc.", w.ErrorAt), ", "))))
			c.res.Summary = "no record at _dmarc." + d + "; could not finish the tree walk"
		case len(dm) > 1:
			c.res.Summary = fmt.Sprintf("%d DMARC records at _dmarc.%s: none applies", len(dm), d)
		default:
			if len(broken) == 0 && (len(spf) == 0 || len(dm) > 0) {
				c.add(finding(CodeMissing, checks.SeverityFail, ref7489Discover,
					fmt.Sprintf("Publish a TXT record at _dmarc.%s such as \"v=DMARC1; p=none; rua=mailto:dmarc-reports@%s\", then move to p=quarantine or p=reject once the reports show your mail passes.", d, d),
					"%s has no DMARC record, and the DNS tree walk found none above it", d))
			}
			c.res.Summary = "no DMARC record at _dmarc." + d
		}
		return
	}

	c.data.Record, c.data.RecordDomain, c.data.Method = w.PolicyRecord, w.PolicyDomain, w.Method
	rec, perr := Parse(w.PolicyRecord)
	c.data.Parsed = rec
	c.syntaxFindings(rec, perr, w.PolicyDomain)

	// Which policy applies to this domain (RFC 9989 §4.10.1).
	if w.PolicyDomain == d {
		c.data.EffectivePolicy, c.data.PolicyTag = rec.Policy, "p"
	} else {
		c.data.DomainExists = exists
		if exists != nil && !*exists {
			c.data.EffectivePolicy = rec.EffectiveNP()
			c.data.PolicyTag = firstSet(rec, "np", "sp", "p")
		} else {
			c.data.EffectivePolicy = rec.EffectiveSP()
			c.data.PolicyTag = firstSet(rec, "sp", "p")
		}
		how := "the organizational domain"
		if w.Method == MethodPSD {
			how = "the public suffix domain (psd=y)"
		}
		c.add(finding(CodeOrgDomainFallback, checks.SeverityInfo, refPolicy,
			"Publish a record at _dmarc."+d+" if this domain needs its own policy or reports.",
			"%s has no DMARC record of its own; receivers use the record of %s %s, whose %s=%s applies to it",
			d, how, w.PolicyDomain, c.data.PolicyTag, policyOrNone(c.data.EffectivePolicy)))
	}
	if rec.Policy == "" && validRUA(rec) {
		c.data.EffectivePolicy = PolicyNone
	}

	c.policyFindings(rec, w)
	c.reportFindings(rec)
	c.orgDomainFindings(ctx, w, looks)
	c.externalReports(ctx, rec, w.PolicyDomain)
	c.res.Summary = summary(rec, c.data)
}

// queryWalk asks every query of the tree walk for d and the existence
// probe of d (needed for np). They are independent of each other, so all
// go out at once.
func queryWalk(ctx context.Context, r dnsx.Resolver, d string) ([]lookup, *bool) {
	names := WalkNames(d)
	looks := make([]lookup, len(names))
	var exists *bool
	forEach(len(names)+1, walkConcurrency, func(i int) {
		if i == len(names) {
			exists = domainExists(ctx, r, d)
			return
		}
		txts, _, err := dnsx.TXT(ctx, r, "_dmarc."+names[i])
		looks[i] = lookup{name: names[i], txts: txts, err: err}
	})
	return looks, exists
}

// domainExists tells whether the domain exists, for the np tag: nil when
// the answer is unknown.
func domainExists(ctx context.Context, r dnsx.Resolver, domain string) *bool {
	ans, err := r.Query(ctx, domain, dns.TypeA)
	if err != nil {
		return nil
	}
	ok := !ans.NXDomain()
	return &ok
}

func summary(rec *Record, d *Data) string {
	var parts []string
	p := string(rec.Policy)
	if p == "" {
		p = "(missing)"
	}
	parts = append(parts, "p="+p)
	if rec.SubdomainPolicy != "" {
		parts = append(parts, "sp="+string(rec.SubdomainPolicy))
	}
	if rec.NonexistentPolicy != "" {
		parts = append(parts, "np="+string(rec.NonexistentPolicy))
	}
	parts = append(parts, fmt.Sprintf("pct=%d", rec.Percent))
	if len(rec.RUA) > 0 {
		var us []string
		for _, u := range rec.RUA {
			us = append(us, u.URI)
		}
		parts = append(parts, "rua="+strings.Join(us, ","))
	}
	if rec.Testing == "y" {
		parts = append(parts, "t=y")
	}
	s := strings.Join(parts, " ")
	if d.RecordDomain != d.Domain {
		s += fmt.Sprintf(" (inherited from %s; %s=%s applies)", d.RecordDomain, d.PolicyTag, policyOrNone(d.EffectivePolicy))
	}
	return s
}

func policyOrNone(p Policy) string {
	if p == "" {
		return "none"
	}
	return string(p)
}

// firstSet returns the first of the tags the record sets, else the last.
func firstSet(rec *Record, tags ...string) string {
	for _, t := range tags {
		if rec.Has(t) {
			return t
		}
	}
	return tags[len(tags)-1]
}

func validRUA(rec *Record) bool { return len(rec.RUA) > 0 }

func prefixAll(p string, ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = p + s
	}
	return out
}

func uniq(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// forEach runs f(0..n-1) with at most limit at a time and waits for all.
// f must honour the context itself (every DNS query does), so a cancelled
// run drains at once.
func forEach(n, limit int, f func(i int)) {
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		sem <- struct{}{}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			f(i)
		}(i)
	}
	wg.Wait()
}
