// Package codebook gathers every finding code relayctl documents from the
// tables the checks themselves export (the domain registry's and the
// message registry's Codes): what "relayctl explain" prints and what the
// CI formats say of a rule, so that neither can drift from the checks.
package codebook

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/address"
	"github.com/relayctl/relayctl/checks/dnsbl"
	"github.com/relayctl/relayctl/checks/domain"
	"github.com/relayctl/relayctl/checks/message"
	"github.com/relayctl/relayctl/checks/policy"
	"github.com/relayctl/relayctl/checks/reportsummary"
	"github.com/relayctl/relayctl/checks/spamd"
	"github.com/relayctl/relayctl/checks/state"
	"github.com/relayctl/relayctl/checks/verify"
)

// Entry is one finding code and the check that emits it.
type Entry struct {
	checks.CodeDoc
	// Check is the check's title ("SPF"), Command how it is run ("check
	// spf", "check message"; empty for a check no command runs yet).
	Check   string
	Command string
	// RFCs are the specifications the check follows, most important
	// first; Doc its docs page.
	RFCs []string
	Doc  string
}

// All is every documented code, sorted by code; a code two registries
// share keeps its first (domain) entry.
func All() []Entry {
	var out []Entry
	seen := map[string]bool{}
	add := func(e Entry) {
		if !seen[e.Code] {
			seen[e.Code] = true
			out = append(out, e)
		}
	}
	for _, c := range domain.Checks() {
		if c.Codes == nil {
			continue
		}
		for _, cd := range c.Codes() {
			add(Entry{CodeDoc: cd, Check: c.Title, Command: "check " + c.Subcommand(), RFCs: c.RFCs, Doc: c.Doc})
		}
	}
	for _, c := range message.Checks() {
		for _, cd := range c.Codes() {
			add(Entry{CodeDoc: cd, Check: c.Title, Command: "check message", RFCs: c.RFCs, Doc: c.Doc})
		}
	}
	// Checks outside both registries: the blocklists (relayctl blacklist
	// ip and domain), address verification (relayctl verify), the
	// SpamAssassin verdict and the changes --state reports.
	for _, cd := range dnsbl.Codes() {
		add(Entry{CodeDoc: cd, Check: "DNS blocklists", Command: "blacklist ip|domain", RFCs: []string{"RFC 5782"}, Doc: "docs/dnsbl.md"})
	}
	for _, cd := range verify.Codes() {
		add(Entry{CodeDoc: cd, Check: "address verification", Command: "verify", Doc: "docs/verify.md"})
	}
	for _, cd := range spamd.Codes() {
		add(Entry{CodeDoc: cd, Check: "SpamAssassin (spamd)", Doc: "docs/spamd.md"})
	}
	for _, cd := range reportsummary.Codes() {
		add(Entry{CodeDoc: cd, Check: "report summary", Command: "report summary", RFCs: []string{"RFC 7489", "RFC 8460"}, Doc: "docs/report.md"})
	}
	for _, cd := range policy.Codes() {
		add(Entry{CodeDoc: cd, Check: "policy file (--policy)", Command: "every command that prints check reports", Doc: "docs/policy.md"})
	}
	for _, cd := range state.Codes() {
		add(Entry{CodeDoc: cd, Check: "changes between runs (--state)", Command: "blacklist ip|domain, check ip, check domain", Doc: "docs/state.md"})
	}
	slices.SortStableFunc(out, func(a, b Entry) int { return cmp.Compare(a.Code, b.Code) })
	return out
}

// Lookup finds code's entry.
func Lookup(code string) (Entry, bool) {
	for _, e := range All() {
		if e.Code == code {
			return e, true
		}
	}
	return Entry{}, false
}

var rfcRef = regexp.MustCompile(`^RFC (\d+)(?: §(\d+(?:\.\d+)*))?`)

// RFCURL is the RFC Editor's address of a reference such as "RFC 7208
// §5.1", or "" when ref names no RFC.
func RFCURL(ref string) string {
	m := rfcRef.FindStringSubmatch(ref)
	if m == nil {
		return ""
	}
	u := fmt.Sprintf("https://www.rfc-editor.org/rfc/rfc%s", m[1])
	if m[2] != "" {
		u += "#section-" + m[2]
	}
	return u
}

// Nearest returns up to n known codes closest to code: those it is a
// prefix of first, then by edit distance,
// up to 3 edits away (address.Distance: a transposition is one), for
// "unknown code" messages.
func Nearest(code string, n int) []string {
	type cand struct {
		code string
		d    int
	}
	var cs []cand
	for _, e := range All() {
		d := address.Distance(code, e.Code)
		if len(code) >= 2 && strings.HasPrefix(e.Code, code) {
			d = 0
		}
		if d <= 3 {
			cs = append(cs, cand{e.Code, d})
		}
	}
	slices.SortStableFunc(cs, func(a, b cand) int { return cmp.Or(cmp.Compare(a.d, b.d), cmp.Compare(a.code, b.code)) })
	var out []string
	for _, c := range cs[:min(n, len(cs))] {
		out = append(out, c.code)
	}
	return out
}
