package spf

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/internal/textutil"
)

// Finding codes of the spf check. docs/spf.md describes each.
const (
	CodeMissing         = "spf.missing"
	CodeMultiple        = "spf.multiple-records"
	CodeBadVersion      = "spf.bad-version"
	CodeSyntax          = "spf.syntax"
	CodeLookupLimit     = "spf.lookup-limit"
	CodeLookupNearLimit = "spf.lookup-near-limit"
	CodeVoidLimit       = "spf.void-lookup-limit"
	CodeVoidLookup      = "spf.void-lookup"
	CodeIncludeLoop     = "spf.include-loop"
	CodeIncludeMissing  = "spf.include-missing"
	CodeAllPass         = "spf.all-pass"
	CodeAllNeutral      = "spf.all-neutral"
	CodeAllSoftfail     = "spf.all-softfail"
	CodeNoAll           = "spf.no-all"
	CodePTR             = "spf.ptr-mechanism"
	CodeTooLong         = "spf.record-too-long"
	CodeMXTooMany       = "spf.mx-too-many"
	CodeDNSError        = "spf.dns-error"
	CodeTargetInvalid   = "spf.target-invalid"
	CodeUnknownModifier = "spf.unknown-modifier"
	CodeRedirectIgnored = "spf.redirect-ignored"
	CodeAfterAll        = "spf.terms-after-all"
	CodeMacroTarget     = "spf.macro-target"
	CodeTreeTruncated   = "spf.tree-truncated"
	CodeResultFail      = "spf.result-fail"
	CodeResultSoftfail  = "spf.result-softfail"
	CodeResultNeutral   = "spf.result-neutral"
	CodeResultNone      = "spf.result-none"
	CodeResultPermerror = "spf.result-permerror"
)

// Size limits worth a warning (RFC 7208 §3.3, §3.4): one character-string
// holds at most 255 bytes, and a record much over 450 bytes risks an
// answer that no longer fits in 512 bytes of UDP.
const (
	maxStringLen = 255
	maxRecordLen = 450
)

func (a *Analysis) add(code string, sev checks.Severity, ref, hint, format string, args ...any) {
	a.Findings = append(a.Findings, checks.Finding{
		Code: code, Severity: sev, Message: fmt.Sprintf(format, args...), Hint: hint, Ref: ref,
	})
}

func (a *Analysis) dnsFailed(err error) {
	if a.Err == nil {
		a.Err = err
	}
}

// where names the record a finding is about when it is not the domain's
// own.
func where(n *Node, root *Node) string {
	if n == root {
		return ""
	}
	return fmt.Sprintf(" (in the record of %s, reached by %s)", n.Domain, n.Term)
}

