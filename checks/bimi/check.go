package bimi

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"strings"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dmarc"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/fetch"
	"github.com/relayctl/relayctl/checks/internal/fetchmsg"
	"github.com/relayctl/relayctl/internal/textutil"
)

// Data is the check's structured result; docs/bimi.md documents the keys.
type Data struct {
	Domain   string `json:"domain"`
	Selector string `json:"selector"`
	// Queried lists the names asked, in order: <selector>._bimi.<domain>
	// and, when it has no record, the same at the organizational domain.
	Queried   []string `json:"queried"`
	OrgDomain string   `json:"org_domain"`
	// Name is where the record was found; Fallback is true when that is
	// the organizational domain's name.
	Name     string `json:"name,omitempty"`
	Fallback bool   `json:"fallback"`
	// Records holds every TXT record at Name (at the first name asked
	// when none was found).
	Records  []string `json:"records"`
	Record   string   `json:"record,omitempty"`
	Parsed   *Record  `json:"parsed,omitempty"`
	Declined bool     `json:"declined"`
	// Valid is true when receivers would use the record: one record,
	// no syntax error, not a declination.
	Valid bool       `json:"valid"`
	DMARC *DMARCInfo `json:"dmarc,omitempty"`
	Logo  *LogoInfo  `json:"logo,omitempty"`
}

// DMARCInfo is the DMARC policy BIMI depends on.
type DMARCInfo struct {
	// RecordDomain is where the DMARC record that applies was found;
	// Policy the policy applied to the domain (p, or sp/np inherited),
	// SubdomainPolicy the record's sp, Percent its pct.
	RecordDomain    string `json:"record_domain,omitempty"`
	Policy          string `json:"policy,omitempty"`
	SubdomainPolicy string `json:"sp,omitempty"`
	Percent         int    `json:"pct"`
	// OrgDomain and OrgPolicy describe the organizational domain's own
	// record when the domain has a record of its own below it.
	OrgDomain string `json:"org_domain,omitempty"`
	OrgPolicy string `json:"org_policy,omitempty"`
	// Enforced is true when BIMI's DMARC requirements are met.
	Enforced bool `json:"enforced"`
}

// LogoInfo describes the indicator fetched from l=.
type LogoInfo struct {
	URL   string          `json:"url"`
	Fetch *fetch.Response `json:"fetch,omitempty"`
	Error string          `json:"error,omitempty"`
	SVG   *SVGInfo        `json:"svg,omitempty"`
}

// Check looks up and judges the BIMI assertion record of domain (already
// normalised by dnsx.Domain).
func Check(ctx context.Context, r dnsx.Resolver, domain string, opt Options) checks.Result {
	start := time.Now()
	if opt.Selector == "" {
		opt.Selector = DefaultSelector
	}
	res := checks.Result{Name: Name}
	data := &Data{Domain: domain, Selector: opt.Selector, Queried: []string{}, Records: []string{}, OrgDomain: dmarc.OrgDomainPSL(domain)}
	res.Data = data
	c := &checker{r: r, domain: domain, opt: opt, res: &res, data: data}
	c.run(ctx)
	res.DurationMS = checks.Since(start)
	res.Settle()
	return res
}

type checker struct {
	r      dnsx.Resolver
	domain string
	opt    Options
	res    *checks.Result
	data   *Data
}

func (c *checker) add(f checks.Finding) { c.res.Add(f) }

// lookup is the answer at one _bimi name.
type lookup struct {
	name string
	txts []string
	recs []string // v=BIMI1 records
	near []string // meant as BIMI, discarded by receivers
	err  error
}

func (c *checker) ask(ctx context.Context, name string) lookup {
	l := lookup{name: name}
	c.data.Queried = append(c.data.Queried, name)
	l.txts, _, l.err = dnsx.TXT(ctx, c.r, name)
	for _, t := range l.txts {
		switch {
		case IsRecord(t):
			l.recs = append(l.recs, t)
		case looksLikeRecord(t):
			l.near = append(l.near, t)
		}
	}
	return l
}

