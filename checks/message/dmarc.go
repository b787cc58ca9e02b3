package message

import (
	"fmt"
	"slices"
	"strings"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dkimverify"
	"github.com/relayctl/relayctl/checks/dmarc"
	"github.com/relayctl/relayctl/checks/spf"
)

// alignMode is an identifier alignment mode (RFC 7489 §3.1).
type alignMode dmarc.Alignment

func (a alignMode) words() string {
	if dmarc.Alignment(a) == dmarc.AlignmentStrict {
		return "strict"
	}
	return "relaxed"
}

// alignment is the policy's adkim (dkim true) or aspf mode; relaxed when
// there is no policy.
func (ru *run) alignment(dkim bool) alignMode {
	rec := ru.policy.Record
	switch {
	case rec == nil:
		return alignMode(dmarc.AlignmentRelaxed)
	case dkim:
		return alignMode(rec.ADKIM)
	}
	return alignMode(rec.ASPF)
}

// aligned reports whether domain is aligned with the From domain: the
// same name (strict), or the same organizational domain by the public
// suffix list (relaxed, RFC 7489 §3.1.1, §3.1.2).
func aligned(domain, from string, mode alignMode) bool {
	domain, from = strings.ToLower(strings.TrimSuffix(domain, ".")), strings.ToLower(from)
	if domain == "" || from == "" {
		return false
	}
	if domain == from {
		return true
	}
	if dmarc.Alignment(mode) == dmarc.AlignmentStrict {
		return false
	}
	return dmarc.OrgDomainPSL(domain) == dmarc.OrgDomainPSL(from)
}

// DMARC results (RFC 7489 §11.2, RFC 8601 §2.7).
const (
	DMARCPass      = "pass"
	DMARCFail      = "fail"
	DMARCNone      = "none"
	DMARCTempError = "temperror"
	DMARCPermError = "permerror"
)

// DMARCData is the data of the dmarc check.
type DMARCData struct {
	// HeaderFrom is the RFC5322.From domain; FromAddresses every domain
	// the From fields name when there is not exactly one.
	HeaderFrom  string   `json:"header_from,omitempty"`
	FromDomains []string `json:"from_domains,omitempty"`
	Result      string   `json:"result"`
	// Policy is the policy for the From domain (p, or sp, or np for a
	// non-existent subdomain; PolicyTag names it); Disposition what the
	// receiver applies to this message: none on pass, else the policy,
	// one step lower under t=y, and with pct<100 the policy for Pct
	// percent of failing mail and DispositionOtherwise for the rest.
	Policy               dmarc.Policy `json:"policy,omitempty"`
	PolicyTag            string       `json:"policy_tag,omitempty"`
	Disposition          dmarc.Policy `json:"disposition,omitempty"`
	Pct                  int          `json:"pct,omitempty"`
	DispositionOtherwise dmarc.Policy `json:"disposition_otherwise,omitempty"`
	Testing              bool         `json:"testing,omitempty"`
	// The identifiers that pass and are aligned.
	DKIMAligned []string `json:"dkim_aligned"`
	SPFAligned  string   `json:"spf_aligned,omitempty"`
	ADKIM       string   `json:"adkim"`
	ASPF        string   `json:"aspf"`
	// The record and where it was found.
	Record       string `json:"record,omitempty"`
	RecordDomain string `json:"record_domain,omitempty"`
	Method       string `json:"method,omitempty"`
	OrgDomain    string `json:"org_domain,omitempty"`
	Error        string `json:"error,omitempty"`
}

const ref7489 = "RFC 7489 §6.6"

func judgeDMARC(ru *run) checks.Result {
	res := judgeDMARCResult(ru)
	ru.dmarcResult = res.Data.(*DMARCData).Result
	return res
}

