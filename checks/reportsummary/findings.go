package reportsummary

import (
	"fmt"
	"sort"
	"strings"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/internal/textutil"
)

// Check names of a summary report.
const (
	CheckDMARC    = "dmarc"
	CheckTLS      = "tlsrpt"
	CheckFailures = "dmarc-failure"
	sourcePrefix  = "source "
)

const refEnforce = "RFC 7489 §6.3"

func (d *domain) results(opt Options, ptrs map[string]ptrResult) []checks.Result {
	var out []checks.Result
	if len(d.reports) > 0 {
		out = append(out, d.aggregateResults(opt, ptrs)...)
	}
	if d.tls != nil {
		out = append(out, d.tlsResult())
	}
	if len(d.failures) > 0 {
		out = append(out, d.failureResult())
	}
	return out
}

func (d *domain) aggregateResults(opt Options, ptrs map[string]ptrResult) []checks.Result {
	groups := d.groups(ptrs)
	data := &DomainData{
		Domain: d.name, Begin: d.begin, End: d.end, Reports: len(d.reports), Policy: d.policy,
		Messages:    d.messages,
		DMARCPass:   rate(d.dmarcPass, d.messages),
		SPFAligned:  rate(d.spfAligned, d.messages),
		DKIMAligned: rate(d.dkimAligned, d.messages),
	}
	var legit, unauth []*group
	for _, g := range groups {
		failing := g.src.Messages - g.src.DMARCPass
		switch g.Category {
		case CategoryLegitimate:
			data.LegitimateFailing += failing
			legit = append(legit, g)
		case CategoryForwarder:
			data.Forwarded += failing
		case CategoryUnauthenticated:
			data.Unauthenticated += failing
			unauth = append(unauth, g)
		}
	}
	main := checks.Result{
		Name: CheckDMARC,
		Summary: fmt.Sprintf("%d messages %s from %d %s: DMARC pass %s (SPF aligned %s, DKIM aligned %s); p=%s",
			d.messages, period(d.begin, d.end), len(d.reports), textutil.Plural(len(d.reports), "report", "reports"),
			pct(data.DMARCPass), pct(data.SPFAligned), pct(data.DKIMAligned), policyText(d)),
		Data: data,
	}
	main.Add(d.verdict(data, legit))
	lookupFailed := 0
	for _, g := range groups {
		for _, a := range g.Addresses {
			if a.PTRError != "" {
				lookupFailed++
			}
		}
	}
	if lookupFailed > 0 {
		main.Add(checks.Finding{Code: "report.ptr-lookup-failed", Severity: checks.SeverityInfo,
			Message: fmt.Sprintf("the reverse DNS of %d %s could not be looked up: those sources are shown by address", lookupFailed, textutil.Plural(lookupFailed, "source", "sources")),
			Hint:    "run again when the resolver answers, or with --no-dns to skip the lookups"})
	}
	out := []checks.Result{main}
	max := opt.MaxSources
	if max <= 0 {
		max = 25
	}
	var rest []*group
	for i, g := range groups {
		if i >= max {
			rest = append(rest, g)
			continue
		}
		out = append(out, g.result(d))
	}
	if len(rest) > 0 {
		var n, pass int64
		var fs []checks.Finding
		for _, g := range rest {
			n += g.Messages
			pass += g.src.DMARCPass
			fs = append(fs, g.findings(d)...)
		}
		r := checks.Result{Name: sourcePrefix + fmt.Sprintf("(%d more)", len(rest)),
			Summary: fmt.Sprintf("%d messages from %d smaller source groups, DMARC pass %s", n, len(rest), pct(rate(pass, n))),
			Data:    sourcesData(rest), Findings: fs}
		out = append(out, r)
	}
	return out
}

func sourcesData(gs []*group) []SourceData {
	out := make([]SourceData, 0, len(gs))
	for _, g := range gs {
		out = append(out, g.SourceData)
	}
	return out
}

func policyText(d *domain) string {
	p := d.policy.P
	if p == "" {
		p = "(not reported)"
	}
	if d.policy.Pct != nil && *d.policy.Pct < 100 {
		p += fmt.Sprintf(" pct=%d", *d.policy.Pct)
	}
	return p
}

func period(begin, end interface{ Format(string) string }) string {
	return begin.Format("2006-01-02") + ".." + end.Format("2006-01-02")
}

