package dkim

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// Options tunes the check.
type Options struct {
	// Selectors are the selectors to look up (--selector). When empty,
	// CommonSelectors are probed, and finding none is only info.
	Selectors []string
}

// Data is the check's structured result (the "data" of the dkim check in
// the JSON report), documented in docs/dkim.md.
type Data struct {
	Domain string `json:"domain"`
	// Mode is "named" when the user gave selectors, "common" when the
	// common list was probed.
	Mode   string   `json:"mode"`
	Probed []string `json:"probed"`
	// Keys holds one entry per key record found, in probe order.
	Keys []Key `json:"keys"`
	// Missing lists the named selectors with no key record.
	Missing []string `json:"missing,omitempty"`
	// Errors lists the selectors whose query failed.
	Errors []SelectorError `json:"errors,omitempty"`
}

// Key is one key record found.
type Key struct {
	Selector string `json:"selector"`
	Name     string `json:"name"`
	// ViaCNAME is the name the record was found at when the selector is
	// an alias (a provider-hosted key), else empty.
	ViaCNAME string   `json:"via_cname,omitempty"`
	KeyType  string   `json:"key_type"`
	KeyBits  int      `json:"key_bits"`
	Encoding string   `json:"encoding,omitempty"`
	Flags    []string `json:"flags"`
	HashAlgs []string `json:"hash_algs"`
	Services []string `json:"services"`
	Revoked  bool     `json:"revoked"`
	// Valid is false when the record has a syntax error or an unusable
	// key; Error then says why.
	Valid  bool   `json:"valid"`
	Error  string `json:"error,omitempty"`
	Record string `json:"record"`
}

// SelectorError is a selector whose DNS query failed.
type SelectorError struct {
	Selector string `json:"selector"`
	Name     string `json:"name"`
	Error    string `json:"error"`
}

// probeConcurrency bounds the selector queries in flight.
const probeConcurrency = 16

// answer is what one selector's query returned.
type answer struct {
	selector, name string
	txts           []string
	cnames         []string
	err            error
}

// Check looks up the DKIM keys of domain (already normalised by
// dnsx.Domain).
func Check(ctx context.Context, r dnsx.Resolver, domain string, opt Options) checks.Result {
	start := time.Now()
	res := checks.Result{Name: Name}
	data := &Data{Domain: domain, Mode: "common", Probed: []string{}, Keys: []Key{}}
	res.Data = data
	c := &checker{res: &res, data: data, named: len(opt.Selectors) > 0}

	selectors := CommonSelectors
	if c.named {
		data.Mode = "named"
		selectors = c.validSelectors(opt.Selectors, domain)
	}
	data.Probed = append(data.Probed, selectors...)

	answers := make([]answer, len(selectors))
	var wg sync.WaitGroup
	sem := make(chan struct{}, probeConcurrency)
	for i, sel := range selectors {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			name := sel + "._domainkey." + domain
			txts, ans, err := dnsx.TXT(ctx, r, name)
			a := answer{selector: sel, name: name, txts: txts, err: err}
			if ans != nil {
				a.cnames = ans.CNAMEs()
			}
			answers[i] = a
		}()
	}
	wg.Wait()

	for _, a := range answers {
		c.judge(a)
	}
	c.finish(len(selectors))
	res.DurationMS = checks.Since(start)
	res.Settle()
	return res
}

type checker struct {
	res   *checks.Result
	data  *Data
	named bool
	// failed holds the errors of failed queries, for the check's error.
	failed []error
}

func (c *checker) add(f checks.Finding) { c.res.Add(f) }

// validSelectors normalises the user's selectors (lower case, no
// duplicates) and reports the ones that cannot be a selector
// (RFC 6376 §3.1: dot-separated labels).
func (c *checker) validSelectors(in []string, domain string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		sel := strings.ToLower(strings.TrimSpace(s))
		if seen[sel] {
			continue
		}
		seen[sel] = true
		if !validSelector(sel, domain) {
			c.add(finding(CodeSelectorInvalid, checks.SeverityFail, refSelectors,
				"A selector is one or more DNS labels of letters, digits and hyphens, e.g. s1 or 2024a.",
				"%q is not a valid selector", s))
			continue
		}
		out = append(out, sel)
	}
	return out
}