func (c *checker) run(ctx context.Context) {
	d, sel := c.domain, c.opt.Selector
	// §7.2: the author domain first; with no record there, the
	// organizational domain.
	l := c.ask(ctx, sel+"._bimi."+d)
	if l.err != nil {
		c.fail(l.err, l.name)
		return
	}
	c.data.Records = append(c.data.Records, l.txts...)
	c.nearMisses(l)
	if len(l.recs) == 0 && c.data.OrgDomain != d {
		org := c.ask(ctx, sel+"._bimi."+c.data.OrgDomain)
		if org.err != nil {
			c.fail(org.err, org.name)
			return
		}
		c.nearMisses(org)
		if len(org.recs) > 0 {
			l = org
			c.data.Fallback = true
			c.data.Records = append([]string{}, org.txts...)
		}
	}
	if len(l.recs) == 0 {
		if len(l.near) == 0 {
			c.add(finding(CodeMissing, checks.SeverityInfo, refDiscovery,
				fmt.Sprintf("To show your logo in supporting mailboxes, publish \"v=BIMI1; l=https://…/logo.svg\" at %s._bimi.%s once DMARC is at quarantine or reject.", sel, d),
				"%s publishes no BIMI record (asked %s)", d, strings.Join(c.data.Queried, " and ")))
		}
		c.res.Summary = "no BIMI record at " + strings.Join(c.data.Queried, " or ")
		return
	}
	c.data.Name = l.name
	if c.data.Fallback {
		c.add(finding(CodeOrgFallback, checks.SeverityInfo, refDiscovery,
			"Publish a record at "+sel+"._bimi."+d+" if this domain needs its own logo, or \"v=BIMI1; l=; a=;\" there to decline.",
			"%s has no BIMI record of its own; receivers use the organizational domain's at %s", d, l.name))
	}
	if len(l.recs) > 1 {
		c.add(finding(CodeMultipleRecords, checks.SeverityFail, refDiscovery,
			"Keep exactly one v=BIMI1 record at "+l.name+".",
			"%s has %d BIMI records; receivers then show no logo", l.name, len(l.recs)))
	}
	c.data.Record = l.recs[0]
	rec, perr := Parse(l.recs[0])
	c.data.Parsed = rec
	c.syntaxFindings(perr, l.name)
	c.data.Declined = rec.Declined()
	c.data.Valid = len(l.recs) == 1 && perr == nil && !rec.Declined()
	if rec.Declined() && perr == nil {
		c.add(finding(CodeDeclined, checks.SeverityInfo, refDecline,
			"Nothing to do if this is intended; otherwise put the logo's https URL in l=.",
			"the BIMI record at %s declines to publish a logo (l= and a= empty)", l.name))
		c.res.Summary = "BIMI declined at " + l.name
		return
	}
	c.judgeDMARC(ctx)
	if rec.Authority == "" && perr == nil {
		c.add(finding(CodeNoAuthority, checks.SeverityInfo, refEvidence,
			"Get a Verified Mark Certificate (VMC) or Common Mark Certificate (CMC) for the logo and name its PEM file in a=.",
			"the record has no a= evidence document: mailboxes that require a mark certificate (Gmail, Apple Mail) show no logo"))
	}
	if rec.Location != "" && checkURI(rec.Location, true) == "" && !c.opt.NoLogoFetch {
		c.fetchLogo(ctx, rec.Location)
	}
	c.res.Summary = c.summary(rec)
}

func (c *checker) fail(err error, name string) {
	c.res.Fail(err)
	c.res.Summary = fmt.Sprintf("could not look up %s: %v", name, dnsx.Brief(err))
}

func (c *checker) nearMisses(l lookup) {
	for _, t := range l.near {
		c.add(finding(CodeSyntax, checks.SeverityFail, refRecord,
			"Start the record with \"v=BIMI1;\", then l=https://…/logo.svg.",
			"a TXT record at %s looks like BIMI but receivers discard it (it does not start with v=BIMI1): %q", l.name, textutil.Clip(t, 80)))
	}
}

func (c *checker) syntaxFindings(err error, name string) {
	var es Errors
	if !errors.As(err, &es) {
		return
	}
	for _, e := range es {
		hint := "Write the record as \"v=BIMI1; l=https://example.com/logo.svg; a=https://example.com/vmc.pem\"."
		switch e.Tag {
		case "l":
			hint = "Give l= one https URL of an SVG file (or leave it empty to decline)."
		case "a":
			hint = "Give a= the https URL of the VMC/CMC PEM file, or leave it empty."
		}
		c.add(finding(CodeSyntax, checks.SeverityFail, refRecord, hint,
			"the BIMI record at %s is invalid: %s", name, e.Message()))
	}
}

