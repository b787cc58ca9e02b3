package dmarc

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// The judgements of a record once found: syntax, policy, reports, and
// how RFC 7489 receivers would see the domain.

func (c *checker) syntaxFindings(rec *Record, perr error, at string) {
	var es Errors
	if perr == nil || !errors.As(perr, &es) {
		return
	}
	for _, e := range es {
		if errors.Is(e, ErrMissingPolicy) {
			if validRUA(rec) {
				c.add(finding(CodePolicyMissing, checks.SeverityWarn, refPolicy,
					"Add p=none, p=quarantine or p=reject right after v=DMARC1.",
					"the record at _dmarc.%s has no p tag; receivers treat it as p=none because it has a valid rua", at))
			} else {
				c.add(finding(CodeSyntax, checks.SeverityFail, ref7489Discover,
					"Add p=none, p=quarantine or p=reject right after v=DMARC1.",
					"the record at _dmarc.%s has no p tag and no valid rua, so receivers ignore it", at))
			}
			continue
		}
		c.add(finding(CodeSyntax, checks.SeverityFail, ref7489Syntax, syntaxHint(e),
			"the record at _dmarc.%s: %s", at, e.Message()))
	}
}

func syntaxHint(e *SyntaxError) string {
	switch e.Tag {
	case "p", "sp", "np":
		return "Use none, quarantine or reject."
	case "rua", "ruf":
		return "Write each destination as a URI, e.g. mailto:dmarc@example.com, separated by commas."
	case "pct":
		return "Use a whole number from 0 to 100, or remove pct (it defaults to 100)."
	case "v":
		return "Start the record with \"v=DMARC1;\"."
	}
	if strings.Contains(e.Msg, "duplicate") {
		return "Keep one of the duplicated tags; a record with a repeated tag is invalid."
	}
	return "Correct the tag as RFC 7489 §6.3 defines it, or remove it."
}

func (c *checker) policyFindings(rec *Record, w walkResult) {
	d := c.domain
	eff := c.data.EffectivePolicy
	if eff == PolicyNone {
		src := "p=none"
		if c.data.PolicyTag != "p" || w.PolicyDomain != d {
			src = fmt.Sprintf("%s=none in the record of %s", c.data.PolicyTag, w.PolicyDomain)
		}
		c.add(finding(CodePolicyNone, checks.SeverityWarn, ref7489Record,
			"Once aggregate reports show your legitimate mail passes DMARC, move to p=quarantine and then p=reject.",
			"the policy for %s is none (%s): receivers only monitor, and mail that fails DMARC is delivered as usual", d, src))
	}
	if rec.Percent < 100 && eff != PolicyNone && eff != "" {
		c.add(finding(CodePctPartial, checks.SeverityWarn, ref7489Record,
			"Raise pct to 100 (or remove it) once you are confident in the policy.",
			"pct=%d: the %s policy applies to only %d%% of failing mail", rec.Percent, eff, rec.Percent))
	}
	if rec.Testing == "y" {
		c.add(finding(CodeTesting, checks.SeverityWarn, "RFC 9989",
			"Remove t=y when you want receivers to apply the policy.",
			"t=y: the record asks receivers not to apply its policy, only to report"))
	}
	if p := rec.Policy; p != "" {
		for _, sub := range []struct {
			tag string
			pol Policy
		}{{"sp", rec.SubdomainPolicy}, {"np", rec.NonexistentPolicy}} {
			if sub.pol != "" && sub.pol.strength() < p.strength() {
				what := "existing subdomains"
				ref := ref7489Record
				if sub.tag == "np" {
					what, ref = "subdomains that do not exist", refNP
				}
				c.add(finding(CodeSubdomainWeaker, checks.SeverityWarn, ref,
					fmt.Sprintf("Set %s=%s (or remove %s so that p applies), unless some subdomain truly needs the weaker policy.", sub.tag, p, sub.tag),
					"%s=%s is weaker than p=%s: mail from %s of %s gets a weaker policy", sub.tag, sub.pol, p, what, w.PolicyDomain))
			}
		}
	}
	if rec.ADKIM == AlignmentStrict || rec.ASPF == AlignmentStrict {
		var which []string
		if rec.ADKIM == AlignmentStrict {
			which = append(which, "adkim=s")
		}
		if rec.ASPF == AlignmentStrict {
			which = append(which, "aspf=s")
		}
		c.add(finding(CodeStrictAlignment, checks.SeverityInfo, "RFC 7489 §3.1",
			"Make sure every sender signs with and bounces to exactly this domain, not a subdomain.",
			"strict alignment (%s): the DKIM signing domain or envelope sender must equal the From domain exactly", strings.Join(which, ", ")))
	}
	if rec.PSD == "y" && w.PolicyDomain == d {
		c.add(finding(CodePSDRecord, checks.SeverityInfo, refOrgDomain, "",
			"the record at _dmarc.%s says psd=y: %s declares itself a public suffix domain", d, d))
	}
	for _, t := range rec.Unknown {
		c.add(finding(CodeUnknownTag, checks.SeverityInfo, ref7489Record,
			"Remove the tag or correct its name (a misspelt tag is silently ignored).",
			"unknown tag %q at col %d: receivers ignore it", t.Name, t.Col))
	}
}

