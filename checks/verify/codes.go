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
			Why:     "Nothing can deliver to it: the send fails or bounces at once (`501 5.1.3` to RCPT), and such hard bounces raise the bounce rate that ESPs and mailbox providers judge a list by",
			Fix:     "correct the address where it goes wrong, or drop it",
			Example: "`ann.@example.com` (a dot just before the `@`)"},
		{Code: "verify.domain-typo", Severity: "info",
			Meaning: "verdict — (info): the domain looks like a typo of a big provider's (`syntax.suggestion`)",
			Why:     "A mistyped provider domain is a lost reader: mail to it bounces, or reaches whoever registered the typo domain to collect such mail",
			Fix:     "ask whether the suggested domain was meant",
			Example: "`ann@gmial.com`: the suggestion is `gmail.com`"},
		{Code: "verify.domain-literal", Severity: "info",
			Meaning: "verdict unknown: the domain is an address literal: nothing to look up",
			Why:     "Mail to it goes straight to one IP address: there is no MX or null MX to read and no domain to judge, and the address stops working when that host is renumbered",
			Fix:     "ask the owner for an address at a domain name",
			Example: "`ann@[192.0.2.1]`"},
		{Code: "verify.nxdomain", Severity: "fail",
			Meaning: "verdict undeliverable: the domain does not exist (RFC 5321 §5.1)",
			Why:     "A domain that does not exist cannot receive: senders bounce the message at once, and such addresses are typos or made up",
			Fix:     "check the spelling of the domain",
			Example: "`ann@no-such-name.example`: the resolver answers NXDOMAIN"},
		{Code: "verify.null-mx", Severity: "fail",
			Meaning: "verdict undeliverable: the domain publishes a null MX (RFC 7505)",
			Why:     "The domain says it takes no mail (RFC 7505): senders bounce messages to it at once, with status 5.1.10, without trying to connect",
			Fix:     "drop the address: its domain takes no mail",
			Example: "`ann@example.net` where `example.net. MX 0 .`"},
		{Code: "verify.no-mail-host", Severity: "fail",
			Meaning: "verdict undeliverable: no MX and no A/AAAA (RFC 5321 §5.1)",
			Why:     "With neither MX nor A/AAAA there is no host to hand the message to (RFC 5321 §5.1), so every send to the address bounces",
			Fix:     "check the spelling of the domain",
			Example: "`ann@example.net`, whose only record is `example.net. TXT \"v=spf1 -all\"`"},
		{Code: "verify.mx-unresolvable", Severity: "fail",
			Meaning: "verdict undeliverable: no MX host has an address",
			Why:     "Senders cannot connect to a host name without an address: depending on the MTA the message bounces at once or waits in the queue until it expires, days later",
			Fix:     "drop the address or ask the domain's owner",
			Example: "`ann@example.net` with `example.net. MX 10 mail.example.net.` and no A or AAAA for `mail.example.net`"},
		{Code: "verify.dns-failed", Severity: "info",
			Meaning: "verdict unknown: a DNS lookup failed (SERVFAIL, timeout…)",
			Why:     "A SERVFAIL or a timeout says nothing about the address: senders queue mail to such a domain and retry; a DNSSEC failure at the domain looks the same",
			Fix:     "try again later, or ask another resolver (`--resolver`)",
			Example: "`ann@example.org` while the name servers of `example.org` answer SERVFAIL"},
		{Code: "verify.implicit-mx", Severity: "info",
			Meaning: "verdict — (info): no MX: mail goes to the domain's A/AAAA",
			Why:     "Without an MX, senders deliver to the domain's own A/AAAA (RFC 5321 §5.1), often a web server: mail arrives only if that host runs SMTP on port 25",
			Fix:     "nothing",
			Example: "`ann@example.net` with `example.net. A 192.0.2.25` and no MX"},
		{Code: "verify.disposable", Severity: "warn",
			Meaning: "verdict risky: a throw-away domain",
			Why:     "Throw-away mailboxes are read for minutes, then abandoned or recycled: later mail bounces or reaches nobody, and sign-ups from them are often abuse of a trial or a coupon",
			Fix:     "ask for a lasting address",
			Example: "`ann@mailinator.com` (in the built-in list)"},
		{Code: "verify.role", Severity: "warn",
			Meaning: "verdict risky: a role account",
			Why:     "A role address reaches a team, a ticket queue or nobody, not the person who signed up; complaints run higher, and mail to postmaster@ or abuse@ reaches the very people who report spam",
			Fix:     "keep role addresses off marketing lists",
			Example: "`info@example.com`"},
		{Code: "verify.free", Severity: "info",
			Meaning: "verdict — (info): a free mailbox provider",
			Why:     "A person's own mailbox, not a company's; mail to these providers falls under their bulk-sender rules (Gmail and Yahoo since February 2024: SPF, DKIM, DMARC, one-click unsubscribe)",
			Fix:     "nothing",
			Example: "`ann@gmail.com`"},
		{Code: "verify.mailbox-unchecked", Severity: "info",
			Meaning: "verdict unknown: no `--smtp`: the mailbox was not asked",
			Why:     "Without asking the mail host the run knows only that the domain receives mail; the mailbox itself may not exist, so the verdict is unknown, not deliverable",
			Fix:     "add `--smtp` (and `--from`) to ask the mail host",
			Example: "`ann@example.com` checked without `--smtp`: its MX `mx.example.com` was not asked"},
		{Code: "verify.mailbox-missing", Severity: "fail",
			Meaning: "verdict undeliverable: the mail host says the mailbox does not exist (5.1.x)",
			Why:     "The mail host said the mailbox does not exist: every send to it is a hard bounce, and a sender that keeps mailing unknown users looks like one with an old or bought list",
			Fix:     "drop the address",
			Example: "RCPT gets `550 5.1.1 <ann@example.com>: Recipient address rejected: User unknown in virtual mailbox table`"},
		{Code: "verify.mailbox-full", Severity: "warn",
			Meaning: "verdict risky: the mailbox is full (5.2.2)",
			Why:     "A full mailbox is often an abandoned one: mail to it bounces (5.2.2) or is deferred and retried (4.2.2), and an address full for months rarely has a reader",
			Fix:     "try again later before sending to it",
			Example: "RCPT gets `552 5.2.2 <ann@example.com>: Mailbox full`"},
		{Code: "verify.catch-all", Severity: "warn",
			Meaning: "verdict risky: the domain accepts any address",
			Why:     "The domain says yes to every RCPT, so the probe learns nothing about this mailbox; mail to a wrong name there may be accepted and bounced later, or read by nobody",
			Fix:     "send with care: a catch-all domain may still bounce later",
			Example: "the MX answers `250 2.1.5 Ok` to RCPT for `ann@example.com` and for a made-up local part alike"},
		{Code: "verify.smtp-temporary", Severity: "info",
			Meaning: "verdict unknown: 4xx after `--retries`",
			Why:     "A 4xx is a deferral, not an answer: greylisting and rate limits reply this way, a real send would be queued and retried, and the mailbox may well exist",
			Fix:     "ask again later (`--retries`, `--retry-wait`)",
			Example: "RCPT gets `450 4.2.0 <ann@example.com>: Recipient address rejected: Greylisted` on every try"},
		{Code: "verify.smtp-policy", Severity: "info",
			Meaning: "verdict unknown: RCPT refused by policy (5.7.x, a blocklist or policy text)",
			Why:     "The server refused this client, not the address (5.7.x, a blocklist), so the mailbox cannot be judged from here; if your sending IP gets the same reply, your mail there is refused too",
			Fix:     "verify from another host, or go without `--smtp`",
			Example: "`ann@example.com`: RCPT gets `554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org`"},
		{Code: "verify.smtp-refused", Severity: "info",
			Meaning: "verdict unknown: the probe refused at connect, EHLO or MAIL",
			Why:     "The server would not talk to this client at all (a 554 greeting, a refused EHLO or MAIL FROM), often for the probe's IP or its reverse DNS; the mailbox was never asked",
			Fix:     "verify from another host",
			Example: "`ann@example.com`: the MX greets with `554 mx.example.com No SMTP service here`"},
		{Code: "verify.smtp-rejected", Severity: "info",
			Meaning: "verdict unknown: another 5xx that says nothing certain about the mailbox",
			Why:     "A 5xx without an address status (5.1.x) does not prove the mailbox is missing: it can be a disabled account or a local rule, and dropping it may drop a real reader",
			Fix:     "nothing certain to fix: the address may or may not exist",
			Example: "`ann@example.com`: RCPT gets `550 5.2.1 <ann@example.com>: mailbox disabled, not accepting messages`"},
		{Code: "verify.smtp-unreachable", Severity: "info",
			Meaning: "verdict unknown: no MX host could be connected to on port 25",
			Why:     "No MX host took a connection on port 25: the host is down (senders queue and retry for days) or this network blocks outgoing port 25, as most cloud providers do by default",
			Fix:     "port 25 may be blocked from here, or the host is down",
			Example: "`ann@example.net` with `--smtp`: `example.net. MX 10 mx.example.net.`, `mx.example.net. A 192.0.2.26`, and nothing answers on port 25 there"},
		{Code: "verify.smtp-skipped", Severity: "info",
			Meaning: "verdict unknown: not asked: port 25 is unreachable from here (below)",
			Why:     "The first domains of the run could not be reached on port 25, so the probe stopped connecting: these addresses were never asked and the verdict says nothing about their mailboxes",
			Fix:     "run the SMTP check from a host allowed to connect to port 25",
			Example: "a run with `--smtp` from a cloud VM whose outgoing port 25 is blocked: after three domains fail to connect, the rest are not asked"},
		{Code: "verify.smtp-error", Severity: "info",
			Meaning: "verdict unknown: timeout, closed connection, output that is not SMTP",
			Why:     "The dialogue broke before an answer (a timeout, a closed connection, output that is not SMTP), so nothing is known of the mailbox; a slow or tarpitting host looks like this",
			Fix:     "try again later; a longer `--timeout` may help",
			Example: "`ann@example.com`: the MX answers the connection with `220 mx.example.com ESMTP` and closes it when EHLO is sent"},
		{Code: "verify.smtputf8-unsupported", Severity: "info",
			Meaning: "verdict unknown: a UTF-8 local part, and the server has no SMTPUTF8",
			Why:     "A UTF-8 local part may only be sent to a server that offers SMTPUTF8 (RFC 6531), and a local part has no ASCII form: senders bounce mail to this address at this server",
			Fix:     "nothing: the server cannot be asked about this address",
			Example: "`jörg@example.com` with `--smtp`, at an MX whose EHLO reply has no `SMTPUTF8`"},
		{Code: "verify.port25-blocked", Severity: "warn",
			Meaning: "verdict (run note): once per run: connections to port 25 fail from here",
			Why:     "Many ISPs and cloud providers (AWS, Google Cloud, Azure) block or throttle outgoing port 25 by default; from such a host no mailbox can be asked, so the run stops trying instead of timing out per host",
			Fix:     "run from a host allowed to connect to port 25, or go without `--smtp`",
			Example: "`verify --smtp` from a Google Cloud VM: connections to the MX hosts of the first three domains all time out"},
	}
}