// judgeDMARC checks BIMI's DMARC requirements (§2 and §7.1 steps 7–9):
// the policy that applies is quarantine or reject, pct is 100, sp is not
// none, and the same holds for the organizational domain's own record.
func (c *checker) judgeDMARC(ctx context.Context) {
	dres := dmarc.Check(ctx, c.r, c.domain, dmarc.Options{})
	dd, _ := dres.Data.(*dmarc.Data)
	if dres.Status == checks.StatusError || dd == nil {
		// No verdict on the part of BIMI that matters most.
		c.res.Fail(checks.NewError("bimi", nil, "could not read the DMARC policy BIMI depends on: "+dres.Error))
		return
	}
	info := &DMARCInfo{RecordDomain: dd.RecordDomain, Policy: string(dd.EffectivePolicy)}
	c.data.DMARC = info
	var why []string
	if dd.Parsed == nil {
		why = append(why, "there is no DMARC policy")
	} else {
		info.SubdomainPolicy = string(dd.Parsed.SubdomainPolicy)
		info.Percent = dd.Parsed.Percent
		if !enforcing(dd.EffectivePolicy) {
			why = append(why, fmt.Sprintf("the policy for %s is %s", c.domain, orNone(dd.EffectivePolicy)))
		}
		if dd.Parsed.Percent < 100 {
			why = append(why, fmt.Sprintf("pct=%d applies it to only part of the mail", dd.Parsed.Percent))
		}
		if dd.Parsed.SubdomainPolicy == dmarc.PolicyNone {
			why = append(why, "sp=none")
		}
		// A domain with its own record below its organizational domain:
		// the organizational domain's record counts too (§7.1 steps 7, 8).
		org := dd.OrgDomainTreeWalk
		if org != "" && org != c.domain && dd.RecordDomain == c.domain {
			ores := dmarc.Check(ctx, c.r, org, dmarc.Options{})
			if od, ok := ores.Data.(*dmarc.Data); ok && od.Parsed != nil && od.RecordDomain == org {
				info.OrgDomain, info.OrgPolicy = org, string(od.Parsed.Policy)
				if !enforcing(od.Parsed.Policy) {
					why = append(why, fmt.Sprintf("the organizational domain %s has p=%s", org, orNone(od.Parsed.Policy)))
				}
				if od.Parsed.SubdomainPolicy == dmarc.PolicyNone {
					why = append(why, fmt.Sprintf("the organizational domain %s has sp=none", org))
				}
			}
		}
	}
	info.Enforced = len(why) == 0
	if info.Enforced {
		return
	}
	c.add(finding(CodeDMARCNotEnforced, checks.SeverityFail, refAuth,
		"Move DMARC to p=quarantine or p=reject with pct=100 (and no sp=none) once reports show your mail passes; until then receivers show no logo.",
		"BIMI needs DMARC at quarantine or reject for all mail, but %s: receivers ignore the BIMI record", strings.Join(why, "; ")))
}

func enforcing(p dmarc.Policy) bool {
	return p == dmarc.PolicyQuarantine || p == dmarc.PolicyReject
}

func orNone(p dmarc.Policy) string {
	if p == "" {
		return "none"
	}
	return string(p)
}

