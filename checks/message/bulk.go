package message

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dkimverify"
	"github.com/relayctl/relayctl/checks/internal/cfws"
	"github.com/relayctl/relayctl/checks/mx"
	"github.com/relayctl/relayctl/checks/received"
	"github.com/relayctl/relayctl/checks/spf"
)

// The mailbox providers' bulk-sender pages (for more than 5,000
// messages a day), named in the hints of the bulk findings.
const (
	providerGoogle    = "Gmail (Email sender guidelines, https://support.google.com/a/answer/81126)"
	providerYahoo     = "Yahoo (Sender best practices, https://senders.yahooinc.com/best-practices/)"
	providerMicrosoft = "Outlook.com (techcommunity.microsoft.com, “Strengthening Email Ecosystem: Outlook’s New Requirements for High-Volume Senders”, in force from May 2025)"
)

// providerDomains are the mailbox providers' own From domains: a
// message From one of them that they did not sign or align is an
// impersonation (Gmail's guidelines forbid it).
var providerDomains = []string{
	"gmail.com", "googlemail.com",
	"yahoo.com", "ymail.com", "rocketmail.com", "aol.com",
	"outlook.com", "hotmail.com", "live.com", "msn.com",
}

// Requirement states.
const (
	BulkMet       = "met"
	BulkMissed    = "missed"
	BulkNotJudged = "not-judged"
)

// BulkData is the data of the bulk check.
type BulkData struct {
	// Enforced is --bulk: missed requirements are warn or fail, not info.
	Enforced     bool              `json:"enforced"`
	Requirements []BulkRequirement `json:"requirements"`
	// PTR is the forward-confirmed reverse DNS of the sending IP, when
	// one was known and looked up.
	PTR *mx.Address `json:"ptr,omitempty"`
}

// BulkRequirement is one requirement and whether the message meets it.
type BulkRequirement struct {
	// ID names the requirement (spf, dkim, dmarc, ptr, tls, headers,
	// impersonation, unsubscribe); Providers are those that demand it.
	ID        string   `json:"id"`
	State     string   `json:"state"`
	Providers []string `json:"providers"`
	Detail    string   `json:"detail,omitempty"`
}

// bulkRule is one requirement's code, its severity under --bulk, and
// what the hint tells.
type bulkRule struct {
	id        string
	providers []string
	sev       checks.Severity
	ref, fix  string
}

var (
	allThree = []string{providerGoogle, providerYahoo, providerMicrosoft}
	gy       = []string{providerGoogle, providerYahoo}
)

