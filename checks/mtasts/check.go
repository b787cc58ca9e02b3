package mtasts

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"strings"
	"sync"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/fetch"
	"github.com/relayctl/relayctl/checks/internal/fetchmsg"
)

// Data is the check's structured result (the "data" of the mtasts check
// in the JSON report); docs/mtasts.md documents the keys.
type Data struct {
	Domain string `json:"domain"`
	// Records holds every TXT record at _mta-sts.<domain>.
	Records []string `json:"records"`
	// Record is the MTA-STS record judged (the first when there are
	// several), ID its id.
	Record string `json:"record,omitempty"`
	ID     string `json:"id,omitempty"`
	// PolicyURL and Fetch describe the policy fetch (absent when there
	// is no record to fetch for).
	PolicyURL string          `json:"policy_url,omitempty"`
	Fetch     *fetch.Response `json:"fetch,omitempty"`
	// Policy is the parsed policy, with what could be read even when it
	// has errors.
	Policy *Policy `json:"policy,omitempty"`
	// Valid is true when senders would apply the policy: one valid
	// record and a policy fetched and parsed without error.
	Valid bool `json:"valid"`
	// MXHosts are the MX hosts of the domain (the domain itself for the
	// implicit MX); Coverage pairs each with the pattern that covers it.
	MXHosts        []string   `json:"mx_hosts"`
	Coverage       []Coverage `json:"coverage,omitempty"`
	UnusedPatterns []string   `json:"unused_patterns,omitempty"`
}

// Coverage says which mx pattern covers one MX host ("" when none).
type Coverage struct {
	Host    string `json:"host"`
	Pattern string `json:"pattern"`
}

// maxSyntaxFindings caps the findings for one broken policy.
const maxSyntaxFindings = 10

// Check looks up, fetches and judges the MTA-STS policy of domain
// (already normalised by dnsx.Domain).
func Check(ctx context.Context, r dnsx.Resolver, domain string, opt Options) checks.Result {
	start := time.Now()
	res := checks.Result{Name: Name}
	data := &Data{Domain: domain, Records: []string{}, MXHosts: []string{}}
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

func (c *checker) run(ctx context.Context) {
	d := c.domain
	// The record and the MX set are independent: ask both at once.
	var disc *discovery
	var mx mxSet
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); disc = discoverRecord(ctx, c.r, d) }()
	go func() { defer wg.Done(); mx = lookupMX(ctx, c.r, d) }()
	wg.Wait()

	if disc.txtErr != nil {
		c.res.Fail(disc.txtErr)
		c.res.Summary = fmt.Sprintf("could not look up _mta-sts.%s: %v", d, dnsx.Brief(disc.txtErr))
		return
	}
	c.data.Records = append(c.data.Records, disc.records...)
	if len(disc.sts) == 0 && len(disc.near) == 0 {
		c.add(finding(CodeMissing, checks.SeverityInfo, refDiscover,
			fmt.Sprintf("To require TLS from senders, publish a policy at %s and a TXT record \"v=STSv1; id=<date>\" at _mta-sts.%s; start in mode testing.", PolicyURL(d), d),
			"%s publishes no MTA-STS policy (no v=STSv1 record at _mta-sts.%s), so senders may deliver without TLS", d, d))
		c.res.Summary = "no MTA-STS record at _mta-sts." + d
		return
	}
	recordOK := c.judgeRecords(disc)

	disc.fetchPolicy(ctx, c.r, d, c.opt)
	c.data.PolicyURL = PolicyURL(d)
	c.data.Fetch = disc.resp
	if !c.judgeFetch(disc) {
		return
	}
	p, perr := ParsePolicy(disc.resp.Body)
	c.data.Policy = p
	c.syntaxFindings(perr, "the policy at "+PolicyURL(d), refPolicy)
	served := disc.servingProblem() == ""
	c.data.Valid = recordOK && served && perr == nil

	c.modeFindings(p)
	c.coverage(p, mx)
	c.res.Summary = c.summary(p, perr, mx)
}

