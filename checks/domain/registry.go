package domain

import (
	"context"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/bimi"
	"github.com/relayctl/relayctl/checks/dane"
	"github.com/relayctl/relayctl/checks/dkim"
	"github.com/relayctl/relayctl/checks/dmarc"
	"github.com/relayctl/relayctl/checks/dnssec"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/ipcheck"
	"github.com/relayctl/relayctl/checks/mtasts"
	"github.com/relayctl/relayctl/checks/mx"
	"github.com/relayctl/relayctl/checks/smtpprobe"
	"github.com/relayctl/relayctl/checks/spf"
	"github.com/relayctl/relayctl/checks/tlsrpt"
)

// PartFunc runs one part of the audit for one domain (already normalised
// by dnsx.Domain).
type PartFunc func(ctx context.Context, r dnsx.Resolver, domain string, opt Options) checks.Result

// Check is one entry of relayctl's registry of checks: everything about a
// check that is not command-line wiring. The domain audit takes its parts,
// their order and how each is run from it; cmd/check builds one
// "relayctl check" subcommand per Command from it (adding the flags and
// help text it keeps by the same name); the docs index (docs/checks.md)
// and "relayctl explain" read Summary, RFCs, Doc and Codes from it.
type Check struct {
	// Name is the check's Result.Name and its name in Options.Parts.
	Name string
	// Title is how prose names it ("SPF", "reverse DNS").
	Title string
	// Summary says in one line what it checks.
	Summary string
	// RFCs are the specifications it follows, most important first.
	RFCs []string
	// Doc is its docs page, relative to the repository root.
	Doc string
	// Codes is its table of finding codes (the rows of Doc's Finding
	// codes table); nil until its package has one.
	Codes func() []checks.CodeDoc
	// Command is the "relayctl check" subcommand that runs it: several
	// checks may share one ("check mx" runs mx and ptr). Name when empty.
	Command string
	// Run runs it for one domain, as a part of the domain audit. Nil for
	// a check that takes no domain (the SMTP probe of hosts): the audit
	// leaves it out and cmd/check wires its command by hand.
	Run PartFunc
}

// Subcommand is the "relayctl check" subcommand that runs c.
func (c Check) Subcommand() string {
	if c.Command != "" {
		return c.Command
	}
	return c.Name
}