// judgeBulk checks the message against the bulk-sender requirements of
// Gmail, Yahoo and Outlook.com. A missed requirement is an info finding
// unless Options.Bulk, when it is a fail (a warn for one-click
// unsubscribe, which only marketing and subscribed mail must have).
func judgeBulk(ru *run) checks.Result {
	data := &BulkData{Enforced: ru.opts.Bulk, Requirements: []BulkRequirement{}}
	res := checks.Result{Data: data}
	missed := 0
	check := func(r bulkRule, state, detail, code, format string, args ...any) {
		data.Requirements = append(data.Requirements, BulkRequirement{ID: r.id, State: state, Providers: shortProviders(r.providers), Detail: detail})
		switch state {
		case BulkMet:
			return
		case BulkNotJudged:
			res.Add(finding("bulk.not-judged", checks.SeverityInfo, r.ref, r.fix+" Required by "+strings.Join(r.providers, "; ")+".", format, args...))
			return
		}
		missed++
		sev := checks.SeverityInfo
		if ru.opts.Bulk {
			sev = r.sev
		}
		res.Add(finding(code, sev, r.ref, r.fix+" Required by "+strings.Join(r.providers, "; ")+".", format, args...))
	}

	// SPF and DKIM both pass.
	spfRule := bulkRule{"spf", allThree, checks.SeverityFail, "RFC 7208 §2.6", "Send from a host the MAIL FROM domain's SPF record lists."}
	switch m := ru.spf.main; {
	case !m.evaluated:
		check(spfRule, BulkNotJudged, m.skipped, "", "SPF was not evaluated: %s", m.skipped)
	case m.out.Result == spf.Pass:
		check(spfRule, BulkMet, "pass for "+m.domain, "", "")
	default:
		check(spfRule, BulkMissed, string(m.out.Result), "bulk.spf", "SPF does not pass for %s (%s): bulk senders must pass SPF", m.domain, m.out.Result)
	}
	dkimRule := bulkRule{"dkim", allThree, checks.SeverityFail, "RFC 6376 §6.1", "Sign every message with DKIM (2048-bit key) for your domain."}
	if d := passingDomains(ru.dkim.Signatures); len(d) > 0 {
		check(dkimRule, BulkMet, "pass for "+strings.Join(d, ", "), "", "")
	} else {
		check(dkimRule, BulkMissed, "no signature passes", "bulk.dkim", "no DKIM signature passes: bulk senders must sign with DKIM")
	}

	// DMARC published (p=none is enough) and aligned.
	dmarcRule := bulkRule{"dmarc", allThree, checks.SeverityFail, "RFC 7489 §6.6", "Publish a DMARC record (p=none is enough) and send with DKIM or SPF aligned with the From domain."}
	dm := ru.dmarcData
	switch {
	case ru.from.domain == "":
		check(dmarcRule, BulkMissed, "no single From domain", "bulk.dmarc", "the message has no single From domain for DMARC to judge")
	case ru.policy.Record == nil:
		check(dmarcRule, BulkMissed, "no record", "bulk.dmarc", "the From domain %s publishes no DMARC record: bulk senders must publish one (p=none is enough)", ru.from.domain)
	case dm == nil || dm.Result != DMARCPass:
		check(dmarcRule, BulkMissed, "not aligned", "bulk.dmarc-alignment", "neither DKIM nor SPF passes aligned with the From domain %s: bulk senders must pass DMARC", ru.from.domain)
	default:
		check(dmarcRule, BulkMet, "pass for "+ru.from.domain, "", "")
	}

	// A forward-confirmed PTR for the sending IP.
	ptrRule := bulkRule{"ptr", gy, checks.SeverityFail, "RFC 1912 §2.1", "Set the sending IP's PTR to a name whose A/AAAA record is that IP."}
	ip := ru.facts.IP
	switch {
	case !ip.IsValid():
		check(ptrRule, BulkNotJudged, "no sending IP", "", "no sending IP known for the PTR check: give --ip, or the message with its Received fields")
	case !publicAddr(ip):
		check(ptrRule, BulkNotJudged, "not a public address", "", "the sending IP %s is not a public address: its PTR is not judged", ip)
	case ru.ptr == nil:
		check(ptrRule, BulkNotJudged, "not looked up", "", "the PTR of %s was not looked up", ip)
	case ru.ptr.Confirmed:
		data.PTR = ru.ptr
		check(ptrRule, BulkMet, ru.ptr.ConfirmedName, "", "")
	case ru.ptr.Error != "" && len(ru.ptr.PTR) == 0:
		data.PTR = ru.ptr
		check(ptrRule, BulkNotJudged, ru.ptr.Error, "", "the PTR of %s could not be looked up: %s", ip, ru.ptr.Error)
	default:
		data.PTR = ru.ptr
		what := "has no PTR record"
		if len(ru.ptr.PTR) > 0 {
			what = "has PTR " + strings.Join(ru.ptr.PTR, ", ") + ", which does not resolve back to it"
		}
		check(ptrRule, BulkMissed, what, "bulk.ptr", "the sending IP %s %s: bulk senders need forward-confirmed reverse DNS", ip, what)
	}

	// TLS on the hop into the receiver.
	tlsRule := bulkRule{"tls", []string{providerGoogle}, checks.SeverityFail, "RFC 3207", "Send over STARTTLS: offer and use TLS on the sending MTA."}
	if h, ok := receivingHop(ru.path, ru.facts); !ok {
		check(tlsRule, BulkNotJudged, "no Received field", "", "no Received field tells whether the last hop used TLS")
	} else {
		switch h.Header.TLS {
		case received.Yes:
			check(tlsRule, BulkMet, "hop "+orDash(h.Header.With), "", "")
		case received.No:
			check(tlsRule, BulkMissed, "clear text", "bulk.tls", "the last hop (%s, with %s) was not over TLS: bulk senders must use TLS", hopEnds(h), orDash(h.Header.With))
		default:
			check(tlsRule, BulkNotJudged, "unknown", "", "the last hop's Received field (%s) does not say whether it used TLS", hopEnds(h))
		}
	}

	// RFC 5322: one From, one Date, a Message-ID.
	hdrRule := bulkRule{"headers", gy, checks.SeverityFail, "RFC 5322 §3.6", "Give every message exactly one From, one Date and one Message-ID."}
	if bad := headerProblems(ru.msg.Header); len(bad) > 0 {
		check(hdrRule, BulkMissed, strings.Join(bad, "; "), "bulk.headers", "the header section breaks RFC 5322: %s", strings.Join(bad, "; "))
	} else {
		check(hdrRule, BulkMet, "", "", "")
	}

	// No From in a mailbox provider's domain that it did not sign.
	impRule := bulkRule{"impersonation", []string{providerGoogle}, checks.SeverityFail, "RFC 7489 §3.1", "Send From your own domain, not a mailbox provider's."}
	switch d := providerDomain(ru.from.domains); {
	case d == "":
		check(impRule, BulkMet, "", "", "")
	case dm != nil && dm.Result == DMARCPass:
		check(impRule, BulkMet, d+", authenticated", "", "")
	default:
		check(impRule, BulkMissed, d, "bulk.impersonation", "the From domain %s is a mailbox provider's, and the message does not pass DMARC for it: an impersonation", d)
	}

	// One-click unsubscribe (RFC 8058).
	unsubRule := bulkRule{"unsubscribe", gy, checks.SeverityWarn, "RFC 8058 §3", "Add List-Unsubscribe with an https URI and List-Unsubscribe-Post: List-Unsubscribe=One-Click, both signed by DKIM (marketing and subscribed mail)."}
	switch u := oneClickOf(ru.msg.Header, ru.dkim.Signatures); {
	case !u.https:
		check(unsubRule, BulkMissed, "no https List-Unsubscribe", "bulk.unsubscribe", "%s", u.why)
	case !u.post:
		check(unsubRule, BulkMissed, "no One-Click", "bulk.one-click", "%s", u.why)
	case !u.signed:
		check(unsubRule, BulkMissed, "not signed", "bulk.one-click-unsigned", "%s", u.why)
	default:
		check(unsubRule, BulkMet, "signed by "+u.signer, "", "")
	}

	met := 0
	for _, r := range data.Requirements {
		if r.State == BulkMet {
			met++
		}
	}
	res.Summary = strings.Join([]string{strconv.Itoa(met) + " of " + strconv.Itoa(len(data.Requirements)) + " bulk-sender requirements met", strconv.Itoa(missed) + " missed"}, ", ")
	if !ru.opts.Bulk && missed > 0 {
		res.Summary += " (info: pass --bulk to enforce)"
	}
	return res
}