// judgeRecords reports problems with the _mta-sts records and says
// whether senders would accept them.
func (c *checker) judgeRecords(disc *discovery) bool {
	d := c.domain
	for _, t := range disc.near {
		_, err := ParseRecord(t)
		why := "it does not start with exactly \"v=STSv1;\""
		var es Errors
		if errors.As(err, &es) && len(es) > 0 {
			why = es[0].Error()
		}
		c.add(finding(CodeSyntax, checks.SeverityFail, refRecord,
			"Write the record exactly as \"v=STSv1; id=20240131T1200;\": version first, upper-case STS, a \";\" right after it.",
			"a TXT record at _mta-sts.%s looks like MTA-STS but senders discard it (%s): %s", d, why, quote(t)))
	}
	if len(disc.sts) > 1 {
		c.add(finding(CodeMultipleRecords, checks.SeverityFail, refRecord,
			"Keep exactly one v=STSv1 record at _mta-sts."+d+" and delete the others.",
			"_mta-sts.%s has %d MTA-STS records; senders then act as if the domain had no MTA-STS", d, len(disc.sts)))
	}
	var rec string
	switch {
	case len(disc.sts) > 0:
		rec = disc.sts[0]
	default:
		rec = disc.near[0]
	}
	c.data.Record = rec
	parsed, err := ParseRecord(rec)
	c.data.ID = parsed.ID
	if len(disc.sts) > 0 {
		c.syntaxFindings(err, "the record at _mta-sts."+d, refRecord)
	}
	return len(disc.sts) == 1 && err == nil
}

// syntaxFindings adds one mtasts.syntax finding per error, at most
// maxSyntaxFindings.
func (c *checker) syntaxFindings(err error, where, ref string) {
	var es Errors
	if !errors.As(err, &es) {
		return
	}
	for i, e := range es {
		if i == maxSyntaxFindings {
			c.add(finding(CodeSyntax, checks.SeverityFail, ref, "Fix the errors above first.",
				"%s has %d more errors", where, len(es)-i))
			break
		}
		c.add(finding(CodeSyntax, checks.SeverityFail, ref, syntaxHint(e),
			"%s is invalid, so senders ignore it: %s", where, e.Message()))
	}
}

func syntaxHint(e *SyntaxError) string {
	switch e.Field {
	case "version":
		return "The first line should be \"version: STSv1\"."
	case "mode":
		return "Use \"mode: testing\" while you watch TLS reports, then \"mode: enforce\"."
	case "max_age":
		return "Give max_age in seconds, at most 31557600; 604800 (a week) or more is usual."
	case "mx":
		return "List each MX host as \"mx: mail.example.com\" (or \"mx: *.example.com\" for one label of any name), one per line."
	case "id":
		return "Use an id of letters and digits only, such as a timestamp, and change it whenever the policy changes."
	}
	return "Write one \"key: value\" field per line: version, mode, mx (one line per host) and max_age."
}

