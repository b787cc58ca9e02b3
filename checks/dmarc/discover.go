package dmarc

import (
	"errors"
	"strings"

	"github.com/relayctl/relayctl/checks/dnsx"

	"github.com/relayctl/relayctl/checks"
	"golang.org/x/net/publicsuffix"
)

// maxWalkQueries bounds the DMARCbis DNS tree walk (RFC 9989 §4.10).
const maxWalkQueries = 8

// WalkNames returns the names whose _dmarc record the DMARCbis DNS tree
// walk asks for, in order (RFC 9989 §4.10): the domain itself; then, for
// a name of 8 or more labels, its last 7 labels, else its parent; then
// one label less at a time down to the top-level domain. That is at most
// 8 names.
func WalkNames(domain string) []string {
	labels := strings.Split(strings.TrimSuffix(domain, "."), ".")
	names := []string{strings.Join(labels, ".")}
	rest := labels[1:]
	if len(labels) >= maxWalkQueries {
		// The shortcut that caps the walk: jump straight to 7 labels.
		rest = labels[len(labels)-(maxWalkQueries-1):]
	}
	for ; len(rest) > 0; rest = rest[1:] {
		names = append(names, strings.Join(rest, "."))
	}
	return names
}

// OrgDomainPSL is the organizational domain by the public suffix list, as
// RFC 7489 §3.2 defines it: the public suffix plus one label (the domain
// itself when it is a public suffix).
func OrgDomainPSL(domain string) string {
	org, err := publicsuffix.EffectiveTLDPlusOne(domain)
	if err != nil {
		return domain
	}
	return org
}

// Step results.
const (
	StepRecord   = "record"   // exactly one DMARC record
	StepNone     = "none"     // no DMARC record (other TXT records are ignored)
	StepMultiple = "multiple" // several DMARC records: all discarded
	StepError    = "error"    // the DNS query failed
	StepOffline  = "offline"  // outside the zone files with --offline: not asked
)

// Step is one query of the tree walk.
type Step struct {
	Domain string `json:"domain"` // the name whose _dmarc record was asked for
	Result string `json:"result"` // record, none, multiple, error or offline
	Record string `json:"record,omitempty"`
	PSD    string `json:"psd,omitempty"` // the record's psd tag, when set
	Error  string `json:"error,omitempty"`
}

// lookup is the answer to one _dmarc query.
type lookup struct {
	name string   // the domain, without _dmarc
	txts []string // every TXT record's joined strings
	err  error
}

// Organizational domain rules (RFC 9989 §4.10.2).
const (
	OrgRulePSDNo   = "psd=n"         // a record with psd=n names it
	OrgRulePSDYes  = "psd=y"         // one label below a record with psd=y
	OrgRuleFewest  = "fewest-labels" // the record with the fewest labels
	OrgRuleDefault = "no-record"     // no record found: the domain itself
)

// How the record that applies was found.
const (
	MethodDirect   = "direct"    // at _dmarc.<domain>
	MethodTreeWalk = "tree-walk" // the organizational domain's, found by the tree walk
	MethodPSD      = "psd"       // the public suffix domain's (psd=y), found by the tree walk
	MethodNone     = "none"
)

// walkResult is what the tree walk found.
type walkResult struct {
	Steps        []Step
	OrgDomain    string
	OrgRule      string
	PolicyDomain string // whose record applies; "" when none
	PolicyRecord string
	Method       string
	// Incomplete is set when a query before the end of the walk failed:
	// its answer might have changed the outcome.
	Incomplete bool
	ErrorAt    []string
}

// dmarcTXT splits the TXT records at a _dmarc name into DMARC records
// (those starting with a v=DMARC1 tag, RFC 7489 §6.6.3 step 3), SPF
// records (a wildcard TXT answering for _dmarc), and broken records that
// look like DMARC but that receivers discard.
func dmarcTXT(txts []string) (dmarc, spf, broken []string) {
	for _, t := range txts {
		switch {
		case isDMARC(t):
			dmarc = append(dmarc, t)
		case isSPF(t):
			spf = append(spf, t)
		case strings.Contains(strings.ToLower(t), "dmarc"):
			broken = append(broken, t)
		}
	}
	return
}