// shortProviders names the providers without their pages, for the data.
func shortProviders(ps []string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i], _, _ = strings.Cut(p, " (")
	}
	return out
}

// passingDomains are the d= of the DKIM signatures that pass.
func passingDomains(sigs []dkimverify.SignatureResult) []string {
	var out []string
	for _, s := range sigs {
		if s.Status == dkimverify.StatusPass && !slices.Contains(out, s.Domain) {
			out = append(out, s.Domain)
		}
	}
	return out
}

// publicAddr: an address a PTR check means something for.
func publicAddr(a netip.Addr) bool {
	return a.IsGlobalUnicast() && !a.IsPrivate()
}

// receivingHop is the hop into the receiver: the Received field the
// client address was taken from, else the newest one.
func receivingHop(p received.Path, f smtpFacts) (received.Hop, bool) {
	if len(p.Hops) == 0 {
		return received.Hop{}, false
	}
	if f.Data.IP.Source != sourceFlag && f.IP.IsValid() {
		for i := len(p.Hops) - 1; i >= 0; i-- {
			if p.Hops[i].Header.From.IP == f.IP {
				return p.Hops[i], true
			}
		}
	}
	return p.Hops[len(p.Hops)-1], true
}

// headerProblems lists what breaks RFC 5322 §3.6's counts: exactly one
// From and one Date (orig-date), one Message-ID (a SHOULD there, a must
// for the providers).
func headerProblems(h []dkimverify.Field) []string {
	count := map[string]int{}
	var date string
	for _, f := range h {
		for _, n := range []string{"From", "Date", "Message-ID"} {
			if f.Is(n) {
				count[n]++
				if n == "Date" && date == "" {
					date = string(f.Value())
				}
			}
		}
	}
	var bad []string
	for _, n := range []string{"From", "Date", "Message-ID"} {
		switch c := count[n]; {
		case c == 0:
			bad = append(bad, "no "+n)
		case c > 1:
			bad = append(bad, strconv.Itoa(c)+" "+n+" fields")
		}
	}
	if count["Date"] == 1 {
		if _, err := received.ParseDate(date); err != nil {
			bad = append(bad, "the Date cannot be read")
		}
	}
	return bad
}

