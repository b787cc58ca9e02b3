// Package spf implements Sender Policy Framework (SPF, RFC 7208) for
// relayctl: a parser that reports the column of every syntax error, a
// complete check_host() evaluator (every mechanism and modifier, macros,
// the processing limits, all seven results), and an analysis of a
// domain's policy that needs no client address — the include/redirect
// tree with its lookup counts, void lookups, loops and missing targets.
package spf

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/internal/textutil"
)

// Name is the check's name in reports.
const Name = "spf"

// Options tunes Check.
type Options struct {
	// IP, when valid, is also evaluated with check_host() (RFC 7208 §4).
	IP netip.Addr
	// Sender is the MAIL FROM address for the evaluation
	// (postmaster@domain when empty); HELO the HELO/EHLO name (%{h}).
	Sender string
	HELO   string
	// Receiver is what %{r} expands to in explanations ("unknown" when
	// empty).
	Receiver string
}

// Data is the spf check's structured result (the report's "data").
type Data struct {
	// Record is the domain's SPF record ("" when there is none or there
	// are several); Records every SPF record found at the domain.
	Record  string   `json:"record"`
	Records []string `json:"records"`
	// Lookups counts the DNS-querying terms across the include/redirect
	// tree, against LookupLimit (RFC 7208 §4.6.4).
	Lookups     int `json:"lookups"`
	LookupLimit int `json:"lookup_limit"`
	// VoidLookups counts lookups that came back empty; Voids says which
	// terms caused them.
	VoidLookups int    `json:"void_lookups"`
	Voids       []Void `json:"voids"`
	// Tree is the include/redirect tree, each node with its own and its
	// subtree's lookup count.
	Tree *Node `json:"tree,omitempty"`

	// With --ip: the check_host() result and how it was reached.
	IP          string `json:"ip,omitempty"`
	Sender      string `json:"sender,omitempty"`
	HELO        string `json:"helo,omitempty"`
	Result      Result `json:"result,omitempty"`
	Mechanism   string `json:"mechanism,omitempty"`
	MatchDomain string `json:"match_domain,omitempty"`
	Explanation string `json:"explanation,omitempty"`
	ResultError string `json:"result_error,omitempty"`
	// EvalLookups and EvalVoidLookups are what that evaluation used.
	EvalLookups     *int `json:"eval_lookups,omitempty"`
	EvalVoidLookups *int `json:"eval_void_lookups,omitempty"`
}

// Check analyses domain's SPF policy and, when opt.IP is valid, evaluates
// check_host() for that client; both run at once.
func Check(ctx context.Context, r dnsx.Resolver, domain string, opt Options) checks.Result {
	start := time.Now()
	res := checks.Result{Name: Name}
	domain = strings.ToLower(strings.TrimSuffix(domain, "."))
	if why := InvalidDomain(domain); why != "" && opt.IP.IsValid() {
		res = checkInvalid(domain, why, opt)
		res.DurationMS = checks.Since(start)
		res.Settle()
		return res
	}

	var out *Outcome
	var wg sync.WaitGroup
	sender := opt.Sender
	if opt.IP.IsValid() {
		if sender == "" {
			sender = "postmaster@" + domain
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := Checker{Resolver: r, Receiver: opt.Receiver}
			o := c.CheckHost(ctx, opt.IP, domain, sender, opt.HELO)
			out = &o
		}()
	}
	a := Analyze(ctx, r, domain)
	wg.Wait()

	data := Data{
		Record: a.Record, Records: a.Records,
		Lookups: a.Lookups, LookupLimit: MaxLookups,
		VoidLookups: a.VoidLookups, Voids: a.Voids,
		Tree: a.Tree,
	}
	if data.Records == nil {
		data.Records = []string{}
	}
	if data.Voids == nil {
		data.Voids = []Void{}
	}
	res.Findings = append(res.Findings, a.Findings...)
	if a.Err != nil {
		res.Fail(a.Err)
	}
	if out != nil {
		data.IP = opt.IP.String()
		data.Sender, data.HELO = sender, opt.HELO
		data.Result, data.Mechanism, data.MatchDomain, data.Explanation = out.Result, out.Mechanism, out.Domain, out.Explanation
		data.EvalLookups, data.EvalVoidLookups = &out.Lookups, &out.VoidLookups
		if out.Err != nil {
			data.ResultError = checks.Message(out.Err)
		}
		judgeOutcome(&res, opt.IP, domain, *out, a)
	}
	res.Data = data
	res.Summary = summary(domain, a, out, opt.IP)
	res.DurationMS = checks.Since(start)
	res.Settle()
	return res
}