func judgeDMARCResult(ru *run) checks.Result {
	res := checks.Result{}
	d := ru.policy
	data := &DMARCData{HeaderFrom: ru.from.domain, DKIMAligned: []string{},
		ADKIM: ru.alignment(true).words(), ASPF: ru.alignment(false).words()}
	res.Data = data
	f := ru.from
	if f.fields != 1 || f.addresses != 1 || len(f.domains) > 1 {
		data.FromDomains = f.domains
	}
	switch {
	case f.fields == 0:
		data.Result = DMARCPermError
		res.Add(finding("dmarc.no-from", checks.SeverityFail, "RFC 5322 §3.6; RFC 7489 §6.6.1",
			"Give the message exactly one From field with one address.",
			"the message has no From field: there is no domain for DMARC to judge"))
	case f.fields > 1:
		data.Result = DMARCPermError
		res.Add(finding("dmarc.multiple-from", checks.SeverityFail, "RFC 7489 §6.6.1",
			"Find what added a From field: receivers reject such messages or judge only one From, which is a known way around DMARC.",
			"the message has %d From fields (%s): RFC 5322 allows one, and a receiver that judges one and shows another is fooled", f.fields, strings.Join(f.domains, ", ")))
	case f.addresses > 1:
		data.Result = DMARCPermError
		res.Add(finding("dmarc.multiple-from", checks.SeverityFail, "RFC 7489 §6.6.1",
			"Send with one author address in From.",
			"the From field has %d addresses (%s): receivers reject it or judge only one of them", f.addresses, strings.Join(f.domains, ", ")))
	case f.domain == "":
		data.Result = DMARCPermError
		why := f.bad
		if why == "" {
			why = "it has no address"
		}
		res.Add(finding("dmarc.no-from-domain", checks.SeverityFail, "RFC 7489 §6.6.1",
			"Give the From field a valid address (local@domain).",
			"the From domain cannot be read: %s", why))
	}
	if data.Result != "" {
		res.Summary = data.Result + ": no single From domain"
		return res
	}

	data.Record, data.RecordDomain, data.Method, data.OrgDomain = d.RecordText, d.RecordDomain, d.Method, d.OrgDomain
	if d.Err != nil {
		data.Result, data.Error = DMARCTempError, checks.Message(d.Err)
		res.Fail(d.Err)
		res.Summary = "temperror: " + data.Error
		return res
	}
	if d.Record == nil {
		data.Result = DMARCNone
		what := "has no DMARC record"
		if d.Multiple {
			what = "has several DMARC records, which receivers all discard"
		}
		res.Add(finding("dmarc.no-policy", checks.SeverityWarn, "RFC 7489 §6.6.3",
			"Publish a DMARC record at _dmarc."+f.domain+" (relayctl check dmarc "+f.domain+").",
			"the From domain %s %s, and the tree walk found none above it: receivers apply no policy", f.domain, what))
		res.Summary = "none: no DMARC policy for " + f.domain
		return res
	}
	rec := d.Record
	data.Policy, data.PolicyTag = d.Policy, d.PolicyTag
	if d.Policy == "" {
		data.Result = DMARCPermError
		res.Add(finding("dmarc.policy-unusable", checks.SeverityFail, "RFC 7489 §6.6.3",
			"Fix the record at _dmarc."+d.RecordDomain+" (relayctl check dmarc "+d.RecordDomain+").",
			"the DMARC record of %s has no usable p= tag: %s", d.RecordDomain, errText(d.SyntaxErr)))
		res.Summary = "permerror: the record has no usable policy"
		return res
	}

	for _, s := range ru.dkim.Signatures {
		if s.Status == dkimverify.StatusPass && aligned(s.Domain, f.domain, ru.alignment(true)) {
			if !slices.Contains(data.DKIMAligned, s.Domain) {
				data.DKIMAligned = append(data.DKIMAligned, s.Domain)
			}
		}
	}
	m := ru.spf.main
	if m.evaluated && m.out.Result == spf.Pass && aligned(m.domain, f.domain, ru.alignment(false)) {
		data.SPFAligned = m.domain
	}
	if len(data.DKIMAligned) > 0 || data.SPFAligned != "" {
		data.Result, data.Disposition = DMARCPass, dmarc.PolicyNone
		res.Summary = fmt.Sprintf("pass for %s (%s)", f.domain, passedBy(data))
		return res
	}

	data.Result = DMARCFail
	data.Disposition = d.Policy
	data.Testing = rec.Testing == "y"
	if data.Testing {
		data.Disposition = lower(d.Policy)
	}
	if rec.Percent < 100 && d.Policy != dmarc.PolicyNone {
		data.Pct, data.DispositionOtherwise = rec.Percent, lower(data.Disposition)
	}
	sev := checks.SeverityFail
	if d.Policy == dmarc.PolicyNone || !m.evaluated {
		// p=none asks for reports only; and without SPF the verdict rests
		// on DKIM alone.
		sev = checks.SeverityWarn
	}
	why := "no DKIM signature passes aligned with it, and SPF does not pass aligned"
	if !m.evaluated {
		why = "no DKIM signature passes aligned with it; SPF was not evaluated (" + m.skipped + ")"
	}
	apply := fmt.Sprintf("the receiver applies %s=%s", d.PolicyTag, data.Disposition)
	if data.Testing {
		apply += fmt.Sprintf(" (%s lowered one step by t=y)", d.Policy)
	}
	if data.Pct > 0 {
		apply += fmt.Sprintf(" to %d%% of failing mail and %s to the rest (pct=%d)", data.Pct, data.DispositionOtherwise, data.Pct)
	}
	res.Add(finding("dmarc.fail", sev, ref7489,
		"Sign with DKIM for "+f.domain+" (d= aligned with it), or send with a MAIL FROM in "+f.domain+" from a host its SPF record lists.",
		"DMARC fails for %s: %s; %s", f.domain, why, apply))
	res.Summary = fmt.Sprintf("fail for %s: disposition %s", f.domain, data.Disposition)
	return res
}

// lower is the policy one step weaker (RFC 7489 §6.6.4; DMARCbis t=y).
func lower(p dmarc.Policy) dmarc.Policy {
	switch p {
	case dmarc.PolicyReject:
		return dmarc.PolicyQuarantine
	case dmarc.PolicyQuarantine:
		return dmarc.PolicyNone
	}
	return p
}

func passedBy(d *DMARCData) string {
	var by []string
	if len(d.DKIMAligned) > 0 {
		by = append(by, "DKIM d="+strings.Join(d.DKIMAligned, ","))
	}
	if d.SPFAligned != "" {
		by = append(by, "SPF "+d.SPFAligned)
	}
	return strings.Join(by, " and ")
}