// judge turns the walked tree into findings, in a fixed order: the
// domain's record, then the tree depth-first in term order, then the
// policy and the totals.
func (a *Analysis) judge() {
	root := a.Tree
	switch {
	case root.dnsErr != nil:
		a.dnsFailed(root.dnsErr)
		a.add(CodeDNSError, checks.SeverityWarn, "RFC 7208 §4.4",
			"Check that the domain's name servers answer; a receiver gives temperror until they do.",
			"the SPF record of %s could not be fetched: %s", root.Domain, checks.Message(root.dnsErr))
		return
	case root.missing:
		for _, l := range root.lookalikes {
			a.add(CodeBadVersion, checks.SeverityFail, "RFC 7208 §4.5",
				`Start the record with exactly "v=spf1" followed by a space.`,
				"TXT record %q looks like SPF but does not start with \"v=spf1 \": receivers ignore it", textutil.Clip(l, 80))
		}
		what := "has no SPF record"
		if root.nxdomain {
			what = "does not exist (NXDOMAIN)"
		}
		a.add(CodeMissing, checks.SeverityFail, "RFC 7208 §4.5",
			`Publish a TXT record such as "v=spf1 mx -all" listing the hosts that send mail for the domain (or "v=spf1 -all" if it sends none).`,
			"%s %s: receivers get SPF result none and cannot tell forged mail from yours", root.Domain, what)
		return
	case len(root.texts) > 1:
		a.add(CodeMultiple, checks.SeverityFail, "RFC 7208 §4.5",
			"Merge them into one TXT record starting with v=spf1 and delete the others.",
			"%s has %d SPF records; receivers give permerror: %s", root.Domain, len(root.texts), quoteAll(a.Records))
		return
	}
	truncated := false
	var visit func(n *Node)
	visit = func(n *Node) {
		a.judgeNode(n, root)
		if n.truncated {
			truncated = true
		}
		for _, c := range n.Children {
			visit(c)
		}
	}
	visit(root)
	a.judgePolicy(root)

	if a.Lookups > MaxLookups {
		a.add(CodeLookupLimit, checks.SeverityFail, "RFC 7208 §4.6.4",
			"Replace include, a, mx, ptr and exists terms by ip4:/ip6: ranges where you can, drop includes of services you no longer use, or split senders onto subdomains.",
			"the policy needs %d DNS-querying terms, over the limit of %d: receivers give permerror%s", a.Lookups, MaxLookups, biggest(root))
	} else if a.Lookups >= MaxLookups-2 {
		a.add(CodeLookupNearLimit, checks.SeverityWarn, "RFC 7208 §4.6.4",
			"Leave room: an include you do not control can grow past the limit at any time. Flatten to ip4:/ip6: where you can.",
			"the policy needs %d of the %d DNS-querying terms allowed%s", a.Lookups, MaxLookups, biggest(root))
	}
	if a.VoidLookups > MaxVoidLookups {
		var terms []string
		for _, v := range a.Voids {
			terms = append(terms, v.Term+" → "+v.Name)
		}
		a.add(CodeVoidLimit, checks.SeverityFail, "RFC 7208 §4.6.4",
			"Remove or fix the terms whose names do not resolve.",
			"%d lookups come back empty, over the limit of %d: receivers give permerror (%s)", a.VoidLookups, MaxVoidLookups, strings.Join(terms, ", "))
	}
	if truncated {
		a.add(CodeTreeTruncated, checks.SeverityInfo, "RFC 7208 §4.6.4",
			"Shorten the include chain; nothing past the lookup limit is ever evaluated.",
			"the include/redirect tree was not followed to the end: it goes past %d levels or %d records", maxWalkDepth, maxWalkNodes)
	}
}

