package verify

import "github.com/relayctl/relayctl/checks"

// codeVerdicts is the verdict each finding code stands for; codes not
// listed are facts that leave the verdict alone (verify.free,
// verify.domain-typo, verify.implicit-mx). docs/verify.md has the table.
var codeVerdicts = map[string]Verdict{
	"verify.syntax":               Undeliverable,
	"verify.nxdomain":             Undeliverable,
	"verify.null-mx":              Undeliverable,
	"verify.no-mail-host":         Undeliverable,
	"verify.mx-unresolvable":      Undeliverable,
	"verify.mailbox-missing":      Undeliverable,
	"verify.disposable":           Risky,
	"verify.role":                 Risky,
	"verify.catch-all":            Risky,
	"verify.mailbox-full":         Risky,
	"verify.domain-literal":       Unknown,
	"verify.dns-failed":           Unknown,
	"verify.mailbox-unchecked":    Unknown,
	"verify.smtp-temporary":       Unknown,
	"verify.smtp-policy":          Unknown,
	"verify.smtp-refused":         Unknown,
	"verify.smtp-rejected":        Unknown,
	"verify.smtp-unreachable":     Unknown,
	"verify.smtp-skipped":         Unknown,
	"verify.smtp-error":           Unknown,
	"verify.smtputf8-unsupported": Unknown,
}

// Settle sets the verdict from the reasons: the strongest of theirs
// (undeliverable, then risky, then unknown), deliverable when none has
// one.
func (r *Record) Settle() {
	v := Deliverable
	for _, f := range r.Reasons {
		if cv, ok := codeVerdicts[f.Code]; ok && cv.rank() > v.rank() {
			v = cv
		}
	}
	r.Verdict = v
}

// Drop removes the reasons whose code ignore matches (--ignore) and
// settles the verdict again: ignoring verify.role makes role accounts
// no longer risky.
func (r *Record) Drop(ignore func(code string) bool) {
	keep := r.Reasons[:0]
	for _, f := range r.Reasons {
		if !ignore(f.Code) {
			keep = append(keep, f)
		}
	}
	r.Reasons = keep
	if r.Reasons == nil {
		r.Reasons = []checks.Finding{}
	}
	r.Settle()
}

// Codes returns the finding codes of a verification: the rows of the
// Finding codes table of docs/verify.md, in its order (what "relayctl
// explain" prints; a test holds the page to it). The verdict each stands
// for is the meaning's first words, as codeVerdicts has it.
func Codes() []checks.CodeDoc {
	return []checks.CodeDoc{
		{Code: "verify.syntax", Severity: "fail",
			Meaning: "verdict undeliverable: not an address; the message says what is wrong and where (`syntax.position`)",
			Fix:     "correct the address where it goes wrong, or drop it"},
		{Code: "verify.domain-typo", Severity: "info",
			Meaning: "verdict — (info): the domain looks like a typo of a big provider's (`syntax.suggestion`)",
			Fix:     "ask whether the suggested domain was meant"},
		{Code: "verify.domain-literal", Severity: "info",
			Meaning: "verdict unknown: the domain is an address literal: nothing to look up",
			Fix:     "ask the owner for an address at a domain name"},
		{Code: "verify.nxdomain", Severity: "fail",
			Meaning: "verdict undeliverable: the domain does not exist (RFC 5321 §5.1)",
			Fix:     "check the spelling of the domain"},
		{Code: "verify.null-mx", Severity: "fail",
			Meaning: "verdict undeliverable: the domain publishes a null MX (RFC 7505)",
			Fix:     "drop the address: its domain takes no mail"},
		{Code: "verify.no-mail-host", Severity: "fail",
			Meaning: "verdict undeliverable: no MX and no A/AAAA (RFC 5321 §5.1)",
			Fix:     "check the spelling of the domain"},
		{Code: "verify.mx-unresolvable", Severity: "fail",
			Meaning: "verdict undeliverable: no MX host has an address",
			Fix:     "drop the address or ask the domain's owner"},
		{Code: "verify.dns-failed", Severity: "info",
			Meaning: "verdict unknown: a DNS lookup failed (SERVFAIL, timeout…)",
			Fix:     "try again later, or ask another resolver (`--resolver`)"},
		{Code: "verify.implicit-mx", Severity: "info",
			Meaning: "verdict — (info): no MX: mail goes to the domain's A/AAAA",
			Fix:     "nothing"},
		{Code: "verify.disposable", Severity: "warn",
			Meaning: "verdict risky: a throw-away domain",
			Fix:     "ask for a lasting address"},
		{Code: "verify.role", Severity: "warn",
			Meaning: "verdict risky: a role account",
			Fix:     "keep role addresses off marketing lists"},
		{Code: "verify.free", Severity: "info",
			Meaning: "verdict — (info): a free mailbox provider",
			Fix:     "nothing"},
		{Code: "verify.mailbox-unchecked", Severity: "info",
			Meaning: "verdict unknown: no `--smtp`: the mailbox was not asked",
			Fix:     "add `--smtp` (and `--from`) to ask the mail host"},
		{Code: "verify.mailbox-missing", Severity: "fail",
			Meaning: "verdict undeliverable: the mail host says the mailbox does not exist (5.1.x)",
			Fix:     "drop the address"},
		{Code: "verify.mailbox-full", Severity: "warn",
			Meaning: "verdict risky: the mailbox is full (5.2.2)",
			Fix:     "try again later before sending to it"},
		{Code: "verify.catch-all", Severity: "warn",
			Meaning: "verdict risky: the domain accepts any address",
			Fix:     "send with care: a catch-all domain may still bounce later"},
		{Code: "verify.smtp-temporary", Severity: "info",
			Meaning: "verdict unknown: 4xx after `--retries`",
			Fix:     "ask again later (`--retries`, `--retry-wait`)"},
		{Code: "verify.smtp-policy", Severity: "info",
			Meaning: "verdict unknown: RCPT refused by policy (5.7.x, a blocklist or policy text)",
			Fix:     "verify from another host, or go without `--smtp`"},
		{Code: "verify.smtp-refused", Severity: "info",
			Meaning: "verdict unknown: the probe refused at connect, EHLO or MAIL",
			Fix:     "verify from another host"},
		{Code: "verify.smtp-rejected", Severity: "info",
			Meaning: "verdict unknown: another 5xx that says nothing certain about the mailbox",
			Fix:     "nothing certain to fix: the address may or may not exist"},
		{Code: "verify.smtp-unreachable", Severity: "info",
			Meaning: "verdict unknown: no MX host could be connected to on port 25",
			Fix:     "port 25 may be blocked from here, or the host is down"},
		{Code: "verify.smtp-skipped", Severity: "info",
			Meaning: "verdict unknown: not asked: port 25 is unreachable from here (below)",
			Fix:     "run the SMTP check from a host allowed to connect to port 25"},
		{Code: "verify.smtp-error", Severity: "info",
			Meaning: "verdict unknown: timeout, closed connection, output that is not SMTP",
			Fix:     "try again later; a longer `--timeout` may help"},
		{Code: "verify.smtputf8-unsupported", Severity: "info",
			Meaning: "verdict unknown: a UTF-8 local part, and the server has no SMTPUTF8",
			Fix:     "nothing: the server cannot be asked about this address"},
		{Code: "verify.port25-blocked", Severity: "warn",
			Meaning: "verdict (run note): once per run: connections to port 25 fail from here",
			Fix:     "run from a host allowed to connect to port 25, or go without `--smtp`"},
	}
}
