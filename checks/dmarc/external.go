package dmarc

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// ExternalReport is the authorization check for one report destination
// domain (RFC 7489 §7.1).
type ExternalReport struct {
	Tags       []string `json:"tags"` // rua, ruf or both
	URIs       []string `json:"uris"`
	Domain     string   `json:"domain"`
	Query      string   `json:"query"`
	Authorized *bool    `json:"authorized"` // null when the query failed
	Record     string   `json:"record,omitempty"`
	Error      string   `json:"error,omitempty"`
	offline    bool
}

// externalReports checks RFC 7489 §7.1 authorization for every report
// destination (of the first MaxReportURIs of each tag) whose organizational domain differs from the policy
// domain's. Organizational domains here come from the public suffix list,
// as RFC 7489 §7.1 uses them; it needs no extra queries.
func (c *checker) externalReports(ctx context.Context, rec *Record, policyDomain string) {
	own := OrgDomainPSL(policyDomain)
	var ext []*ExternalReport
	byDomain := map[string]*ExternalReport{}
	for _, l := range []struct {
		tag  string
		uris []ReportURI
	}{{"rua", checkedURIs(rec.RUA)}, {"ruf", checkedURIs(rec.RUF)}} {
		for _, u := range l.uris {
			if u.Scheme != "mailto" || u.Domain == "" || OrgDomainPSL(u.Domain) == own {
				continue
			}
			e := byDomain[u.Domain]
			if e == nil {
				e = &ExternalReport{Domain: u.Domain, Query: policyDomain + "._report._dmarc." + u.Domain}
				byDomain[u.Domain] = e
				ext = append(ext, e)
			}
			if !contains(e.Tags, l.tag) {
				e.Tags = append(e.Tags, l.tag)
			}
			e.URIs = append(e.URIs, u.URI)
		}
	}
	forEach(len(ext), walkConcurrency, func(i int) {
		e := ext[i]
		if _, ok := dns.IsDomainName(e.Query); !ok || len(e.Query) > 253 {
			e.Error = "the authorization name is not a valid domain name (too long)"
			return
		}
		txts, _, err := dnsx.TXT(ctx, c.r, e.Query)
		if err != nil {
			e.Error, e.offline = checks.Message(err), errors.Is(err, dnsx.ErrOffline)
			return
		}
		ok := false
		for _, t := range txts {
			if isDMARC(t) {
				ok, e.Record = true, t
				break
			}
		}
		e.Authorized = &ok
	})
	for _, e := range ext {
		c.data.ExternalReports = append(c.data.ExternalReports, *e)
		tags := strings.Join(e.Tags, " and ")
		switch {
		case e.Authorized == nil && e.offline:
			c.add(finding(CodeExternalUnverified, checks.SeverityInfo, ref7489External,
				fmt.Sprintf("Run without --offline, or add a zone file for %s, to check it.", e.Domain),
				"could not verify that %s accepts %s reports for %s: %s is outside the zone files and --offline is set",
				e.Domain, tags, policyDomain, e.Query))
		case e.Authorized == nil:
			c.add(finding(CodeExternalUnverified, checks.SeverityInfo, ref7489External,
				"Run the check again; if it persists, the destination's name servers are failing.",
				"could not verify that %s accepts %s reports for %s: the query for %s failed (%s)",
				e.Domain, tags, policyDomain, e.Query, e.Error))
		case !*e.Authorized:
			c.add(finding(CodeExternalUnauthorized, checks.SeverityWarn, ref7489External,
				fmt.Sprintf("Ask the operator of %s to publish TXT \"v=DMARC1;\" at %s, or send reports to an address in your own domain.", e.Domain, e.Query),
				"%s reports go to %s, which has not authorized them: no v=DMARC1 record at %s, so receivers will not send these reports",
				tags, e.Domain, e.Query))
		}
	}
}