// judgeFetch reports why the policy could not be fetched or is served
// wrongly; it returns false when there is no body to parse.
func (c *checker) judgeFetch(disc *discovery) bool {
	d, url := c.domain, PolicyURL(c.domain)
	host := PolicyHost(d)
	if err := disc.fetchErr; err != nil {
		var fe *fetch.Error
		errors.As(err, &fe)
		switch {
		case fetch.NotEvaluated(err):
			// --offline: nothing was fetched, so nothing is wrong with it.
			c.add(finding(CodeNotEvaluated, checks.SeverityInfo, refFetch,
				"Run the check again without --offline to fetch and check the policy.",
				"the policy at %s was not fetched: --offline opens no connection", url))
			c.res.Summary = "policy not fetched (--offline)"
		case fetch.DNSFailure(err):
			// No verdict: the policy host could not be looked up.
			c.res.Fail(err)
			c.res.Summary = fmt.Sprintf("could not resolve %s: %v", host, dnsx.Brief(errors.Unwrap(err)))
		case errors.Is(err, fetch.ErrCertificate):
			c.add(finding(CodeCertInvalid, checks.SeverityFail, refFetch,
				"Serve "+host+" with a certificate for that exact name from a public CA (or pass --ca for a private one), valid now.",
				"senders refuse the policy at %s: %s", url, causeOf(fe)))
			c.res.Summary = "policy refused: " + causeOf(fe)
		default:
			hint := "Make " + url + " answer over HTTPS on port 443; senders that cannot fetch it apply no MTA-STS."
			if errors.Is(err, fetch.ErrNoAddress) {
				hint = "Add an A/AAAA (or CNAME) record for " + host + " pointing at the web server that serves the policy."
			}
			c.add(finding(CodePolicyUnreachable, checks.SeverityFail, refFetch, hint,
				"the policy at %s could not be fetched (%s): %s", url, stageWords(fe), causeOf(fe)))
			c.res.Summary = "policy unreachable: " + causeOf(fe)
		}
		return false
	}
	resp := disc.resp
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		c.add(finding(CodeRedirect, checks.SeverityFail, refFetch,
			"Serve the policy itself at "+url+" with status 200; senders must not follow redirects.",
			"%s answers HTTP %d, a redirect to %s; senders do not follow it and find no policy", url, resp.StatusCode, quote(resp.Location)))
		c.res.Summary = fmt.Sprintf("policy URL redirects (HTTP %d)", resp.StatusCode)
		return false
	case resp.StatusCode != 200:
		c.add(finding(CodePolicyUnreachable, checks.SeverityFail, refFetch,
			"Publish the policy file at "+url+" (status 200, Content-Type text/plain).",
			"%s answers HTTP %d instead of the policy", url, resp.StatusCode))
		c.res.Summary = fmt.Sprintf("policy not served: HTTP %d", resp.StatusCode)
		return false
	case resp.TooLarge:
		c.add(finding(CodeTooLarge, checks.SeverityFail, refFetch,
			"Serve only the policy fields; a policy is a few lines long.",
			"the policy at %s is larger than 64 KiB; senders stop reading there and discard it", url))
		c.res.Summary = "policy larger than 64 KiB"
		return false
	}
	if !textPlain(resp.ContentType) {
		ct := resp.ContentType
		if ct == "" {
			ct = "(none)"
		}
		c.add(finding(CodeContentType, checks.SeverityFail, refFetch,
			"Serve "+url+" with \"Content-Type: text/plain\".",
			"%s is served as Content-Type %s, not text/plain; senders that check it discard the policy", url, quote(ct)))
	}
	return true
}

// textPlain reports whether a Content-Type is text/plain (parameters
// such as charset are fine, RFC 8461 §3.2).
func textPlain(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "text/plain"
}

func (c *checker) modeFindings(p *Policy) {
	switch p.Mode {
	case ModeTesting:
		c.add(finding(CodeModeTesting, checks.SeverityWarn, refModes,
			"Once TLS reports (TLS-RPT) show no failures, switch the policy to \"mode: enforce\" and change the record's id.",
			"the policy is in mode testing: senders report TLS failures but still deliver without TLS, so it protects nothing yet"))
	case ModeNone:
		c.add(finding(CodeModeNone, checks.SeverityInfo, refModes,
			"If MTA-STS is being retired, keep serving this policy for max_age, then remove the record; otherwise use mode testing or enforce.",
			"the policy is in mode none: senders forget any earlier policy and apply none"))
	}
	if p.Mode == ModeNone || p.MaxAge < 0 {
		return
	}
	const day, week = 86400, 7 * 86400
	switch {
	case p.MaxAge < day:
		c.add(finding(CodeMaxAgeShort, checks.SeverityWarn, refMaxAge,
			"Raise max_age to 604800 (a week) or more; senders refetch the policy when the record's id changes anyway.",
			"max_age is %d seconds: senders keep the policy less than a day, which leaves room for a downgrade at each refresh", p.MaxAge))
	case p.MaxAge < week:
		c.add(finding(CodeMaxAgeShort, checks.SeverityInfo, refMaxAge,
			"A max_age of weeks (604800 or more) is usual once the policy is stable.",
			"max_age is %d seconds, under a week", p.MaxAge))
	}
}

// mxSet is the domain's MX hosts, or why they are not known.
type mxSet struct {
	hosts    []string
	implicit bool // no MX: the domain itself (RFC 5321 §5.1)
	null     bool // RFC 7505 null MX
	err      error
}