// Checks is the registry: every check relayctl has, the parts of the
// domain audit first and in the order their results appear in a report,
// then the checks that take no domain. Each call returns a new slice.
//
// Adding a check: a package with its Check function, Name and Codes, and
// its docs page; an entry here; its flags and help in cmd/check
// (commands.go).
func Checks() []Check {
	return []Check{
		{
			Name: mx.Name, Title: "MX", Doc: "docs/mx.md", Codes: mx.Codes,
			Summary: "the MX hosts and their addresses: null MX, alias and IP-literal targets, special-purpose addresses",
			RFCs:    []string{"RFC 5321 §5.1", "RFC 7505", "RFC 6890"},
			Run: func(ctx context.Context, r dnsx.Resolver, domain string, _ Options) checks.Result {
				return mx.Check(ctx, r, domain, mx.Options{})
			},
		},
		{
			Name: mx.PTRName, Title: "reverse DNS", Doc: "docs/mx.md", Codes: mx.PTRCodes, Command: mx.Name,
			Summary: "forward-confirmed reverse DNS of every MX address",
			RFCs:    []string{"RFC 1912 §2.1", "RFC 8601 §3"},
			Run: func(ctx context.Context, r dnsx.Resolver, domain string, _ Options) checks.Result {
				return mx.CheckPTR(ctx, r, domain, mx.Options{})
			},
		},
		{
			Name: spf.Name, Title: "SPF", Doc: "docs/spf.md", Codes: spf.Codes,
			Summary: "the SPF record: syntax, the include tree, DNS lookup limits, the all qualifier; check_host() for --ip",
			RFCs:    []string{"RFC 7208"},
			Run: func(ctx context.Context, r dnsx.Resolver, domain string, opt Options) checks.Result {
				return spf.Check(ctx, r, domain, spf.Options{IP: opt.IP, Sender: opt.Sender, HELO: opt.HELO})
			},
		},
		{
			Name: dkim.Name, Title: "DKIM", Doc: "docs/dkim.md", Codes: dkim.Codes,
			Summary: "the DKIM keys of the named or the common selectors: type, size, revocation, test mode",
			RFCs:    []string{"RFC 6376", "RFC 8301", "RFC 8463"},
			Run: func(ctx context.Context, r dnsx.Resolver, domain string, opt Options) checks.Result {
				return dkim.Check(ctx, r, domain, dkim.Options{Selectors: opt.Selectors})
			},
		},
		{
			Name: dmarc.Name, Title: "DMARC", Doc: "docs/dmarc.md", Codes: dmarc.Codes,
			Summary: "the DMARC policy: discovery, every tag, and the authorisation of external report destinations",
			RFCs:    []string{"RFC 7489", "draft-ietf-dmarc-dmarcbis"},
			Run: func(ctx context.Context, r dnsx.Resolver, domain string, _ Options) checks.Result {
				return dmarc.Check(ctx, r, domain, dmarc.Options{})
			},
		},
		{
			Name: mtasts.Name, Title: "MTA-STS", Doc: "docs/mtasts.md", Codes: mtasts.Codes,
			Summary: "the MTA-STS record and the policy fetched over HTTPS, matched against the MX hosts",
			RFCs:    []string{"RFC 8461"},
			Run: func(ctx context.Context, r dnsx.Resolver, domain string, opt Options) checks.Result {
				return mtasts.Check(ctx, r, domain, mtasts.Options{RootCAs: opt.RootCAs, Timeout: opt.Timeout})
			},
		},
		{
			Name: tlsrpt.Name, Title: "TLS-RPT", Doc: "docs/tlsrpt.md", Codes: tlsrpt.Codes,
			Summary: "the TLS-RPT record and its report destinations",
			RFCs:    []string{"RFC 8460"},
			Run: func(ctx context.Context, r dnsx.Resolver, domain string, _ Options) checks.Result {
				return tlsrpt.Check(ctx, r, domain, tlsrpt.Options{})
			},
		},
		{
			Name: bimi.Name, Title: "BIMI", Doc: "docs/bimi.md", Codes: bimi.Codes,
			Summary: "the BIMI record, the DMARC enforcement it needs, and its SVG logo",
			RFCs:    []string{"draft-brand-indicators-for-message-identification"},
			Run: func(ctx context.Context, r dnsx.Resolver, domain string, opt Options) checks.Result {
				return bimi.Check(ctx, r, domain, bimi.Options{Selector: opt.BIMISelector, RootCAs: opt.RootCAs, Timeout: opt.Timeout})
			},
		},
		{
			Name: dane.Name, Title: "DANE", Doc: "docs/dane.md", Codes: dane.Codes,
			Summary: "the TLSA records of every MX host: usable, DNSSEC-validated, matching the certificates (with --smtp)",
			RFCs:    []string{"RFC 7672", "RFC 6698", "RFC 7671"},
			Run: func(ctx context.Context, r dnsx.Resolver, domain string, opt Options) checks.Result {
				var o dane.Options
				if opt.probes != nil {
					o.Peers = opt.probes.peers
				}
				return dane.Check(ctx, r, domain, o)
			},
		},
		{
			Name: dnssec.Name, Title: "DNSSEC", Doc: "docs/dnssec.md", Codes: dnssec.Codes,
			Summary: "whether the resolver validated the answers about the domain and its MX hosts (the AD bit)",
			RFCs:    []string{"RFC 4035 §3.2.3", "RFC 6840 §5.7"},
			Run: func(ctx context.Context, r dnsx.Resolver, domain string, _ Options) checks.Result {
				return dnssec.Check(ctx, r, domain, dnssec.Options{})
			},
		},
		{
			// check domain --smtp runs these probes too, after the parts
			// (smtp.go); as a check of its own it takes hosts.
			Name: "smtp", Title: "SMTP probe", Doc: "docs/smtp.md", Codes: smtpprobe.Codes,
			Summary: "SMTP servers: banner, EHLO, STARTTLS or implicit TLS, the certificate, AUTH exposure, timings",
			RFCs:    []string{"RFC 5321", "RFC 3207", "RFC 8314"},
		},
		{
			// A sending address, not a domain: check ip takes addresses
			// and runs the blocklists beside these checks (cmd/check/ip.go).
			Name: "ip", Title: "sending IP", Doc: "docs/check-ip.md", Codes: ipcheck.Codes,
			Summary: "a sending address: forward-confirmed reverse DNS, generic PTR names, the HELO name, blocklists, allowlists and DNS reputation scores",
			RFCs:    []string{"RFC 1912 §2.1", "RFC 8601 §3", "RFC 5321 §4.1.1.1", "RFC 5782"},
		},
	}
}

// Lookup returns the registry's entry for name.
func Lookup(name string) (Check, bool) {
	for _, c := range Checks() {
		if c.Name == name {
			return c, true
		}
	}
	return Check{}, false
}

// Parts returns the names of the parts of the domain audit (the checks
// that run for a domain), in report order.
func Parts() []string {
	var out []string
	for _, c := range Checks() {
		if c.Run != nil {
			out = append(out, c.Name)
		}
	}
	return out
}

// partRuns maps each part's name to how it is run.
func partRuns() map[string]PartFunc {
	out := map[string]PartFunc{}
	for _, c := range Checks() {
		if c.Run != nil {
			out[c.Name] = c.Run
		}
	}
	return out
}

// LookupCode finds the check that emits a finding code and the code's row
// of its table: what "relayctl explain CODE" prints, from the same table
// as the check's docs page.
func LookupCode(code string) (Check, checks.CodeDoc, bool) {
	for _, c := range Checks() {
		if c.Codes == nil {
			continue
		}
		for _, cd := range c.Codes() {
			if cd.Code == code {
				return c, cd, true
			}
		}
	}
	return Check{}, checks.CodeDoc{}, false
}
