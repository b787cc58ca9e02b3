package verify

import (
	"fmt"

	"github.com/relayctl/relayctl/checks"
)

// judge sets the verdict of a record whose syntax is valid from what DNS,
// the lists and the mail host said (docs/verify.md, "Verdict rules").
func (v *Verifier) judge(rec *Record, de *domainEntry, p *probe) {
	info := de.info
	rec.Domain = &info
	// The verdict each code stands for is in codes.go (Settle).
	add := func(f checks.Finding) { rec.Reasons = append(rec.Reasons, f) }
	fail := func(code, msg, hint, ref string) {
		add(finding(code, checks.SeverityFail, msg, hint, ref))
	}
	d := de.name
	switch de.kind {
	case domNX:
		fail("verify.nxdomain", d+" does not exist (NXDOMAIN)", "Check the spelling of the domain.", "RFC 5321 §5.1")
	case domNull:
		fail("verify.null-mx", d+" publishes a null MX: it receives no mail", "Drop the address: its domain says it takes no mail.", "RFC 7505 §3")
	case domNoHost:
		fail("verify.no-mail-host", d+" has no MX record and no address record: nothing receives its mail", "Check the spelling of the domain.", "RFC 5321 §5.1")
	case domUnresolvable:
		fail("verify.mx-unresolvable", "none of the mail hosts of "+d+" has an address: mail to it cannot be delivered", "The domain's MX records point at names that do not resolve; drop the address or ask its owner.", "RFC 5321 §5.1")
	case domDNSError:
		add(finding("verify.dns-failed", checks.SeverityInfo, "the DNS lookup for "+d+" failed: "+info.Error, "Try again later, or ask another resolver (--resolver).", ""))
	}
	if info.Implicit && de.kind == domOK {
		rec.Reasons = append(rec.Reasons, finding("verify.implicit-mx", checks.SeverityInfo, d+" has no MX record; mail goes to its address records (the implicit MX)", "", "RFC 5321 §5.1"))
	}
	if rec.Disposable {
		add(finding("verify.disposable", checks.SeverityWarn, d+" is a disposable (throw-away) mail domain ("+v.o.Lists.DisposableSource+")", "Such mailboxes are abandoned soon: ask for a lasting address.", ""))
	}
	if rec.Role {
		add(finding("verify.role", checks.SeverityWarn, "the local part names a role, not a person: mail reaches a team, or nobody", "Role addresses complain and bounce more than people do; keep them off marketing lists.", "RFC 2142"))
	}
	if rec.Free {
		rec.Reasons = append(rec.Reasons, finding("verify.free", checks.SeverityInfo, d+" is a free mailbox provider", "", ""))
	}
	if de.kind == domOK {
		v.judgeSMTP(rec, de, p, add)
	}
	rec.Settle()
}

func (v *Verifier) judgeSMTP(rec *Record, de *domainEntry, p *probe, add func(checks.Finding)) {
	if !v.o.SMTP || p == nil {
		add(finding("verify.mailbox-unchecked", checks.SeverityInfo, "the mailbox itself was not checked: the domain receives mail", "Add --smtp (and --from) to ask the mail host about the mailbox.", ""))
		return
	}
	s := p.smtp
	de.mu.Lock()
	s.CatchAll = de.catchAll
	de.mu.Unlock()
	rec.SMTP = &s
	reply := fmt.Sprintf("%d %s %s", s.Code, s.Status, s.Text)
	if s.Status == "" {
		reply = fmt.Sprintf("%d %s", s.Code, s.Text)
	}
	unknown := func(code, msg, hint string) {
		add(finding(code, checks.SeverityInfo, msg, hint, ""))
	}
	switch p.ans {
	case ansAccepted:
		if s.CatchAll != nil && *s.CatchAll {
			add(finding("verify.catch-all", checks.SeverityWarn, s.Host+" accepts any address at "+de.name+" (a made-up one too): its yes says nothing about this mailbox", "Send to it with care: a catch-all domain may still bounce later.", ""))
		}
	case ansNoMailbox:
		add(finding("verify.mailbox-missing", checks.SeverityFail, s.Host+" says the mailbox does not exist: "+reply, "Drop the address.", "RFC 3463 §3.2"))
	case ansFull:
		add(finding("verify.mailbox-full", checks.SeverityWarn, s.Host+" says the mailbox is full: "+reply, "An abandoned mailbox fills up; try again later before sending to it.", "RFC 3463 §3.3"))
	case ansTemporary:
		if s.Code == 0 {
			unknown("verify.smtp-error", "the SMTP dialogue with "+s.Host+" failed: "+s.Error, "Try again later; a longer --timeout may help.")
			break
		}
		unknown("verify.smtp-temporary", fmt.Sprintf("%s answered temporarily (greylisting or a rate limit) %d times: %s", s.Host, max(s.Tries, 1), reply), "Ask again later (--retries, --retry-wait).")
	case ansPolicy:
		unknown("verify.smtp-policy", s.Host+" refused this client, not the address: "+reply, "The mail host blocks the probe (a blocklist, a policy): verify from another host, or go without --smtp.")
	case ansOther:
		unknown("verify.smtp-rejected", s.Host+" refused the address without saying the mailbox does not exist: "+reply, "")
	case ansRefused:
		unknown("verify.smtp-refused", fmt.Sprintf("%s refused the probe at %s: %s", s.Host, s.Step, reply), "The mail host blocks this client; verify from another host.")
	case ansUnreachable:
		unknown("verify.smtp-unreachable", s.Error, "Port 25 may be blocked from here, or the host is down.")
	case ansSkipped:
		unknown("verify.smtp-skipped", "not asked: port 25 is unreachable from here (said once for the run)", "")
	case ansNoUTF8:
		unknown("verify.smtputf8-unsupported", s.Host+": "+s.Error, "")
	case ansNone:
		unknown("verify.smtp-error", "not asked: the run ended before "+s.Host+" was asked about this address", "Run again (--skip-done leaves out what is done).")
	default:
		unknown("verify.smtp-error", "the SMTP dialogue with "+s.Host+" failed: "+s.Error, "Try again later; a longer --timeout may help.")
	}
}