func validSelector(sel, domain string) bool {
	if sel == "" || len(sel)+len("._domainkey.")+len(domain) > 253 {
		return false
	}
	for _, l := range strings.Split(sel, ".") {
		if l == "" || len(l) > 63 {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// judge turns one selector's answer into data and findings.
func (c *checker) judge(a answer) {
	if a.err != nil {
		c.data.Errors = append(c.data.Errors, SelectorError{Selector: a.selector, Name: a.name, Error: checks.Message(a.err)})
		c.failed = append(c.failed, a.err)
		return
	}
	var keys, other []string
	for _, t := range a.txts {
		if LooksLikeKey(t) {
			keys = append(keys, t)
		} else {
			other = append(other, t)
		}
	}
	if len(keys) == 0 {
		c.noKey(a, other)
		return
	}
	if len(keys) > 1 {
		c.add(finding(CodeMultipleRecords, checks.SeverityFail, refMultiple,
			"Keep one key record per selector; publish a new key under a new selector instead.",
			"%s has %d key records; verifiers may pick either, or fail", a.name, len(keys)))
	}
	via := ""
	if len(a.cnames) > 0 {
		via = strings.TrimSuffix(a.cnames[len(a.cnames)-1], ".")
	}
	for _, txt := range keys {
		c.judgeKey(a, via, txt)
	}
}

// noKey handles a selector without a key record.
func (c *checker) noKey(a answer, other []string) {
	if len(a.cnames) > 0 && len(a.txts) == 0 {
		target := strings.TrimSuffix(a.cnames[len(a.cnames)-1], ".")
		sev := checks.SeverityWarn
		if c.named {
			sev = checks.SeverityFail
		}
		c.add(finding(CodeDanglingCNAME, sev, refKeyRecord,
			fmt.Sprintf("Fix the CNAME at %s to point at the provider's current key, or delete it if you no longer send through that provider.", a.name),
			"%s is an alias of %s, which has no key record", a.name, target))
		if c.named {
			c.data.Missing = append(c.data.Missing, a.selector)
		}
		return
	}
	if !c.named {
		return
	}
	c.data.Missing = append(c.data.Missing, a.selector)
	if len(other) > 0 {
		c.add(finding(CodeNotAKey, checks.SeverityFail, refKeyRecord,
			"Publish the key record the signing service gives you (it starts with v=DKIM1 and has p=).",
			"%s has TXT records but none is a DKIM key record: %q", a.name, other[0]))
		return
	}
	c.add(finding(CodeSelectorMissing, checks.SeverityFail, refKeyRecord,
		fmt.Sprintf("Publish the public key of selector %s as a TXT record at %s (your signing service shows it), or check the selector's spelling.", a.selector, a.name),
		"no DKIM key at %s: mail signed with selector %s fails verification", a.name, a.selector))
}

// finish adds the findings about the probe as a whole, and the summary.
func (c *checker) finish(asked int) {
	d := c.data
	usable := 0
	ed25519Only := true
	var parts []string
	for _, k := range d.Keys {
		desc := k.Selector + " ("
		switch {
		case k.Revoked:
			desc += "revoked"
		case !k.Valid:
			desc += "invalid"
		default:
			desc += fmt.Sprintf("%s %d", k.KeyType, k.KeyBits)
			usable++
			if k.KeyType != KeyEd25519 {
				ed25519Only = false
			}
		}
		parts = append(parts, desc+")")
	}
	if usable > 0 && ed25519Only {
		c.add(finding(CodeEd25519Only, checks.SeverityWarn, refEd25519,
			"Sign with an RSA key too (under another selector): many receivers do not verify Ed25519 yet.",
			"every key found is Ed25519; receivers that do not support Ed25519 see the mail as unsigned"))
	}

	switch {
	case len(d.Keys) > 0:
		noun := "keys"
		if len(d.Keys) == 1 {
			noun = "key"
		}
		c.res.Summary = fmt.Sprintf("%d %s: %s", len(d.Keys), noun, strings.Join(parts, ", "))
	case c.named && len(d.Probed) == 0:
		c.res.Summary = "no valid selector given"
	case c.named:
		c.res.Summary = fmt.Sprintf("no key at the selectors named: %s", strings.Join(d.Probed, ", "))
	default:
		c.res.Summary = fmt.Sprintf("no key among %d common selectors", asked)
	}
	if len(d.Missing) > 0 && len(d.Keys) > 0 {
		c.res.Summary += "; missing: " + strings.Join(d.Missing, ", ")
	}

	if len(c.failed) > 0 {
		var names []string
		for _, e := range d.Errors {
			names = append(names, e.Selector)
		}
		failedAll := len(c.failed) == asked
		switch {
		case c.named || failedAll || len(d.Keys) == 0:
			// Named selectors must be answered; and "no key" is not a
			// verdict when some of the answers are missing.
			c.res.Fail(checks.WrapError("dkim", nil, fmt.Sprintf("%d of %d selector queries failed (%s)", len(c.failed), asked, strings.Join(names, ", ")), c.failed[0]))
			c.res.Summary += fmt.Sprintf("; %d of %d lookups failed", len(c.failed), asked)
		default:
			c.add(finding(CodeLookupFailed, checks.SeverityInfo, refKeyRecord,
				"Run the check again; if it persists, the domain's name servers are failing.",
				"the lookup failed for %d common selectors (%s); keys there may have been missed", len(c.failed), strings.Join(names, ", ")))
		}
		return
	}
	if len(d.Keys) == 0 && !c.named {
		c.add(finding(CodeNoKeyFound, checks.SeverityInfo, refSelectors,
			"DNS cannot list selectors: pass --selector with the selector your mail is signed with (the s= tag of a DKIM-Signature header).",
			"no DKIM key at any of %d common selectors; the domain may use another selector", asked))
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