// verdict says whether enforcing DMARC would hurt legitimate mail: the
// question p=none is there to answer (RFC 7489 §6.3, §7.2).
func (d *domain) verdict(data *DomainData, legit []*group) checks.Finding {
	p := d.policy.P
	partial := d.policy.Pct != nil && *d.policy.Pct < 100
	var names []string
	for i, g := range legit {
		if i == 5 {
			names = append(names, fmt.Sprintf("and %d more", len(legit)-5))
			break
		}
		names = append(names, g.Name)
	}
	share := pct(rate(data.LegitimateFailing, data.Messages))
	switch {
	case data.Messages == 0:
		return checks.Finding{Code: "report.no-data", Severity: checks.SeverityInfo,
			Message: "the aggregate reports count no message", Hint: "wait for a few days of reports before deciding on the policy"}
	case data.LegitimateFailing > 0 && p == "reject" && !partial:
		return checks.Finding{Code: "report.legitimate-mail-rejected", Severity: checks.SeverityFail,
			Message: fmt.Sprintf("p=reject is rejecting %d messages (%s) from legitimate senders: %s", data.LegitimateFailing, share, strings.Join(names, ", ")),
			Hint:    "fix these sources (see each one's hint) or move back to p=quarantine until they pass", Ref: refEnforce}
	case data.LegitimateFailing > 0:
		next := "p=quarantine or p=reject"
		if p == "quarantine" {
			next = "p=reject"
		}
		return checks.Finding{Code: "report.enforcement-would-hurt", Severity: checks.SeverityWarn,
			Message: fmt.Sprintf("moving to %s would hurt %d messages (%s) of legitimate mail from %s", next, data.LegitimateFailing, share, strings.Join(names, ", ")),
			Hint:    "fix these sources first (see each one's hint), then watch the reports again", Ref: refEnforce}
	case p == "reject" && !partial:
		return checks.Finding{Code: "report.enforced", Severity: checks.SeverityInfo,
			Message: "p=reject is in force and every legitimate source passes DMARC", Ref: refEnforce}
	}
	msg := "every legitimate source passes DMARC: the policy can move to "
	if p == "quarantine" || partial {
		msg += "p=reject (pct=100)"
	} else {
		msg += "p=quarantine, then p=reject"
	}
	if data.Forwarded > 0 {
		msg += fmt.Sprintf("; %d forwarded or mailing-list messages fail and will depend on the forwarder (ARC)", data.Forwarded)
	}
	if data.Unauthenticated > 0 {
		msg += fmt.Sprintf("; %d messages from unauthenticated sources would be stopped", data.Unauthenticated)
	}
	return checks.Finding{Code: "report.ready-to-enforce", Severity: checks.SeverityInfo, Message: msg,
		Hint: "raise the policy one step at a time and keep reading the reports", Ref: refEnforce}
}

func (g *group) result(d *domain) checks.Result {
	var ips []string
	for i, a := range g.Addresses {
		if i == 3 {
			ips = append(ips, fmt.Sprintf("+%d", len(g.Addresses)-3))
			break
		}
		s := a.IP
		if a.PTR != "" {
			s += " (" + a.PTR + ")"
		}
		ips = append(ips, s)
	}
	return checks.Result{
		Name: sourcePrefix + g.Name,
		Summary: fmt.Sprintf("%d messages, DMARC pass %s (SPF aligned %s, DKIM aligned %s): %s",
			g.Messages, pct(g.DMARCPass), pct(g.SPFAligned), pct(g.DKIMAligned), strings.Join(ips, ", ")),
		Data:     g.SourceData,
		Findings: g.findings(d),
	}
}

func (g *group) findings(d *domain) []checks.Finding {
	failing := g.src.Messages - g.src.DMARCPass
	switch g.Category {
	case CategoryForwarder:
		return []checks.Finding{{Code: "report.forwarded", Severity: checks.SeverityInfo,
			Message: fmt.Sprintf("%s forwards or relays %d messages that fail DMARC after passing it where they were written", g.Name, failing),
			Hint:    "nothing to fix in your DNS; a forwarder that signs ARC (RFC 8617) lets receivers see the original pass", Ref: "RFC 7960 §3.2"}}
	case CategoryLegitimate:
		return []checks.Finding{{Code: "report.legitimate-failing", Severity: checks.SeverityWarn,
			Message: fmt.Sprintf("%s sends %d messages for %s that fail DMARC", g.Name, failing, d.name),
			Hint:    g.fix(d), Ref: "RFC 7489 §3.1"}}
	case CategoryUnauthenticated:
		hint := "if this is not your sender, it is spoofing your domain: p=quarantine or p=reject stops it"
		if len(g.DKIMDomains) > 0 {
			hint = fmt.Sprintf("it signs as d=%s: if it sends for you, have it sign with d=%s; if not, p=reject stops it", g.DKIMDomains[0], d.name)
		}
		return []checks.Finding{{Code: "report.unauthenticated-source", Severity: checks.SeverityWarn,
			Message: fmt.Sprintf("%s sent %d messages as %s that pass neither aligned SPF nor aligned DKIM", g.Name, failing, d.name),
			Hint:    hint, Ref: "RFC 7489 §4.2"}}
	}
	return nil
}

