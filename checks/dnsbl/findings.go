package dnsbl

import (
	"fmt"
	"strings"

	"github.com/relayctl/relayctl/checks"
)

// Finding codes. docs/dnsbl.md describes each.
const (
	// CodeListed: the target is on a blocklist (the list's severity, or
	// its return code's).
	CodeListed = "dnsbl.listed"
	// CodeAllowlisted: the target is on an allowlist (info).
	CodeAllowlisted = "dnsbl.allowlisted"
	// CodeQueryRefused: the list answered with a refusal code; the target
	// was not checked against it. The check's status is error.
	CodeQueryRefused = "dnsbl.query-refused"
	// CodeListUnhealthy: the list fails its RFC 5782 §5 test entries, so
	// its answer is not counted. The check's status is error.
	CodeListUnhealthy = "dnsbl.list-unhealthy"
	// CodePublicResolver: the run asks through a well-known public
	// resolver, which lists refuse or answer "not listed" (warn, on the
	// resolver check).
	CodePublicResolver = "dnsbl.public-resolver"
)

// title names a list for a message: "Spamhaus ZEN (zen.spamhaus.org)".
func (l *List) title() string {
	if l.Name == "" || l.Name == l.Zone {
		return l.Zone
	}
	return l.Name + " (" + l.Zone + ")"
}

func listedFinding(t Target, l *List, c classified, txt []string) checks.Finding {
	msg := fmt.Sprintf("%s is listed on %s: %s", t, l.title(), describe(c.codes))
	if len(txt) > 0 {
		msg += ` — "` + strings.Join(txt, `", "`) + `"`
	}
	f := checks.Finding{Code: CodeListed, Severity: c.severity, Message: msg, Ref: "RFC 5782 §2.1"}
	why := "Find out why (a compromised host or account, an open relay or proxy, mail to bad addresses, a dynamic address sending directly), fix the cause"
	if t.Domain != "" {
		why = "Find out why (a compromised site, links in spam, a spammer sharing the domain), fix the cause"
	}
	f.Hint = why + ", then " + l.removalHint()
	if l.Allowlist {
		f.Code = CodeAllowlisted
		f.Severity = checks.SeverityInfo
		f.Message = fmt.Sprintf("%s is on the allowlist %s: %s", t, l.title(), describe(c.codes))
		f.Hint = ""
	}
	return f
}

// removalHint says how to get off l: its removal page and process where
// the catalog has them.
func (l *List) removalHint() string {
	page := l.Delist
	if page == "" {
		page = l.Info
	}
	var h string
	switch {
	case page == "":
		h = "ask for removal at the list's own lookup page."
	case l.Removal == RemovalSelf:
		h = "remove the listing yourself at " + page + " (self-service)."
	case l.Removal == RemovalRequest:
		h = "request removal at " + page + " (reviewed by the list)."
	case l.Removal == RemovalExpires:
		h = "wait: the listing expires by itself (" + page + " shows it)."
	default:
		h = "ask for removal at " + page + "."
	}
	if l.RemovalNote != "" {
		h += " " + l.RemovalNote
	}
	return h
}

func refusedFinding(t Target, l *List, why string, key bool) checks.Finding {
	hint := "Ask through a recursive resolver of your own rather than a public one (--resolver), and stay within the list's volume limits."
	if l.Key == KeyNone && strings.HasSuffix(l.Zone, ".spamhaus.org") {
		hint += " Spamhaus also answers through its Data Query Service: pass --dqs-key."
	}
	if key {
		hint = "Check the account key (" + l.Key.Flag() + ") and the account's query limits."
	}
	return checks.Finding{
		Code:     CodeQueryRefused,
		Severity: checks.SeverityWarn,
		Message:  fmt.Sprintf("%s was not checked: %s", t, why),
		Hint:     hint,
	}
}

func unhealthyFinding(l *List, h Health) checks.Finding {
	return checks.Finding{
		Code:     CodeListUnhealthy,
		Severity: checks.SeverityWarn,
		Message:  fmt.Sprintf("%s fails its self-test: it %s; its answer is not counted", l.Zone, h.Detail),
		Hint:     "Leave the list out (--exclude " + l.Zone + ") or try again later: a list that fails its test entries has been shut down, wildcarded, or is blocking this resolver.",
		Ref:      "RFC 5782 §5",
	}
}