// checkInvalid is check_host() of a domain RFC 7208 §4.3 calls malformed:
// none at once, no query; why says what is malformed.
func checkInvalid(domain, why string, opt Options) checks.Result {
	res := checks.Result{Name: Name}
	sender := opt.Sender
	if sender == "" {
		sender = "postmaster@" + domain
	}
	zero := 0
	data := Data{Records: []string{}, Voids: []Void{}, LookupLimit: MaxLookups,
		IP: opt.IP.String(), Sender: sender, HELO: opt.HELO, Result: None,
		ResultError: "not a valid domain name: " + why,
		EvalLookups: &zero, EvalVoidLookups: &zero}
	res.Add(checks.Finding{Code: CodeResultNone, Severity: checks.SeverityInfo, Ref: "RFC 7208 §4.3",
		Message: fmt.Sprintf("check_host() gives none for %q without a DNS query: %s, and RFC 7208 §4.3 makes a malformed domain none", textutil.Clip(domain, 80), why),
		Hint:    "Check the domain name: receivers find no SPF policy for it."})
	res.Data = data
	res.Summary = fmt.Sprintf("not a valid domain name (%s); %s: none", why, opt.IP)
	return res
}

// judgeOutcome turns the check_host() result into findings.
func judgeOutcome(res *checks.Result, ip netip.Addr, domain string, o Outcome, a *Analysis) {
	how := ""
	if o.Mechanism != "" {
		how = " by " + o.Mechanism
		if o.Domain != "" && o.Domain != domain {
			how += " in the record of " + o.Domain
		}
	}
	add := func(code string, sev checks.Severity, ref, hint, format string, args ...any) {
		res.Add(checks.Finding{Code: code, Severity: sev, Message: fmt.Sprintf(format, args...), Hint: hint, Ref: ref})
	}
	switch o.Result {
	case Fail:
		exp := ""
		if o.Explanation != "" {
			exp = fmt.Sprintf(" (explanation: %q)", o.Explanation)
		}
		add(CodeResultFail, checks.SeverityFail, "RFC 7208 §8.4",
			"If this host sends mail for the domain, add it to the record (ip4:/ip6: or the include of its provider).",
			"%s is not allowed to send as %s: SPF fail%s%s", ip, domain, how, exp)
	case SoftFail:
		add(CodeResultSoftfail, checks.SeverityWarn, "RFC 7208 §8.5",
			"If this host sends mail for the domain, add it to the record.",
			"%s is probably not allowed to send as %s: SPF softfail%s", ip, domain, how)
	case Neutral:
		add(CodeResultNeutral, checks.SeverityInfo, "RFC 7208 §8.3",
			"Nothing asserts this host either way; list it if it is yours.",
			"the policy of %s says nothing about %s: SPF neutral%s", domain, ip, how)
	case None:
		// spf.missing already says it when the domain has no record.
		if a.Tree == nil || !a.Tree.missing {
			add(CodeResultNone, checks.SeverityInfo, "RFC 7208 §8.1",
				"Check the domain name.", "check_host() gives none for %s: %s", domain, checks.Message(o.Err))
		}
	case PermError:
		add(CodeResultPermerror, checks.SeverityFail, "RFC 7208 §8.7",
			"Fix the policy: receivers treat a permerror as a broken record, and DMARC sees no SPF pass.",
			"check_host() for %s gives permerror: %s", ip, checks.Message(o.Err))
	case TempError:
		res.Fail(checks.WrapError("", nil, fmt.Sprintf("check_host() for %s: temperror", ip), o.Err))
	}
}

// summary is the one line people read first.
func summary(domain string, a *Analysis, o *Outcome, ip netip.Addr) string {
	var s string
	switch {
	case a.Tree.dnsErr != nil:
		s = fmt.Sprintf("SPF record of %s could not be fetched: %s", domain, checks.Message(a.Tree.dnsErr))
	case a.Tree.missing:
		s = "no SPF record at " + domain
	case len(a.Records) > 1:
		s = fmt.Sprintf("%d SPF records at %s (permerror)", len(a.Records), domain)
	default:
		s = fmt.Sprintf("%s (%d of %d DNS lookups)", textutil.Clip(a.Record, 120), a.Lookups, MaxLookups)
	}
	if o != nil {
		s += fmt.Sprintf("; %s: %s", ip, o.Result)
		if o.Mechanism != "" {
			s += " (" + o.Mechanism + ")"
		}
	}
	return s
}