func (a *Analysis) judgeNode(n, root *Node) {
	if n != root {
		label := n.Term
		switch {
		case n.dnsErr != nil:
			a.dnsFailed(n.dnsErr)
			a.add(CodeDNSError, checks.SeverityWarn, "RFC 7208 §5.2",
				"Check the name servers of the included domain; until they answer, receivers give temperror.",
				"%s: the record of %s could not be fetched: %s", n.Term, n.Domain, checks.Message(n.dnsErr))
		case n.loop:
			a.add(CodeIncludeLoop, checks.SeverityFail, "RFC 7208 §4.6.4",
				"Remove the term that points back up the chain.",
				"%s loops: %s; receivers give permerror", label, strings.TrimPrefix(n.Error, "loop: "))
		case n.macro:
			a.add(CodeMacroTarget, checks.SeverityInfo, "RFC 7208 §7",
				"Nothing to change if intended; run with --ip and --sender to evaluate it.",
				"%s depends on the message (macros), so it was not followed: its lookups are not in the total", n.Term)
		case n.missing:
			what := "has no SPF record"
			if n.invalid {
				what = "is not a valid domain name"
			} else if n.nxdomain {
				what = "does not exist"
			}
			a.add(CodeIncludeMissing, checks.SeverityFail, "RFC 7208 §5.2, §6.1",
				"Fix the name or remove the term; check the provider's documentation for the current include name.",
				"%s: %s %s; receivers give permerror", label, n.Domain, what)
		case len(n.texts) > 1:
			a.add(CodeMultiple, checks.SeverityFail, "RFC 7208 §4.5",
				"Ask the owner of the included domain to keep one SPF record.",
				"%s: %s has %d SPF records; receivers give permerror", label, n.Domain, len(n.texts))
		}
	}
	if n.rec == nil {
		return
	}
	at := where(n, root)
	var serrs SyntaxErrors
	if errors.As(n.parseErr, &serrs) {
		for _, e := range serrs {
			a.add(CodeSyntax, checks.SeverityFail, "RFC 7208 §4.6, §12",
				"Correct the term; one syntax error anywhere makes the whole record a permerror.",
				"%s%s", e.Message(), at)
		}
	}
	long := ""
	for _, t := range n.texts {
		for _, s := range t.Strings {
			if len(s) > maxStringLen {
				long = fmt.Sprintf("a character-string of %d bytes (at most %d fit)", len(s), maxStringLen)
			}
		}
	}
	if long == "" && len(n.Record) > maxRecordLen {
		long = fmt.Sprintf("%d bytes", len(n.Record))
	}
	if long != "" {
		a.add(CodeTooLong, checks.SeverityWarn, "RFC 7208 §3.3, §3.4",
			"Shorten the record: replace ranges by fewer, wider ip4:/ip6: terms, or move senders into an include of your own.",
			"the SPF record%s is long: %s; over ~%d bytes the DNS answer may not fit in UDP", at, long, maxRecordLen)
	}
	for _, m := range n.rec.Mechanisms {
		if m.Kind == MechPTR {
			a.add(CodePTR, checks.SeverityWarn, "RFC 7208 §5.5",
				"Replace ptr by ip4:/ip6: or a: terms; RFC 7208 says not to use ptr.",
				"%s%s is slow, unreliable and discouraged; many receivers skip or distrust it", m.Text, at)
		}
	}
	if n != root && n.Via == "include" {
		for _, m := range n.rec.Mechanisms {
			if m.Kind == MechAll && m.Qualifier == QualifierPass {
				a.add(CodeAllPass, checks.SeverityFail, "RFC 7208 §5.1, §5.2",
					"Remove the include, or have its owner end the record in ~all or -all.",
					"%s ends in %s: that include matches every host on the Internet, so everyone passes as you", n.Term, m.Text)
			}
			if m.Kind == MechAll {
				break
			}
		}
	}
	seenAll := ""
	for _, m := range n.rec.Mechanisms {
		if seenAll != "" {
			a.add(CodeAfterAll, checks.SeverityInfo, "RFC 7208 §5.1",
				"Move the term before the all mechanism, or delete it.",
				"%s%s comes after %s and is never evaluated", m.Text, at, seenAll)
			continue
		}
		if m.Kind == MechAll {
			seenAll = m.Text
		}
	}
	for _, mod := range n.rec.Modifiers {
		if mod.Name != "redirect" && mod.Name != "exp" {
			a.add(CodeUnknownModifier, checks.SeverityInfo, "RFC 7208 §6",
				"Remove it unless a receiver you care about uses it; check the spelling of redirect= and exp=.",
				"unknown modifier %s%s is ignored", mod.Text, at)
		}
	}
	if n.rec.Redirect != nil && n.rec.HasAll() {
		a.add(CodeRedirectIgnored, checks.SeverityInfo, "RFC 7208 §6.1",
			"Remove the redirect, or the all mechanism if the redirect is what you meant.",
			"%s%s is never used because the record has an all mechanism", n.rec.Redirect.Text, at)
	}
	for _, p := range n.targetErr {
		if p.dnsErr != nil {
			a.dnsFailed(p.dnsErr)
			a.add(CodeDNSError, checks.SeverityWarn, "RFC 7208 §5",
				"Check the name servers of that name; when a receiver reaches this term it gives temperror.",
				"%s%s: looking up %s failed: %s", p.term, at, p.name, checks.Message(p.dnsErr))
			continue
		}
		a.add(CodeTargetInvalid, checks.SeverityWarn, "RFC 7208 §4.3, §7.1",
			"Fix the domain in the term.",
			"%s%s: %q %s", p.term, at, p.name, p.msg)
	}
	for _, v := range n.Voids {
		a.add(CodeVoidLookup, checks.SeverityWarn, "RFC 7208 §4.6.4",
			"Fix or remove the term: it never matches, and more than two empty lookups make the policy a permerror.",
			"%s%s: %s: %s", v.Term, at, v.Name, v.Reason)
	}
	for _, s := range n.mxTooMany {
		a.add(CodeMXTooMany, checks.SeverityFail, "RFC 7208 §4.6.4",
			"Use a: or ip4:/ip6: terms for the sending hosts instead of mx.",
			"%s%s has more than %d MX names: receivers give permerror", s, at, MaxMXNames)
	}
}

