package message

import (
	"fmt"
	"slices"
	"strings"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/content"
	"github.com/relayctl/relayctl/checks/spamd"
)

// Doc is the docs page of the message checks, relative to the
// repository root.
const Doc = "docs/check-message.md"

// Entry is one entry of the registry of message checks: what "relayctl
// check message" runs, what the docs and "relayctl explain" say about it.
// Message checks are not parts of the domain audit: they judge a message,
// not a domain, and several share a name with a domain check.
type Entry struct {
	// Name is the check's Result.Name in the report.
	Name string
	// Title is how prose names it.
	Title string
	// Summary says in one line what it checks.
	Summary string
	// RFCs are the specifications it follows, most important first.
	RFCs []string
	// Doc is its docs page.
	Doc string
	// judge turns the engines' answers into the check's result.
	judge func(*run) checks.Result
	// codes is the prefix of the check's finding codes when it is not
	// Name: the spam check reports its engine's spamd.* codes.
	codes string
}

// prefix is what the check's finding codes start with, without the dot.
func (c Entry) prefix() string {
	if c.codes != "" {
		return c.codes
	}
	return c.Name
}

// Codes is the check's rows of the Finding codes table: the codes under
// its name.
func (c Entry) Codes() []checks.CodeDoc {
	var out []checks.CodeDoc
	for _, cd := range allCodes() {
		if strings.HasPrefix(cd.Code, c.prefix()+".") {
			out = append(out, cd)
		}
	}
	return out
}

// Checks is the registry, in report order. Each call returns a new slice.
func Checks() []Entry {
	return []Entry{
		{Name: "dkim", Title: "DKIM signatures", Doc: Doc, judge: judgeDKIM,
			Summary: "every DKIM-Signature verified: cause of each failure, key size, SHA-1, l=, From coverage, alignment",
			RFCs:    []string{"RFC 6376", "RFC 8301", "RFC 8463"}},
		{Name: "spf", Title: "SPF", Doc: Doc, judge: judgeSPF,
			Summary: "check_host() for the MAIL FROM (or HELO) identity and the HELO identity, from the trace or the options",
			RFCs:    []string{"RFC 7208"}},
		{Name: "dmarc", Title: "DMARC", Doc: Doc, judge: judgeDMARC,
			Summary: "the From domain's policy, SPF and DKIM alignment, and the disposition a receiver applies",
			RFCs:    []string{"RFC 7489", "RFC 9989"}},
		{Name: "arc", Title: "ARC", Doc: Doc, judge: judgeARC,
			Summary: "the ARC chain: its validation status, where it broke, each hop's seal, signature and claims",
			RFCs:    []string{"RFC 8617"}},
		{Name: "authres", Title: "Authentication-Results", Doc: Doc, judge: judgeAuthres,
			Summary: "every Authentication-Results field, the trusted receivers' verdicts beside relayctl's own",
			RFCs:    []string{"RFC 8601"}},
		{Name: "hops", Title: "Delivery path", Doc: Doc, judge: judgeHops,
			Summary: "every Received field as a timeline: each hop's TLS and delay, the slowest, clock skew, clear-text hops",
			RFCs:    []string{"RFC 5321", "RFC 5322", "RFC 3848"}},
		{Name: "bulk", Title: "Bulk-sender requirements", Doc: Doc, judge: judgeBulk,
			Summary: "Gmail's, Yahoo's and Outlook.com's requirements for senders of over 5,000 messages a day; enforced with --bulk",
			RFCs:    []string{"RFC 8058", "RFC 7489", "RFC 5322"}},
		{Name: "spam", Title: "SpamAssassin score", Doc: Doc, judge: judgeSpam, codes: "spamd",
			Summary: "the score, threshold and rule hits of a spamd given with --spamd",
			RFCs:    []string{"SPAMC/1.5 (the spamd protocol)"}},
		{Name: content.Name, Title: "Content", Doc: content.Doc, judge: func(ru *run) checks.Result { return ru.content },
			Summary: "what filters look at: size and MIME structure, link domains on blocklists, deceptive links, risky attachments",
			RFCs:    []string{"RFC 5322", "RFC 2045", "RFC 2046", "RFC 6152", "RFC 5782"}},
	}
}

// Lookup returns the registry's entry for name.
func Lookup(name string) (Entry, bool) {
	for _, c := range Checks() {
		if c.Name == name {
			return c, true
		}
	}
	return Entry{}, false
}

// LookupCode finds the message check that emits code and the code's row.
func LookupCode(code string) (Entry, checks.CodeDoc, bool) {
	for _, cd := range allCodes() {
		if cd.Code == code {
			for _, c := range Checks() {
				if strings.HasPrefix(code, c.prefix()+".") {
					return c, cd, true
				}
			}
			return Entry{}, cd, false
		}
	}
	return Entry{}, checks.CodeDoc{}, false
}

// allCodes are the codes of every message check: this package's and
// those of the checks with a package and docs page of their own (the
// content check's, and the spam check's engine, spamd, whose codes are
// its own but for spamd.not-run, which only check message says).
func allCodes() []checks.CodeDoc {
	return slices.Concat(Codes(), content.Codes(), spamd.Codes())
}

// finding builds a finding; the message is formatted from format and
// args.
func finding(code string, sev checks.Severity, ref, hint, format string, args ...any) checks.Finding {
	return checks.Finding{Code: code, Severity: sev, Message: fmt.Sprintf(format, args...), Hint: hint, Ref: ref}
}