func (c *checker) reportFindings(rec *Record) {
	if !rec.Has("rua") {
		c.add(finding(CodeNoRUA, checks.SeverityWarn, ref7489Record,
			"Add rua=mailto:<address> to receive aggregate reports; without them you cannot see who sends mail as your domain.",
			"no rua tag: no receiver sends aggregate reports for this policy"))
	}
	if rec.Has("fo") && !rec.Has("ruf") {
		c.add(finding(CodeFoWithoutRUF, checks.SeverityInfo, ref7489Record,
			"Remove fo, or add ruf if you want failure reports.",
			"fo is set but there is no ruf tag, so fo has no effect"))
	}
	for _, l := range []struct {
		tag  string
		uris []ReportURI
	}{{"rua", rec.RUA}, {"ruf", rec.RUF}} {
		if n := len(l.uris); n > MaxReportURIs {
			c.add(finding(CodeTooManyURIs, checks.SeverityWarn, ref7489URIs,
				fmt.Sprintf("Keep one or two %s destinations (receivers need support only two); forward reports on from there.", l.tag),
				"%s lists %d URIs: only the first %d are checked, and receivers may send to as few as two of them, so the other %d may get no reports",
				l.tag, n, MaxReportURIs, n-MaxReportURIs))
		}
	}
	if n := len(c.data.Record); n > MaxRecordSize {
		c.add(finding(CodeRecordOversized, checks.SeverityWarn, ref7489Record,
			"Shorten the record: a DMARC record needs a few tags and one or two report URIs.",
			"the record is %d characters long; its DNS answer no longer fits a %d-byte UDP response, so every receiver's resolver must retry over TCP, and some fail", n, udpAnswerSize))
	}
	for _, u := range append(append([]ReportURI{}, checkedURIs(rec.RUA)...), checkedURIs(rec.RUF)...) {
		if u.Scheme != "mailto" {
			c.add(finding(CodeReportURINotMailto, checks.SeverityWarn, ref7489Record,
				"Use a mailto: URI; receivers are only required to support mailto.",
				"report URI %q uses %s:, which most receivers do not support", u.URI, u.Scheme))
		}
	}
}

func (c *checker) orgDomainFindings(ctx context.Context, w walkResult, looks []lookup) {
	d := c.domain
	psl := c.data.OrgDomainPSL
	if psl != w.OrgDomain {
		c.add(finding(CodeOrgDomainsDiffer, checks.SeverityInfo, refOrgDomain,
			"Receivers differ in which organizational domain they use for relaxed alignment; publish records so that both give the same answer.",
			"the organizational domain of %s is %s by the DMARCbis DNS tree walk (%s) but %s by the public suffix list (RFC 7489)",
			d, w.OrgDomain, w.OrgRule, psl))
	}
	if w.Method == MethodDirect {
		return
	}
	// Receivers that follow RFC 7489 ask _dmarc.<domain>, then only
	// _dmarc.<organizational domain by the public suffix list>.
	var pslRecord string
	if psl != d {
		asked := false
		for _, l := range looks {
			if l.name != psl {
				continue
			}
			asked = true
			if l.err != nil {
				return // unknown: say nothing
			}
			if dm, _, _ := dmarcTXT(l.txts); len(dm) == 1 {
				pslRecord = dm[0]
			}
		}
		if !asked {
			txts, _, err := dnsx.TXT(ctx, c.r, "_dmarc."+psl)
			if err != nil {
				return
			}
			if dm, _, _ := dmarcTXT(txts); len(dm) == 1 {
				pslRecord = dm[0]
			}
		}
	}
	switch {
	case pslRecord != "" && psl == w.PolicyDomain:
	case pslRecord == "":
		c.add(finding(CodeRFC7489PolicyDiffers, checks.SeverityWarn, ref7489Discover,
			fmt.Sprintf("Publish a record at _dmarc.%s (or at _dmarc.%s) so that receivers still on RFC 7489 find a policy too.", d, psl),
			"receivers that follow RFC 7489 look only at %s and find no policy; the DMARCbis tree walk finds the one at _dmarc.%s",
			strings.Join(prefixAll("_dmarc.", uniq(d, psl)), " and "), w.PolicyDomain))
	default:
		c.add(finding(CodeRFC7489PolicyDiffers, checks.SeverityInfo, ref7489Discover,
			"Publish a record at _dmarc."+d+" so that every receiver applies the same policy.",
			"receivers that follow RFC 7489 use the record at _dmarc.%s, while the DMARCbis tree walk uses the one at _dmarc.%s",
			psl, w.PolicyDomain))
	}
}

// MaxReportURIs bounds the URIs of one rua or ruf tag that are checked
// (and whose destinations are queried): RFC 7489 §6.2 lets receivers
// limit how many they send to, as long as they support two, so a longer
// list is a mistake to report once, not a list to walk.
const MaxReportURIs = 5

// MaxRecordSize is the longest record not reported as oversized: with
// the name and the record overhead, a TXT answer past it no longer fits
// udpAnswerSize (the EDNS buffer size of DNS flag day 2020), and the
// receiver's resolver has to come back over TCP.
const (
	MaxRecordSize = 1100
	udpAnswerSize = 1232
)

// checkedURIs is the part of a tag's URI list that is checked.
func checkedURIs(uris []ReportURI) []ReportURI {
	if len(uris) > MaxReportURIs {
		return uris[:MaxReportURIs]
	}
	return uris
}