// judgePolicy looks at the record that decides when nothing matches: the
// domain's own, or where its redirect chain ends.
func (a *Analysis) judgePolicy(root *Node) {
	p := root
	for p.rec != nil && !p.rec.HasAll() && p.rec.Redirect != nil {
		var next *Node
		for _, c := range p.Children {
			if c.Via == "redirect" {
				next = c
			}
		}
		if next == nil || next.rec == nil || next.loop {
			return // the redirect's own problem is reported already
		}
		p = next
	}
	if p.rec == nil {
		return
	}
	at := ""
	if p != root {
		at = fmt.Sprintf(" (via redirect to %s)", p.Domain)
	}
	for _, m := range p.rec.Mechanisms {
		if m.Kind != MechAll {
			continue
		}
		switch m.Qualifier {
		case QualifierPass:
			a.add(CodeAllPass, checks.SeverityFail, "RFC 7208 §5.1",
				`End the record in "-all" (or "~all" while you test).`,
				"the policy ends in %s%s: every host on the Internet passes SPF as %s", m.Text, at, root.Domain)
		case QualifierNeutral:
			a.add(CodeAllNeutral, checks.SeverityWarn, "RFC 7208 §5.1, §8.2",
				`End the record in "~all" or "-all" once every sender is listed.`,
				"the policy ends in %s%s: unlisted hosts get neutral, which protects nothing", m.Text, at)
		case QualifierSoftFail:
			a.add(CodeAllSoftfail, checks.SeverityInfo, "RFC 7208 §8.4",
				`Move to "-all" once reports show every sender is listed (with DMARC enforcing, ~all is common and fine).`,
				"the policy ends in %s%s: unlisted hosts get softfail", m.Text, at)
		}
		return
	}
	a.add(CodeNoAll, checks.SeverityWarn, "RFC 7208 §4.7",
		`End the record in "-all" or "~all"; without it, unlisted hosts get neutral.`,
		"the policy%s has neither an all mechanism nor a redirect: hosts it does not list get neutral", at)
}

// biggest names the includes that contribute most lookups.
func biggest(root *Node) string {
	type kv struct {
		term string
		n    int
	}
	var kids []kv
	for _, c := range root.Children {
		if c.TotalLookups > 0 {
			kids = append(kids, kv{c.Term, c.TotalLookups + 1})
		}
	}
	if len(kids) == 0 {
		return ""
	}
	sort.SliceStable(kids, func(i, j int) bool { return kids[i].n > kids[j].n })
	if len(kids) > 4 {
		kids = kids[:4]
	}
	var parts []string
	for _, k := range kids {
		parts = append(parts, fmt.Sprintf("%s %d", k.term, k.n))
	}
	return " (largest: " + strings.Join(parts, ", ") + ")"
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", textutil.Clip(s, 100))
	}
	return strings.Join(q, ", ")
}