// providerDomain is the first From domain that is a mailbox provider's
// (or under one); "" when none is.
func providerDomain(domains []string) string {
	for _, d := range domains {
		for _, p := range providerDomains {
			if d == p || strings.HasSuffix(d, "."+p) {
				return d
			}
		}
	}
	return ""
}

// oneClick is what the List-Unsubscribe fields give (RFC 2369, RFC 8058).
type oneClick struct {
	https, post, signed bool
	signer              string
	why                 string
}

// oneClickOf reads List-Unsubscribe and List-Unsubscribe-Post and the
// signatures that cover them. RFC 8058 §3: the POST field's value is
// exactly "List-Unsubscribe=One-Click", List-Unsubscribe has an HTTPS
// URI, and §4: a DKIM signature covers both fields.
func oneClickOf(h []dkimverify.Field, sigs []dkimverify.SignatureResult) oneClick {
	var u oneClick
	list, post := 0, 0
	for _, f := range h {
		v := strings.TrimSpace(cfws.Unfold(string(f.Value())))
		switch {
		case f.Is("List-Unsubscribe"):
			list++
			for _, uri := range strings.Split(v, ",") {
				uri = strings.TrimSpace(uri)
				if strings.HasPrefix(uri, "<") && strings.HasSuffix(uri, ">") && strings.HasPrefix(strings.ToLower(uri[1:]), "https://") {
					u.https = true
				}
			}
		case f.Is("List-Unsubscribe-Post"):
			post++
			if v == "List-Unsubscribe=One-Click" {
				u.post = true
			}
		}
	}
	switch {
	case list == 0:
		u.why = "the message has no List-Unsubscribe field: marketing and subscribed mail must offer one-click unsubscribe"
		return u
	case !u.https:
		u.why = "List-Unsubscribe has no https URI in angle brackets: one-click unsubscribe needs one (RFC 8058 §3.1)"
		return u
	case post == 0:
		u.why = "List-Unsubscribe has no List-Unsubscribe-Post: List-Unsubscribe=One-Click beside it"
		return u
	case !u.post:
		u.why = "List-Unsubscribe-Post is not exactly List-Unsubscribe=One-Click"
		return u
	}
	for _, s := range sigs {
		if s.Status != dkimverify.StatusPass {
			continue
		}
		if covers(s.Headers, "List-Unsubscribe") && covers(s.Headers, "List-Unsubscribe-Post") {
			u.signed, u.signer = true, s.Domain
			return u
		}
	}
	u.why = "no passing DKIM signature covers both List-Unsubscribe and List-Unsubscribe-Post in h=: receivers ignore an unsigned one-click (RFC 8058 §4)"
	return u
}

func covers(headers []string, name string) bool {
	return slices.ContainsFunc(headers, func(h string) bool { return strings.EqualFold(strings.TrimSpace(h), name) })
}
