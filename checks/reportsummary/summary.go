// Package reportsummary turns the records of DMARC aggregate, failure
// and SMTP TLS reports (checks/dmarcreport) into what a domain's owner
// came for: per policy domain and period, how much mail passes DMARC,
// which sources send it (by reverse DNS and organisation), which of the
// failing ones are legitimate senders to fix, forwarders or spoofers,
// and whether moving to p=quarantine or p=reject (RFC 7489 §6.3) would
// hurt legitimate mail. TLS reports (RFC 8460) add the failures by
// result type and receiving MX.
package reportsummary

import (
	"sort"
	"strings"
	"time"

	"golang.org/x/net/publicsuffix"

	"github.com/relayctl/relayctl/checks/dmarcreport"
)

// Summary accumulates records; Add them in any order, then Reports.
type Summary struct {
	domains map[string]*domain
}

type domain struct {
	name        string
	begin, end  time.Time
	policy      dmarcreport.Policy
	policyEnd   time.Time
	reports     map[[2]string]bool
	messages    int64
	dmarcPass   int64
	spfAligned  int64
	dkimAligned int64
	sources     map[string]*source
	tls         *tlsTally
	failures    []*dmarcreport.Failure
	failureIPs  map[string]int64
}

type source struct {
	IP          string
	Messages    int64
	DMARCPass   int64
	SPFAligned  int64
	DKIMAligned int64
	// Forwarded counts messages a receiver said were forwarded or from a
	// mailing list (a policy override reason), or whose DKIM signature of
	// the domain broke in transit while SPF passed for someone else.
	Forwarded int64
	// DKIMOther and SPFOther count passing but unaligned identities: a
	// sender that authenticates as itself, not as the domain.
	DKIMOther map[string]int64
	SPFOther  map[string]int64
}

type tlsTally struct {
	success, failure int64
	byResult         map[string]int64
	byMX             map[string]int64
	reports          map[[2]string]bool
}

// Add takes one record.
func (s *Summary) Add(r dmarcreport.Record) {
	if s.domains == nil {
		s.domains = map[string]*domain{}
	}
	switch r := r.(type) {
	case *dmarcreport.Aggregate:
		s.domain(r.PolicyDomain).addAggregate(r)
	case *dmarcreport.TLSRPT:
		s.domain(r.PolicyDomain).addTLS(r)
	case *dmarcreport.Failure:
		d := s.domain(r.ReportedDomain)
		d.failures = append(d.failures, r)
		if d.failureIPs == nil {
			d.failureIPs = map[string]int64{}
		}
		n := r.Incidents
		if n == 0 {
			n = 1
		}
		d.failureIPs[r.SourceIP] += n
	}
}

func (s *Summary) domain(name string) *domain {
	if name == "" {
		name = "(no domain)"
	}
	d := s.domains[name]
	if d == nil {
		d = &domain{name: name, reports: map[[2]string]bool{}, sources: map[string]*source{}}
		s.domains[name] = d
	}
	return d
}

// Domains are the policy domains seen, sorted.
func (s *Summary) Domains() []string {
	var out []string
	for n := range s.domains {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (d *domain) period(begin, end time.Time) {
	if !begin.IsZero() && (d.begin.IsZero() || begin.Before(d.begin)) {
		d.begin = begin
	}
	if end.After(d.end) {
		d.end = end
	}
}

func (d *domain) addAggregate(r *dmarcreport.Aggregate) {
	d.period(r.Begin, r.End)
	d.reports[[2]string{r.OrgName, r.ReportID}] = true
	if !r.End.Before(d.policyEnd) {
		d.policy, d.policyEnd = r.Policy, r.End
	}
	src := d.sources[r.SourceIP]
	if src == nil {
		src = &source{IP: r.SourceIP, DKIMOther: map[string]int64{}, SPFOther: map[string]int64{}}
		d.sources[r.SourceIP] = src
	}
	n := r.Count
	d.messages += n
	src.Messages += n
	from := r.HeaderFrom
	if from == "" {
		from = r.PolicyDomain
	}
	// policy_evaluated carries the receiver's DMARC verdict: dkim and spf
	// there are aligned results (RFC 7489 appendix C); fall back to
	// computing alignment from auth_results when they are missing.
	spfOK := r.SPF == "pass"
	dkimOK := r.DKIM == "pass"
	if r.SPF == "" || r.DKIM == "" {
		for _, a := range r.AuthResults.SPF {
			if a.Result == "pass" && aligned(a.Domain, from, r.Policy.ASPF) && r.SPF == "" {
				spfOK = true
			}
		}
		for _, a := range r.AuthResults.DKIM {
			if a.Result == "pass" && aligned(a.Domain, from, r.Policy.ADKIM) && r.DKIM == "" {
				dkimOK = true
			}
		}
	}
	if spfOK {
		d.spfAligned += n
		src.SPFAligned += n
	}
	if dkimOK {
		d.dkimAligned += n
		src.DKIMAligned += n
	}
	if spfOK || dkimOK {
		d.dmarcPass += n
		src.DMARCPass += n
		return
	}
	forwarded := false
	for _, rs := range r.Reasons {
		switch rs.Type {
		case "forwarded", "mailing_list", "trusted_forwarder", "local_policy":
			forwarded = true
		}
	}
	ownDKIMBroke, otherSPF := false, false
	for _, a := range r.AuthResults.DKIM {
		switch {
		case a.Result == "pass":
			src.DKIMOther[a.Domain] += n
		case aligned(a.Domain, from, "r") && (a.Result == "fail" || a.Result == "permerror" || a.Result == "neutral"):
			ownDKIMBroke = true
		}
	}
	for _, a := range r.AuthResults.SPF {
		if a.Result == "pass" {
			src.SPFOther[a.Domain] += n
			otherSPF = true
		}
	}
	// A signature of the domain that no longer verifies, on mail whose
	// envelope passes SPF for another domain: the mark of a forwarder or
	// a list that changed the message (RFC 7960 §3.2).
	if forwarded || (ownDKIMBroke && otherSPF && len(src.DKIMOther) == 0) {
		src.Forwarded += n
	}
}

func (d *domain) addTLS(r *dmarcreport.TLSRPT) {
	d.period(r.StartDatetime, r.EndDatetime)
	if d.tls == nil {
		d.tls = &tlsTally{byResult: map[string]int64{}, byMX: map[string]int64{}, reports: map[[2]string]bool{}}
	}
	t := d.tls
	t.reports[[2]string{r.OrganizationName, r.ReportID}] = true
	t.success += r.TotalSuccessfulSessionCount
	t.failure += r.TotalFailureSessionCount
	for _, f := range r.FailureDetails {
		t.byResult[f.ResultType] += f.FailedSessionCount
		mx := f.ReceivingMXHostname
		if mx == "" {
			mx = f.ReceivingIP
		}
		if mx == "" {
			mx = "(not said)"
		}
		t.byMX[mx] += f.FailedSessionCount
	}
}

// aligned reports whether identity d aligns with the From domain in mode
// "s" (strict: equal) or "r" (relaxed, the default: the same
// organisational domain), RFC 7489 §3.1.
func aligned(d, from, mode string) bool {
	d, from = strings.ToLower(strings.TrimSuffix(d, ".")), strings.ToLower(strings.TrimSuffix(from, "."))
	if d == "" || from == "" {
		return false
	}
	if d == from {
		return true
	}
	if mode == "s" {
		return false
	}
	return orgDomain(d) == orgDomain(from)
}

func orgDomain(name string) string {
	if o, err := publicsuffix.EffectiveTLDPlusOne(name); err == nil {
		return o
	}
	return name
}