// fetchLogo fetches and inspects the indicator (§7.5, §7.6).
func (c *checker) fetchLogo(ctx context.Context, u string) {
	logo := &LogoInfo{URL: u}
	c.data.Logo = logo
	resp, err := fetch.Get(ctx, c.r, u, fetch.Options{
		RootCAs:  c.opt.RootCAs,
		Timeout:  c.opt.Timeout,
		MaxBytes: maxLogoFetch,
		Port:     c.opt.HTTPSPort,
		Accept:   "image/svg+xml",
	})
	logo.Fetch = resp
	if err != nil {
		logo.Error = checks.Message(err)
		cause := fetchmsg.Cause(err)
		switch {
		case fetch.NotEvaluated(err):
			c.add(finding(CodeNotEvaluated, checks.SeverityInfo, refIndicator,
				"Run the check again without --offline to fetch and check the logo.",
				"the logo at %s was not fetched: --offline opens no connection", u))
		case fetch.DNSFailure(err):
			c.add(finding(CodeLogoUnverified, checks.SeverityInfo, refIndicator,
				"Run the check again (without --offline, or with a zone for the logo's host) to verify the logo.",
				"could not look up the logo's host to fetch %s: %s", u, cause))
		case errors.Is(err, fetch.ErrCertificate):
			c.add(finding(CodeLogoCertInvalid, checks.SeverityFail, refIndicator,
				"Serve the logo with a certificate valid for its host name from a public CA.",
				"receivers do not display the logo at %s: %s", u, cause))
		default:
			c.add(finding(CodeLogoUnreachable, checks.SeverityFail, refIndicator,
				"Make the l= URL answer over HTTPS with the SVG file.",
				"the logo at %s could not be fetched: %s", u, cause))
		}
		return
	}
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		c.add(finding(CodeLogoRedirect, checks.SeverityWarn, refIndicator,
			"Put the final URL of the SVG in l=; not every receiver follows redirects.",
			"%s answers HTTP %d, a redirect to %q", u, resp.StatusCode, textutil.Clip(resp.Location, 80)))
		return
	case resp.StatusCode != 200:
		c.add(finding(CodeLogoUnreachable, checks.SeverityFail, refIndicator,
			"Publish the SVG at the l= URL (status 200), or correct the URL.",
			"%s answers HTTP %d instead of the logo", u, resp.StatusCode))
		return
	}
	if resp.TooLarge || resp.Size > RecommendedLogoSize {
		size := fmt.Sprintf("%d bytes", resp.Size)
		if resp.TooLarge {
			size = fmt.Sprintf("more than %d KiB", maxLogoFetch>>10)
		}
		c.add(finding(CodeLogoTooLarge, checks.SeverityWarn, refIndicator,
			"Simplify the SVG (remove metadata and embedded fonts) to get it under 32 KiB.",
			"the logo is %s; receivers may refuse indicators over 32 KiB", size))
		if resp.TooLarge {
			return
		}
	}
	mt, _, _ := mime.ParseMediaType(resp.ContentType)
	svg, err := inspectSVG(resp.Body)
	if err != nil {
		why := checks.Message(err)
		if ne := (*notSVG)(nil); errors.As(err, &ne) {
			why = ne.why
		}
		c.add(finding(CodeLogoNotSVG, checks.SeverityFail, refFormats,
			"Serve an SVG document (SVG Tiny PS) at the l= URL.",
			"the logo at %s is not an SVG document (%s; Content-Type %q): receivers reject it", u, why, resp.ContentType))
		return
	}
	logo.SVG = &svg
	if mt != "image/svg+xml" {
		c.add(finding(CodeLogoContentType, checks.SeverityWarn, refFormats,
			"Serve the logo with \"Content-Type: image/svg+xml\".",
			"the logo is served as Content-Type %q, not image/svg+xml", resp.ContentType))
	}
	if !svg.TinyPS {
		c.add(finding(CodeLogoNotTinyPS, checks.SeverityWarn, refFormats,
			"Export the logo as SVG Tiny 1.2 Portable/Secure: baseProfile=\"tiny-ps\", version=\"1.2\", a <title>, no scripts, animation or external references.",
			"the logo does not follow the SVG Tiny PS profile BIMI requires: %s", strings.Join(svg.Problems, "; ")))
	}
}

func (c *checker) summary(rec *Record) string {
	var parts []string
	parts = append(parts, "l="+orDash(rec.Location))
	if rec.Authority != "" {
		parts = append(parts, "a="+rec.Authority)
	}
	if c.data.Fallback {
		parts = append(parts, "(from "+c.data.Name+")")
	}
	if d := c.data.DMARC; d != nil {
		parts = append(parts, "DMARC "+orNone(dmarc.Policy(d.Policy)))
	}
	s := strings.Join(parts, " ")
	if !c.data.Valid {
		s += " (not used by receivers)"
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "(empty)"
	}
	return s
}
