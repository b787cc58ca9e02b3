package message

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/spf"
)

// Identities SPF checks (RFC 7208 §2.3, §2.4).
const (
	IdentityMailFrom = "mailfrom"
	IdentityHELO     = "helo"
)

// spfRun is what check_host() gave for the identities of the message.
type spfRun struct {
	// main is the MAIL FROM identity, or the HELO when MAIL FROM is <>
	// (RFC 7208 §2.4); skipped says why it was not evaluated.
	main     spfEval
	helo     spfEval
	heloSame bool // the HELO is the main identity: evaluated once
}

type spfEval struct {
	identity, domain string
	out              spf.Outcome
	evaluated        bool
	skipped          string
}

// checkSPF runs check_host() for the main identity and the HELO at once.
func checkSPF(ctx context.Context, r dnsx.Resolver, f smtpFacts, now time.Time) spfRun {
	var ru spfRun
	c := spf.Checker{Resolver: r, Now: func() time.Time { return now }}
	ru.main.identity, ru.main.domain = IdentityMailFrom, senderDomain(f.MailFrom)
	ru.helo.identity, ru.helo.domain = IdentityHELO, heloDomain(f.HELO)
	switch {
	case !f.IP.IsValid():
		ru.main.skipped = "no client address: give --ip, or check the message as the receiver stored it (with its Received fields)"
	case !f.mailFromKnown:
		ru.main.skipped = "no MAIL FROM known: give --mail-from (or - for <>), or check the message with its Return-Path"
	case f.MailFrom == "":
		ru.main.identity, ru.main.domain = IdentityHELO, ru.helo.domain
		ru.heloSame = true
		if ru.helo.domain == "" {
			ru.main.skipped = "MAIL FROM is <> and no usable HELO name is known: give --helo"
		}
	case ru.main.domain == "":
		ru.main.skipped = fmt.Sprintf("the MAIL FROM address %q has no valid domain", f.MailFrom)
	}
	switch {
	case !f.IP.IsValid():
		ru.helo.skipped = ru.main.skipped
	case f.HELO == "":
		ru.helo.skipped = "no HELO name known: give --helo"
	case ru.helo.domain == "":
		ru.helo.skipped = fmt.Sprintf("the HELO name %q is not a domain name (RFC 7208 §2.3: no HELO check)", f.HELO)
	}
	var wg sync.WaitGroup
	if ru.main.skipped == "" {
		wg.Go(func() {
			sender := f.MailFrom
			if sender == "" {
				sender = "postmaster@" + ru.main.domain
			}
			ru.main.out = c.CheckHost(ctx, f.IP, ru.main.domain, sender, f.HELO)
			ru.main.evaluated = true
		})
	}
	if ru.helo.skipped == "" && !ru.heloSame {
		wg.Go(func() {
			ru.helo.out = c.CheckHost(ctx, f.IP, ru.helo.domain, "postmaster@"+ru.helo.domain, f.HELO)
			ru.helo.evaluated = true
		})
	}
	wg.Wait()
	if ru.heloSame {
		ru.helo = ru.main
	}
	return ru
}

func senderDomain(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return ""
	}
	d, err := dnsx.Domain(addr[at+1:])
	if err != nil {
		return ""
	}
	return d
}

func heloDomain(name string) string {
	if name == "" || strings.HasPrefix(name, "[") {
		return ""
	}
	d, err := dnsx.Domain(name)
	if err != nil || !strings.Contains(d, ".") {
		return ""
	}
	return d
}

// SPFData is the data of the spf check.
type SPFData struct {
	// Evaluated is false when check_host() could not be run (Skipped
	// says why); Result and the rest are then absent.
	Evaluated bool   `json:"evaluated"`
	Skipped   string `json:"skipped,omitempty"`
	// Identity is mailfrom, or helo when MAIL FROM is <>; Domain is its
	// domain, IP the client address.
	Identity string `json:"identity"`
	Domain   string `json:"domain,omitempty"`
	IP       string `json:"ip,omitempty"`
	// Result is check_host()'s result (RFC 7208 §2.6); Mechanism the
	// term that decided it and Explanation the exp= text of a fail.
	Result      spf.Result `json:"result,omitempty"`
	Mechanism   string     `json:"mechanism,omitempty"`
	Explanation string     `json:"explanation,omitempty"`
	Error       string     `json:"error,omitempty"`
	// Aligned: Domain is aligned with the From domain in the DMARC
	// policy's aspf mode.
	Aligned   bool   `json:"aligned"`
	Alignment string `json:"alignment"`
	// HELO is the check of the HELO identity.
	HELO SPFIdentity `json:"helo"`
	// Facts are the SMTP facts used and where each came from.
	Facts SMTPFacts `json:"facts"`
	// Receiver is the verdict the receiver recorded in Received-SPF.
	Receiver *ReceiverSPF `json:"receiver,omitempty"`
}

// SPFIdentity is the check of one identity.
type SPFIdentity struct {
	Domain    string     `json:"domain,omitempty"`
	Evaluated bool       `json:"evaluated"`
	Skipped   string     `json:"skipped,omitempty"`
	Result    spf.Result `json:"result,omitempty"`
	Mechanism string     `json:"mechanism,omitempty"`
	Error     string     `json:"error,omitempty"`
}

// ReceiverSPF is a Received-SPF verdict.
type ReceiverSPF struct {
	Result   string `json:"result"`
	ClientIP string `json:"client_ip,omitempty"`
	Identity string `json:"identity,omitempty"`
	Raw      string `json:"raw"`
}