// isDMARC reports whether the record's first tag is v=DMARC1.
func isDMARC(txt string) bool {
	first, _, _ := strings.Cut(txt, ";")
	tags, errs := recordTags.Split(first)
	return len(errs) == 0 && len(tags) == 1 && tags[0].Name == "v" && tags[0].Value == Version
}

func isSPF(txt string) bool {
	s := strings.ToLower(strings.TrimLeft(txt, " \t"))
	return s == "v=spf1" || strings.HasPrefix(s, "v=spf1 ")
}

// psdOf returns the value of a record's psd tag, "" when unset or unreadable.
func psdOf(txt string) string {
	tags, _ := recordTags.Split(txt)
	for _, t := range tags {
		if t.Name == "psd" {
			return strings.ToLower(t.Value)
		}
	}
	return ""
}

// evaluateWalk applies the DNS tree walk (RFC 9989 §4.10) to the answers
// for WalkNames(domain), in that order: it stops at a record with psd=y
// or psd=n, picks the organizational domain (§4.10.2) and the policy
// record (§4.10.1: the domain's own, else its organizational domain's,
// else the public suffix domain's).
func evaluateWalk(domain string, looks []lookup) walkResult {
	var w walkResult
	type found struct {
		name, record, psd string
	}
	var records []found
	for _, l := range looks {
		st := Step{Domain: l.name}
		if errors.Is(l.err, dnsx.ErrOffline) {
			// With --offline, names outside the zone files are unknown on
			// purpose: the user checks a zone before publishing it. Such
			// a name counts as having no record.
			st.Result = StepOffline
			w.Steps = append(w.Steps, st)
			continue
		}
		if l.err != nil {
			st.Result, st.Error = StepError, checks.Message(l.err)
			w.Incomplete = true
			w.ErrorAt = append(w.ErrorAt, l.name)
			w.Steps = append(w.Steps, st)
			continue
		}
		dm, _, _ := dmarcTXT(l.txts)
		switch len(dm) {
		case 0:
			st.Result = StepNone
		case 1:
			st.Result, st.Record = StepRecord, dm[0]
			st.PSD = psdOf(dm[0])
			records = append(records, found{l.name, dm[0], st.PSD})
		default:
			// Several DMARC records at one name are all discarded
			// (RFC 9989 §4.10 steps 2 and 6).
			st.Result = StepMultiple
		}
		w.Steps = append(w.Steps, st)
		if st.PSD == "y" || st.PSD == "n" {
			break // §4.10 steps 2 and 6
		}
	}

	// Organizational domain, from the longest name to the shortest
	// (§4.10.2).
	w.OrgDomain, w.OrgRule = domain, OrgRuleDefault
	if n := len(records); n > 0 {
		last := records[n-1]
		switch {
		case last.psd == "n":
			w.OrgDomain, w.OrgRule = last.name, OrgRulePSDNo
		case last.psd == "y" && last.name != domain:
			// One label below the public suffix domain, taken from the
			// domain itself (the walk may have skipped that name).
			labels := strings.Split(domain, ".")
			k := len(strings.Split(last.name, ".")) + 1
			w.OrgDomain, w.OrgRule = strings.Join(labels[len(labels)-k:], "."), OrgRulePSDYes
		default:
			w.OrgDomain, w.OrgRule = last.name, OrgRuleFewest
		}
	}

	// Policy record.
	byName := map[string]found{}
	for _, r := range records {
		byName[r.name] = r
	}
	switch {
	case byName[domain].record != "":
		w.PolicyDomain, w.PolicyRecord, w.Method = domain, byName[domain].record, MethodDirect
	case byName[w.OrgDomain].record != "":
		w.PolicyDomain, w.PolicyRecord, w.Method = w.OrgDomain, byName[w.OrgDomain].record, MethodTreeWalk
	case len(records) > 0 && records[len(records)-1].psd == "y":
		psd := records[len(records)-1]
		w.PolicyDomain, w.PolicyRecord, w.Method = psd.name, psd.record, MethodPSD
	default:
		w.Method = MethodNone
	}
	return w
}