func lookupMX(ctx context.Context, r dnsx.Resolver, domain string) mxSet {
	recs, _, err := dnsx.MX(ctx, r, domain)
	if err != nil {
		return mxSet{err: err}
	}
	if len(recs) == 0 {
		return mxSet{hosts: []string{domain}, implicit: true}
	}
	if len(recs) == 1 && recs[0].Mx == "." {
		return mxSet{null: true}
	}
	var s mxSet
	seen := map[string]bool{}
	for _, m := range recs {
		h := strings.ToLower(strings.TrimSuffix(m.Mx, "."))
		if h != "" && !seen[h] {
			seen[h] = true
			s.hosts = append(s.hosts, h)
		}
	}
	return s
}

// coverage checks that every MX host matches a pattern and every pattern
// some host (RFC 8461 §4.1).
func (c *checker) coverage(p *Policy, mx mxSet) {
	if mx.err != nil {
		// The policy was judged; only the MX comparison has no verdict.
		c.res.Fail(fmt.Errorf("mtasts: cannot compare the policy with the MX hosts: %w", mx.err))
		return
	}
	c.data.MXHosts = append(c.data.MXHosts, mx.hosts...)
	if mx.null || p.Mode == ModeNone || len(p.MX) == 0 {
		return
	}
	used := map[string]bool{}
	for _, h := range mx.hosts {
		pat := p.MatchingPattern(h)
		c.data.Coverage = append(c.data.Coverage, Coverage{Host: h, Pattern: pat})
		for _, q := range p.MX {
			if MatchMX(q, h) {
				used[q] = true
			}
		}
		if pat != "" {
			continue
		}
		sev, effect := checks.SeverityFail, "senders that apply the policy refuse to deliver to it"
		if p.Mode == ModeTesting {
			sev, effect = checks.SeverityWarn, "under mode enforce, senders would refuse to deliver to it"
		}
		what := "MX host " + h
		if mx.implicit {
			what = h + " (no MX records, so the domain itself receives mail)"
		}
		c.add(finding(CodeMXMismatch, sev, refMatch,
			"Add \"mx: "+h+"\" (or a matching \"*.\" pattern) to the policy and change the record's id, or remove the MX record.",
			"%s matches no mx pattern of the policy (%s); %s", what, strings.Join(p.MX, ", "), effect))
	}
	for _, q := range p.MX {
		if !used[q] {
			c.data.UnusedPatterns = append(c.data.UnusedPatterns, q)
			c.add(finding(CodePatternUnused, checks.SeverityInfo, refMatch,
				"Remove the pattern if the host is gone, or check it for a typo.",
				"the policy's mx pattern %s matches none of the MX hosts (%s)", q, strings.Join(mx.hosts, ", ")))
		}
	}
}

func (c *checker) summary(p *Policy, perr error, mx mxSet) string {
	var parts []string
	if p.Mode != "" {
		parts = append(parts, "mode "+string(p.Mode))
	} else {
		parts = append(parts, "mode (invalid)")
	}
	if p.MaxAge >= 0 {
		parts = append(parts, fmt.Sprintf("max_age %d", p.MaxAge))
	}
	switch {
	case mx.err != nil || mx.null || p.Mode == ModeNone:
		parts = append(parts, fmt.Sprintf("%d mx patterns", len(p.MX)))
	default:
		covered := 0
		for _, cv := range c.data.Coverage {
			if cv.Pattern != "" {
				covered++
			}
		}
		parts = append(parts, fmt.Sprintf("%d of %d MX hosts covered", covered, len(mx.hosts)))
	}
	if c.data.ID != "" {
		parts = append(parts, "id "+c.data.ID)
	}
	s := strings.Join(parts, ", ")
	if perr != nil || !c.data.Valid {
		s += " (not applied by senders)"
	}
	return s
}

func causeOf(fe *fetch.Error) string {
	if fe == nil {
		return "unknown error"
	}
	return fetchmsg.Cause(fe)
}

func stageWords(fe *fetch.Error) string {
	if fe == nil {
		return "fetch"
	}
	switch fe.Stage {
	case fetch.StageDNS:
		return "name lookup"
	case fetch.StageConnect:
		return "connection"
	case fetch.StageTLS:
		return "TLS handshake"
	case fetch.StageBody:
		return "reading the body"
	}
	return "HTTP request"
}
