package policy

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/relayctl/relayctl/checks"
)

// Apply applies p to rep at time now: it adds a finding for every unmet
// expectation (to the check it concerns; an expectation whose check is
// not in the report, or could not finish, is not judged), then sets the
// severities the file overrides, then drops what its unexpired ignores
// name (kept in Result.Ignored, like --ignore) and says so for each
// expired one (policy.ignore-expired). Statuses are settled again.
func (p *Policy) Apply(rep *checks.Report, now time.Time) {
	if p == nil {
		return
	}
	domain := strings.TrimSuffix(strings.ToLower(rep.Target), ".")
	exp := p.merged(domain)
	if !judged(rep.Command) {
		exp = Expectations{}
	}
	for i := range rep.Checks {
		c := &rep.Checks[i]
		before := checks.FindingsStatus(c.Findings)
		if c.Status != checks.StatusError {
			for _, f := range exp.judge(c.Name, data(c.Data)) {
				c.Add(f)
			}
		}
		for j := range c.Findings {
			if s, ok := p.severityOf(c.Findings[j].Code); ok {
				c.Findings[j].Severity = s
			}
		}
		c.Findings = p.ignore(c, domain, now)
		// A status a check set itself (error, info) stays as the floor;
		// one the findings gave is computed again.
		if c.Status == before {
			c.Status = checks.StatusOK
		}
		c.Settle()
	}
	rep.Settle()
}

// judged reports whether the expectations apply to the reports of
// command: not to check message and check smtp, whose checks judge a
// message or a server and whose data, under the same check names
// (dmarc, spf), has another shape. Overrides and ignores apply to all.
func judged(command string) bool {
	return command != "check message" && command != "check smtp"
}

// severityOf is the override for code: an exact entry wins over a glob,
// and of globs the first in name order.
func (p *Policy) severityOf(code string) (checks.Severity, bool) {
	if s, ok := p.Severity[code]; ok {
		return s, true
	}
	globs := make([]string, 0, len(p.Severity))
	for g := range p.Severity {
		globs = append(globs, g)
	}
	slices.Sort(globs)
	for _, g := range globs {
		if ok, _ := path.Match(g, code); ok {
			return p.Severity[g], true
		}
	}
	return "", false
}

// ignore returns c's findings without those an unexpired ignore for
// domain names, plus one policy.ignore-expired finding for each expired
// ignore that names a code of this check.
func (p *Policy) ignore(c *checks.Result, domain string, now time.Time) []checks.Finding {
	kept := make([]checks.Finding, 0, len(c.Findings))
	var expired []checks.Finding
	for _, ig := range p.Ignores {
		if ig.Domain != "" && ig.Domain != "*" && ig.Domain != domain {
			continue
		}
		if ig.Expired(now) && ig.concerns(c.Name) {
			expired = append(expired, checks.Finding{
				Code:     "policy.ignore-expired",
				Severity: checks.SeverityWarn,
				Message: fmt.Sprintf("the ignore of %s in %s (line %d) expired on %s, so those findings count again (its reason: %s)",
					ig.Code, p.Path, ig.Line, ig.Until.Format(time.DateOnly), ig.Reason),
				Hint: "fix what it ignored, or move its until date on with a reason",
			})
		}
	}
	for _, f := range c.Findings {
		if p.ignores(f.Code, domain, now) {
			c.Ignored = append(c.Ignored, f.Code)
		} else {
			kept = append(kept, f)
		}
	}
	return append(kept, expired...)
}

func (p *Policy) ignores(code, domain string, now time.Time) bool {
	for _, ig := range p.Ignores {
		if ig.Domain != "" && ig.Domain != "*" && ig.Domain != domain || ig.Expired(now) {
			continue
		}
		if ok, _ := path.Match(ig.Code, code); ok {
			return true
		}
	}
	return false
}

// concerns reports whether the ignore's code can name a finding of the
// check called name (codes are area.name; a glob like "*" names all).
func (ig Ignore) concerns(name string) bool {
	area, _, _ := strings.Cut(ig.Code, ".")
	ok, _ := path.Match(area, name)
	return ok
}

// data is a check's data as its JSON has it: the shape docs/*.md
// document under "Data keys".
func data(v any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	return m
}

// get walks keys through nested objects; nil when one is missing.
func get(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		o, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = o[k]
	}
	return v
}

func list(v any) []map[string]any {
	xs, _ := v.([]any)
	out := make([]map[string]any, 0, len(xs))
	for _, x := range xs {
		if o, ok := x.(map[string]any); ok {
			out = append(out, o)
		}
	}
	return out
}

func unmet(code, msg, hint string) checks.Finding {
	return checks.Finding{Code: code, Severity: checks.SeverityFail, Message: msg, Hint: hint}
}

// atLeast reports whether found is at or above want in levels (weakest
// first); a found value outside levels is below everything.
func atLeast(levels []string, found, want string) bool {
	return slices.Index(levels, found) >= slices.Index(levels, want)
}