const ref7208 = "RFC 7208 §2.6"

func judgeSPF(ru *run) checks.Result {
	res := checks.Result{}
	m := ru.spf.main
	aspf := ru.alignment(false)
	data := &SPFData{Evaluated: m.evaluated, Skipped: m.skipped, Identity: m.identity, Domain: m.domain, Alignment: aspf.words(), Facts: ru.facts.Data}
	res.Data = data
	if ru.facts.IP.IsValid() {
		data.IP = ru.facts.IP.String()
	}
	h := ru.spf.helo
	data.HELO = SPFIdentity{Domain: h.domain, Evaluated: h.evaluated, Skipped: h.skipped}
	if h.evaluated {
		data.HELO.Result, data.HELO.Mechanism, data.HELO.Error = h.out.Result, h.out.Mechanism, errText(h.out.Err)
	}
	if rs := ru.facts.receiverSPF; rs != nil {
		data.Receiver = &ReceiverSPF{Result: rs.Result, Identity: rs.Identity, Raw: textClip(rs.Raw)}
		if rs.ClientIP.IsValid() {
			data.Receiver.ClientIP = rs.ClientIP.String()
		}
	}
	if !m.evaluated {
		res.Status = checks.StatusInfo
		res.Add(finding("spf.not-evaluated", checks.SeverityInfo, "RFC 7208 §4",
			"Give the SMTP facts with --ip, --mail-from and --helo.",
			"SPF was not evaluated: %s", m.skipped))
		res.Summary = "not evaluated: " + m.skipped
		return res
	}
	o := m.out
	data.Result, data.Mechanism, data.Explanation, data.Error = o.Result, o.Mechanism, o.Explanation, errText(o.Err)
	data.Aligned = aligned(m.domain, ru.from.domain, aspf)
	who := fmt.Sprintf("%s for %s (%s identity)", data.IP, m.domain, m.identity)
	switch o.Result {
	case spf.Fail:
		res.Add(finding("spf.fail", checks.SeverityFail, ref7208,
			"Add the sending host to "+m.domain+"'s SPF record, or send through a host it lists.",
			"SPF fails for %s%s", who, by(o)))
	case spf.SoftFail:
		res.Add(finding("spf.softfail", checks.SeverityWarn, ref7208,
			"Add the sending host to "+m.domain+"'s SPF record, or send through a host it lists.",
			"SPF softfails for %s%s", who, by(o)))
	case spf.Neutral:
		res.Add(finding("spf.neutral", checks.SeverityInfo, ref7208,
			"List the sending host in "+m.domain+"'s SPF record for a pass.",
			"SPF is neutral for %s%s: the domain makes no assertion about this host", who, by(o)))
	case spf.None:
		res.Add(finding("spf.none", checks.SeverityWarn, ref7208,
			"Publish an SPF record for "+m.domain+" (relayctl check spf "+m.domain+").",
			"%s has no SPF record, so SPF gives none for %s", m.domain, data.IP))
	case spf.PermError:
		res.Add(finding("spf.permerror", checks.SeverityFail, "RFC 7208 §2.6.7",
			"Fix the SPF record of "+m.domain+" (relayctl check spf "+m.domain+" shows where).",
			"SPF gives permerror for %s: %s", who, data.Error))
	case spf.TempError:
		res.Status = checks.StatusError
		res.Error = "SPF gives temperror: " + data.Error
		res.Add(finding("spf.temperror", checks.SeverityWarn, "RFC 7208 §2.6.6",
			"Run the check again; if it persists, fix the name servers of "+m.domain+".",
			"SPF gives temperror for %s: %s", who, data.Error))
	}
	if o.Result == spf.Pass && ru.from.domain != "" && !data.Aligned {
		res.Add(finding("spf.not-aligned", checks.SeverityInfo, "RFC 7489 §3.1.2",
			"Use a MAIL FROM (bounce) address in the From domain, or rely on an aligned DKIM signature.",
			"SPF passes for %s, which is not aligned with the From domain %s (aspf=%s): it does not count for DMARC", m.domain, ru.from.domain, aspf.words()))
	}
	if h.evaluated && !ru.spf.heloSame && (h.out.Result == spf.Fail || h.out.Result == spf.SoftFail) {
		res.Add(finding("spf.helo-fail", checks.SeverityWarn, "RFC 7208 §2.3",
			"Publish an SPF record for the HELO name allowing the host (\"v=spf1 a -all\"), or greet with a name that has one.",
			"SPF %s for the HELO name %s from %s", h.out.Result, h.domain, data.IP))
	}
	if rs := data.Receiver; rs != nil && rs.Result != "" && rs.Result != string(o.Result) && (rs.ClientIP == "" || rs.ClientIP == data.IP) {
		res.Add(finding("spf.receiver-differs", checks.SeverityWarn, "RFC 7208 §9.1",
			"Find what changed: the SPF record since delivery, or the facts (give --ip, --mail-from, --helo as the receiver saw them).",
			"the receiver recorded SPF %s in Received-SPF; relayctl finds %s now", rs.Result, o.Result))
	}
	res.Summary = fmt.Sprintf("%s for %s from %s", o.Result, m.domain, data.IP)
	if data.Aligned {
		res.Summary += ", aligned"
	}
	return res
}

// by says which term decided a result.
func by(o spf.Outcome) string {
	if o.Mechanism == "" {
		return ""
	}
	return fmt.Sprintf(" (by %q in %s's record)", o.Mechanism, o.Domain)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return checks.Message(err)
}
