// Package verify judges email addresses before they go on a list: their
// syntax (checks/address), whether their domain receives mail (MX, the
// implicit MX of RFC 5321 §5.1, null MX of RFC 7505), whether the domain
// is a throw-away, the local part a role or the provider a free one, and,
// when asked, what the domain's mail host answers to RCPT TO for them
// (RFC 5321 §3.3), never sending DATA.
//
// A verdict is undeliverable only on hard evidence, risky for a known
// risk (catch-all, disposable, role account, full mailbox), unknown when
// the evidence is missing or temporary, and deliverable otherwise;
// docs/verify.md has the rules.
//
// Bulk runs group addresses by domain, so that each domain's mail host
// gets one connection carrying many RCPTs, within per-domain and global
// bounds and a per-domain rate, and records still come out in input
// order.
package verify

import (
	"github.com/relayctl/relayctl/checks"
)

// Verdict is the outcome for one address.
type Verdict string

const (
	Deliverable   Verdict = "deliverable"
	Undeliverable Verdict = "undeliverable"
	Risky         Verdict = "risky"
	Unknown       Verdict = "unknown"
)

// rank orders verdicts for combining what several parts found: hard
// evidence against the address wins, then a known risk, then missing
// evidence.
func (v Verdict) rank() int {
	switch v {
	case Undeliverable:
		return 3
	case Risky:
		return 2
	case Unknown:
		return 1
	}
	return 0
}

// Record is the result for one address.
type Record struct {
	// Address is the address as given; Normalized the domain as A-labels
	// in lower case, the local part untouched (empty when the syntax is
	// bad).
	Address    string  `json:"address"`
	Normalized string  `json:"normalized"`
	Verdict    Verdict `json:"verdict"`
	// Reasons are the findings that led to the verdict, and facts worth
	// knowing (free provider, a likely typo). Never null.
	Reasons []checks.Finding `json:"reasons"`
	Syntax  Syntax           `json:"syntax"`
	Domain  *Domain          `json:"domain,omitempty"`
	// Disposable, Role and Free are the list checks.
	Disposable bool  `json:"disposable"`
	Role       bool  `json:"role"`
	Free       bool  `json:"free"`
	SMTP       *SMTP `json:"smtp,omitempty"`
	// Source is where the address was read ("list.csv:12"), when it came
	// from a file or stdin.
	Source string `json:"source,omitempty"`
}

// Syntax is what the address parser found.
type Syntax struct {
	Valid bool `json:"valid"`
	// Error and Position (1-based, in characters; 0 for the whole
	// address) say what is wrong.
	Error    string `json:"error,omitempty"`
	Position int    `json:"position,omitempty"`
	// Suggestion is the provider domain the domain looks like a typo of.
	Suggestion string `json:"suggestion,omitempty"`
	Quoted     bool   `json:"quoted,omitempty"`
	UTF8       bool   `json:"utf8,omitempty"`
	Literal    bool   `json:"literal,omitempty"`
}

// Domain is what DNS says about where the address's domain receives mail.
type Domain struct {
	Name string `json:"name"`
	// MX are the mail hosts by preference, with their addresses; for an
	// implicit MX, the domain itself (Implicit set). Never null.
	MX       []MXHost `json:"mx"`
	Implicit bool     `json:"implicit,omitempty"`
	NullMX   bool     `json:"null_mx,omitempty"`
	NXDomain bool     `json:"nxdomain,omitempty"`
	// Error is the DNS failure that kept the domain from being judged.
	Error string `json:"error,omitempty"`
}

// MXHost is one mail host.
type MXHost struct {
	Host       string   `json:"host"`
	Preference uint16   `json:"preference"`
	Addresses  []string `json:"addresses"`
	Error      string   `json:"error,omitempty"`
}

// SMTP is what the mail host answered.
type SMTP struct {
	// Host is the mail host that answered (or was tried last).
	Host string `json:"host"`
	// Code, Status (RFC 3463) and Text are the reply to RCPT TO for this
	// address, or to the step that failed.
	Code   int    `json:"code,omitempty"`
	Status string `json:"status,omitempty"`
	Text   string `json:"text,omitempty"`
	// Step is the step the answer was to: "RCPT", or "connect",
	// "greeting", "EHLO", "MAIL" when the dialogue stopped before.
	Step string `json:"step,omitempty"`
	// CatchAll is whether the domain accepted a made-up local part; null
	// when that could not be told.
	CatchAll *bool `json:"catch_all"`
	TLS      bool  `json:"tls"`
	// Tries is how many times the address was asked (more than 1 after
	// a temporary answer).
	Tries int `json:"tries"`
	// Error is a failure that is not a reply (timeout, closed
	// connection, unreachable host).
	Error string `json:"error,omitempty"`
}