// fix says how to make a legitimate source pass: aligned DKIM is the
// fix that survives forwarding; aligned SPF needs the envelope domain.
func (g *group) fix(d *domain) string {
	var steps []string
	if g.DKIMAligned < passingRate {
		if len(g.DKIMDomains) > 0 {
			steps = append(steps, fmt.Sprintf("sign with d=%s instead of d=%s (%s's custom DKIM / domain authentication)", d.name, g.DKIMDomains[0], orName(g)))
		} else {
			steps = append(steps, fmt.Sprintf("sign its mail with DKIM, d=%s", d.name))
		}
	}
	if g.SPFAligned < passingRate {
		switch {
		case g.known && g.org.Include != "" && len(g.SPFDomains) > 0 && !anyAligned(g.SPFDomains, d.name):
			steps = append(steps, fmt.Sprintf("or set its return-path (bounce) domain to one under %s and add include:%s to that domain's SPF", d.name, g.org.Include))
		case g.known && g.org.Include != "":
			steps = append(steps, fmt.Sprintf("or add include:%s for %s to the SPF record of %s", g.org.Include, g.org.Name, d.name))
		default:
			steps = append(steps, fmt.Sprintf("or add its addresses (%s) to the SPF record of %s", g.Addresses[0].IP, d.name))
		}
	}
	return strings.Join(steps, "; ")
}

func orName(g *group) string {
	if g.org.Name != "" {
		return g.org.Name
	}
	return "the sender"
}

func anyAligned(ds []string, domain string) bool {
	for _, x := range ds {
		if aligned(x, domain, "r") {
			return true
		}
	}
	return false
}

// tlsHints say what a TLS-RPT result type (RFC 8460 §4.3) asks of the
// receiving side.
var tlsHints = map[string]string{
	"starttls-not-supported":    "enable STARTTLS on the MX",
	"certificate-expired":       "renew the MX's certificate",
	"certificate-host-mismatch": "give the MX a certificate for its MX name",
	"certificate-not-trusted":   "serve a certificate from a public CA with its full chain",
	"validation-failure":        "check the certificate chain the MX serves",
	"sts-policy-fetch-error":    "serve https://mta-sts.DOMAIN/.well-known/mta-sts.txt",
	"sts-policy-invalid":        "correct the MTA-STS policy file",
	"sts-webpki-invalid":        "give mta-sts.DOMAIN a valid certificate",
	"tlsa-invalid":              "publish TLSA records matching the MX's key",
	"dnssec-invalid":            "fix the zone's DNSSEC signatures",
	"dane-required":             "publish TLSA records or remove the DANE requirement",
}

func (d *domain) tlsResult() checks.Result {
	t := d.tls
	total := t.success + t.failure
	r := checks.Result{Name: CheckTLS,
		Summary: fmt.Sprintf("%d TLS sessions from %d %s: %d failed (%s)", total, len(t.reports), textutil.Plural(len(t.reports), "report", "reports"), t.failure, pct(rate(t.failure, total))),
		Data:    &TLSData{Reports: len(t.reports), Successful: t.success, Failed: t.failure, ByResult: t.byResult, ByMX: t.byMX},
	}
	if t.failure == 0 {
		return r
	}
	var parts, hints []string
	for _, k := range keys(t.byResult) {
		parts = append(parts, fmt.Sprintf("%s %d", k, t.byResult[k]))
		if h, ok := tlsHints[k]; ok {
			hints = append(hints, strings.ReplaceAll(h, "DOMAIN", d.name))
		}
	}
	var mxs []string
	for _, k := range keys(t.byMX) {
		mxs = append(mxs, fmt.Sprintf("%s %d", k, t.byMX[k]))
	}
	sort.Strings(hints)
	r.Add(checks.Finding{Code: "report.tls-failures", Severity: checks.SeverityWarn,
		Message: fmt.Sprintf("%d TLS sessions to %s failed: by result %s; by MX %s", t.failure, d.name, strings.Join(parts, ", "), strings.Join(mxs, ", ")),
		Hint:    strings.Join(hints, "; "), Ref: "RFC 8460 §4.3"})
	return r
}

func (d *domain) failureResult() checks.Result {
	var n int64
	for _, c := range d.failureIPs {
		n += c
	}
	var top []string
	for i, ip := range keys(d.failureIPs) {
		if i == 5 {
			break
		}
		top = append(top, fmt.Sprintf("%s %d", dashIP(ip), d.failureIPs[ip]))
	}
	r := checks.Result{Name: CheckFailures,
		Summary: fmt.Sprintf("%d failure %s for %d %s", len(d.failures), textutil.Plural(len(d.failures), "report", "reports"), n, textutil.Plural(int(n), "message", "messages")),
		Data:    map[string]any{"reports": len(d.failures), "messages": n, "by_source_ip": d.failureIPs},
	}
	r.Add(checks.Finding{Code: "report.failure-reports", Severity: checks.SeverityInfo,
		Message: fmt.Sprintf("receivers sent %d failure %s, by source: %s", len(d.failures), textutil.Plural(len(d.failures), "report", "reports"), strings.Join(top, ", ")),
		Hint:    "read them with report parse -o json: each holds the failing message's headers", Ref: "RFC 6591"})
	return r
}

func dashIP(ip string) string {
	if ip == "" {
		return "(no address)"
	}
	return ip
}
