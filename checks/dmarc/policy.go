package dmarc

import (
	"context"
	"fmt"
	"strings"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// Discovery is the DMARC policy that applies to mail whose RFC5322.From
// domain is Domain, as a receiver finds it (RFC 9989 §4.10): what a
// message check needs to judge a message, without the findings about the
// record that Check gives.
type Discovery struct {
	Domain string `json:"domain"`
	// Record is the record that applies, parsed; nil when none does.
	// RecordText is its text and RecordDomain where it was found, by
	// Method (direct, tree-walk, psd or none).
	Record       *Record `json:"-"`
	RecordText   string  `json:"record,omitempty"`
	RecordDomain string  `json:"record_domain,omitempty"`
	Method       string  `json:"method"`
	// OrgDomain is the organizational domain by the tree walk;
	// OrgDomainPSL by the public suffix list (RFC 7489 §3.2).
	OrgDomain    string `json:"org_domain"`
	OrgDomainPSL string `json:"org_domain_psl"`
	// Policy is the policy for Domain: p of its own record, else sp, or
	// np (then sp, then p) when Domain does not exist; PolicyTag names
	// the tag it came from.
	Policy    Policy `json:"policy,omitempty"`
	PolicyTag string `json:"policy_tag,omitempty"`
	// DomainExists is false when Domain is NXDOMAIN; nil when not known
	// or not needed.
	DomainExists *bool `json:"domain_exists,omitempty"`
	// Multiple is set when several DMARC records at _dmarc.Domain were all
	// discarded.
	Multiple bool `json:"multiple,omitempty"`
	// Err is set when the policy could not be found: the query for
	// _dmarc.Domain failed, or no record was found and the walk could not
	// finish (a temporary error, RFC 7489 §6.6.3 temperror). SyntaxErr is
	// set when the record that applies has errors; Record then holds what
	// could be read.
	Err       error `json:"-"`
	SyntaxErr error `json:"-"`
}

// Discover finds the DMARC policy for mail from domain (already
// normalised by dnsx.Domain): the DMARCbis tree walk and the existence
// probe for np, all queries at once.
func Discover(ctx context.Context, r dnsx.Resolver, domain string) Discovery {
	looks, exists := queryWalk(ctx, r, domain)
	d := Discovery{Domain: domain, Method: MethodNone, OrgDomainPSL: OrgDomainPSL(domain), OrgDomain: domain}
	if looks[0].err != nil {
		d.Err = checks.WrapError("dmarc", nil, "cannot look up _dmarc."+domain, looks[0].err)
		return d
	}
	dm, _, _ := dmarcTXT(looks[0].txts)
	d.Multiple = len(dm) > 1
	w := evaluateWalk(domain, looks)
	d.OrgDomain = w.OrgDomain
	if w.PolicyDomain == "" {
		if w.Incomplete {
			d.Err = checks.NewError("dmarc", nil, fmt.Sprintf("no record at _dmarc.%s and the tree walk failed at %s", domain, strings.Join(prefixAll("_dmarc.", w.ErrorAt), ", ")))
		}
		return d
	}
	d.RecordText, d.RecordDomain, d.Method = w.PolicyRecord, w.PolicyDomain, w.Method
	d.Record, d.SyntaxErr = Parse(w.PolicyRecord)
	rec := d.Record
	switch {
	case w.PolicyDomain == domain:
		d.Policy, d.PolicyTag = rec.Policy, "p"
	case exists != nil && !*exists:
		d.DomainExists = exists
		d.Policy, d.PolicyTag = rec.EffectiveNP(), firstSet(rec, "np", "sp", "p")
	default:
		d.DomainExists = exists
		d.Policy, d.PolicyTag = rec.EffectiveSP(), firstSet(rec, "sp", "p")
	}
	if d.Policy == "" && validRUA(rec) {
		// A record without a usable p= but with a valid rua is read as
		// p=none (RFC 7489 §6.6.3 step 6).
		d.Policy = PolicyNone
	}
	return d
}