// judge returns a finding for each expectation about the check called
// name that d (its data) does not meet.
func (e Expectations) judge(name string, d map[string]any) []checks.Finding {
	if d == nil {
		return nil
	}
	var out []checks.Finding
	switch name {
	case "dmarc":
		p, _ := get(d, "parsed", "p").(string)
		if e.DMARCPolicy != "" && (p == "" || !atLeast(dmarcPolicies, p, e.DMARCPolicy)) {
			out = append(out, unmet("policy.dmarc-policy", fmt.Sprintf("DMARC policy: expected %s or stricter, found %s", e.DMARCPolicy, orNone(p)), "set p="+e.DMARCPolicy+" in the _dmarc record"))
		}
		if e.DMARCMinPct != nil {
			pct, ok := get(d, "parsed", "pct").(float64)
			if !ok || int(pct) < *e.DMARCMinPct {
				out = append(out, unmet("policy.dmarc-pct", fmt.Sprintf("DMARC pct: expected at least %d, found %s", *e.DMARCMinPct, number(pct, ok)), fmt.Sprintf("set pct=%d (or drop pct: the default is 100)", *e.DMARCMinPct)))
			}
		}
	case "spf":
		if e.SPFMaxLookups != nil {
			n, ok := get(d, "lookups").(float64)
			if ok && int(n) > *e.SPFMaxLookups {
				out = append(out, unmet("policy.spf-lookups", fmt.Sprintf("SPF DNS lookups: expected at most %d, found %d", *e.SPFMaxLookups, int(n)), "flatten or drop includes"))
			}
		}
		if e.SPFAll != "" {
			rec, _ := get(d, "record").(string)
			all := allQualifier(rec)
			if !atLeast(spfAlls, all, e.SPFAll) {
				out = append(out, unmet("policy.spf-all", fmt.Sprintf("SPF all: expected %s or stricter, found %s", e.SPFAll, orNone(all)), "end the record with "+map[string]string{"fail": "-all", "softfail": "~all", "neutral": "?all", "pass": "+all"}[e.SPFAll]))
			}
		}
	case "dkim":
		keys := list(get(d, "keys"))
		for _, s := range e.DKIMSelectors {
			if !slices.ContainsFunc(keys, func(k map[string]any) bool { return strings.EqualFold(fmt.Sprint(k["selector"]), s) }) {
				out = append(out, unmet("policy.dkim-selector", fmt.Sprintf("DKIM selector: expected a key at %s, found none", s), "publish the key, or add the selector to --selector"))
			}
		}
		if e.DKIMMinBits != nil {
			for _, k := range keys {
				if bits, ok := k["key_bits"].(float64); ok && int(bits) < *e.DKIMMinBits {
					out = append(out, unmet("policy.dkim-key-bits", fmt.Sprintf("DKIM key %v: expected at least %d bits, found %d", k["selector"], *e.DKIMMinBits, int(bits)), "rotate to a longer key"))
				}
			}
		}
	case "mtasts":
		mode, _ := get(d, "policy", "mode").(string)
		if valid, _ := d["valid"].(bool); !valid {
			mode = ""
		}
		if e.MTASTSMode != "" && !atLeast(mtastsModes, mode, e.MTASTSMode) {
			out = append(out, unmet("policy.mtasts-mode", fmt.Sprintf("MTA-STS mode: expected %s, found %s", e.MTASTSMode, orNone(mode)), "publish a valid policy with mode: "+e.MTASTSMode))
		}
	case "tlsrpt":
		if valid, _ := d["valid"].(bool); e.TLSRPT == "required" && !valid {
			out = append(out, unmet("policy.tlsrpt", "TLS-RPT: expected a valid record at _smtp._tls, found none", "publish v=TLSRPTv1; rua=…"))
		}
	default:
		// A blocklist check (one per list, checks/dnsbl: data.zone and
		// data.listed); an allowlist listing is good news.
		zone, _ := d["zone"].(string)
		listed, _ := d["listed"].(bool)
		allow, _ := d["allowlist"].(bool)
		if e.BlacklistAllowListed != nil && zone != "" && listed && !allow &&
			!slices.ContainsFunc(e.BlacklistAllowListed, func(z string) bool { return hostName(z) == hostName(zone) }) {
			out = append(out, unmet("policy.blacklist-listed", fmt.Sprintf("blocklist %s: expected no listing (allowed: %s), found listed", zone, orNone(strings.Join(e.BlacklistAllowListed, ", "))), "request removal, or accept the list under blacklist.allow_listed"))
		}
	case "mx":
		if e.MXHosts != nil {
			var found []string
			for _, h := range list(get(d, "hosts")) {
				found = append(found, hostName(fmt.Sprint(h["host"])))
			}
			want := make([]string, len(e.MXHosts))
			for i, h := range e.MXHosts {
				want[i] = hostName(h)
			}
			slices.Sort(found)
			slices.Sort(want)
			if !slices.Equal(slices.Compact(found), slices.Compact(want)) {
				out = append(out, unmet("policy.mx-hosts", fmt.Sprintf("MX hosts: expected %s, found %s", strings.Join(want, ", "), orNone(strings.Join(found, ", "))), "change the MX records, or the policy"))
			}
		}
	}
	return out
}

func hostName(h string) string { return strings.TrimSuffix(strings.ToLower(h), ".") }

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func number(v float64, ok bool) string {
	if !ok {
		return "none"
	}
	return fmt.Sprint(int(v))
}

// allQualifier is the qualifier of the all mechanism of an SPF record
// (RFC 7208 §5.1; no qualifier is "+", §4.6.2), in words; "" with none.
func allQualifier(rec string) string {
	for _, t := range strings.Fields(strings.ToLower(rec)) {
		q, rest := "+", t
		if len(t) > 0 && strings.ContainsRune("+-~?", rune(t[0])) {
			q, rest = t[:1], t[1:]
		}
		if rest == "all" {
			return map[string]string{"+": "pass", "-": "fail", "~": "softfail", "?": "neutral"}[q]
		}
	}
	return ""
}
