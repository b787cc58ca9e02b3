package message

import (
	"fmt"
	"slices"
	"strings"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/authres"
	"github.com/relayctl/relayctl/checks/dkimverify"
	"github.com/relayctl/relayctl/internal/textutil"
)

// AuthresData is the data of the authres check.
type AuthresData struct {
	// TrustedIDs are the authserv-ids given as trusted.
	TrustedIDs []string        `json:"trusted_ids"`
	Headers    []AuthresHeader `json:"headers"`
}

// AuthresHeader is one Authentication-Results field.
type AuthresHeader struct {
	// Index is its place among the Authentication-Results fields, 0 the
	// topmost.
	Index      int             `json:"index"`
	AuthServID string          `json:"authserv_id"`
	Trusted    bool            `json:"trusted"`
	Results    []AuthresResult `json:"results"`
	Error      string          `json:"error,omitempty"`
	Raw        string          `json:"raw"`
}

// AuthresResult is one method's verdict in a field and, for a trusted
// field, relayctl's own verdict on the same thing.
type AuthresResult struct {
	Method string `json:"method"`
	Result string `json:"result"`
	// Identifier is what the verdict is about: header.d of a dkim
	// result, smtp.mailfrom or smtp.helo of spf, header.from of dmarc.
	Identifier string `json:"identifier,omitempty"`
	Reason     string `json:"reason,omitempty"`
	// Ours is relayctl's result for the same method and identifier; ""
	// when relayctl has none to compare (an untrusted field, a method it
	// does not check, SPF not evaluated).
	Ours string `json:"ours,omitempty"`
	// Agrees is set when Ours is.
	Agrees *bool `json:"agrees,omitempty"`
}

const maxRaw = 512

func textClip(s string) string { return textutil.Clip(s, maxRaw) }

func judgeAuthres(ru *run) checks.Result {
	res := checks.Result{}
	var values []string
	for _, f := range ru.msg.Header {
		if f.Is("Authentication-Results") {
			values = append(values, string(f.Value()))
		}
	}
	data := &AuthresData{TrustedIDs: ru.opts.AuthServIDs, Headers: []AuthresHeader{}}
	if data.TrustedIDs == nil {
		data.TrustedIDs = []string{}
	}
	res.Data = data
	var untrusted []string
	disagree := 0
	for _, e := range authres.ParseAll(values, ru.opts.AuthServIDs) {
		h := AuthresHeader{Index: e.Index, AuthServID: e.Header.AuthServID, Trusted: e.Header.Trusted, Results: []AuthresResult{}, Raw: textClip(e.Header.Raw)}
		if e.Err != nil {
			h.Error = checks.Message(e.Err)
			res.Add(finding("authres.unreadable", checks.SeverityInfo, "RFC 8601 §2.2",
				"Nothing to do unless the field is your receiver's: then report it to its vendor.",
				"Authentication-Results field %d (%s) cannot be read in full: %s", e.Index+1, idName(h.AuthServID), h.Error))
		}
		for _, r := range e.Header.Results {
			ar := AuthresResult{Method: r.Method, Result: string(r.Value), Identifier: identifier(r), Reason: r.Reason}
			if h.Trusted {
				if ours, ok := ru.ourVerdict(r); ok {
					agree := strings.EqualFold(ours, ar.Result)
					ar.Ours, ar.Agrees = ours, &agree
					if !agree {
						disagree++
						res.Add(finding("authres.disagree", checks.SeverityWarn, "RFC 8601 §5",
							"If the trusted receiver said pass and relayctl says otherwise, the message changed after it checked (a forwarder's footer, a list's Subject tag) or the key changed since; if the reverse, the receiver used a stale or wrong key or record.",
							"%s recorded %s=%s%s; relayctl finds %s", idName(h.AuthServID), ar.Method, ar.Result, about(ar.Identifier), ours))
					}
				}
			}
			h.Results = append(h.Results, ar)
		}
		if !h.Trusted && !slices.Contains(untrusted, idName(h.AuthServID)) {
			untrusted = append(untrusted, idName(h.AuthServID))
		}
		data.Headers = append(data.Headers, h)
	}
	if len(untrusted) > 0 {
		res.Add(finding("authres.untrusted", checks.SeverityInfo, "RFC 8601 §5",
			"Pass --authserv-id with your receiver's authserv-id to compare its verdicts with relayctl's.",
			"Authentication-Results from %s are reported, not believed: their authserv-id is not one given with --authserv-id", strings.Join(untrusted, ", ")))
	}
	switch {
	case len(data.Headers) == 0:
		res.Summary = "no Authentication-Results fields"
	case disagree > 0:
		res.Summary = fmt.Sprintf("%d fields; %d verdicts of trusted receivers differ from relayctl's", len(data.Headers), disagree)
	default:
		res.Summary = fmt.Sprintf("%d fields, %d untrusted", len(data.Headers), countUntrusted(data.Headers))
	}
	return res
}

func countUntrusted(hs []AuthresHeader) int {
	n := 0
	for _, h := range hs {
		if !h.Trusted {
			n++
		}
	}
	return n
}

func idName(id string) string {
	if id == "" {
		return "a receiver without authserv-id"
	}
	return id
}

func about(id string) string {
	if id == "" {
		return ""
	}
	return " for " + id
}

// identifier is what a result is about.
func identifier(r authres.Result) string {
	switch {
	case r.DKIM != nil:
		return r.DKIM.Domain
	case r.SPF != nil && r.SPF.MailFrom != "":
		return r.SPF.MailFrom
	case r.SPF != nil:
		return r.SPF.HELO
	case r.DMARC != nil:
		return r.DMARC.From
	}
	return ""
}

// ourVerdict is relayctl's own result for what r is about, when it has
// one to compare.
func (ru *run) ourVerdict(r authres.Result) (string, bool) {
	switch r.Method {
	case "dkim":
		return ru.ourDKIM(r)
	case "spf":
		if r.SPF == nil {
			return "", false
		}
		id, ev := ru.spf.main, r.SPF.MailFrom
		if ev == "" {
			id, ev = ru.spf.helo, r.SPF.HELO
		}
		if !id.evaluated || !strings.EqualFold(strings.TrimSuffix(domainOf(ev), "."), id.domain) {
			return "", false
		}
		return string(id.out.Result), true
	case "dmarc":
		if ru.dmarcResult == "" || (r.DMARC != nil && r.DMARC.From != "" && !strings.EqualFold(r.DMARC.From, ru.from.domain)) {
			return "", false
		}
		return ru.dmarcResult, true
	case "arc":
		return string(ru.arc.Status), true
	}
	return "", false
}

// ourDKIM finds the signature a dkim result names by header.d, and
// header.s or the start of header.b when given.
func (ru *run) ourDKIM(r authres.Result) (string, bool) {
	if r.DKIM == nil || r.DKIM.Domain == "" {
		return "", false
	}
	for _, s := range ru.dkim.Signatures {
		if !strings.EqualFold(s.Domain, r.DKIM.Domain) {
			continue
		}
		if r.DKIM.Selector != "" && !strings.EqualFold(s.Selector, r.DKIM.Selector) {
			continue
		}
		if b := r.DKIM.Signature; b != "" && !sigStarts(s, b) {
			continue
		}
		return string(s.Status), true
	}
	if r.Value == "pass" {
		// The receiver verified a signature that is no longer there.
		return "absent", true
	}
	return "", false
}

// sigStarts reports whether the signature's b= starts with prefix, as
// header.b gives it (RFC 6008 §4).
func sigStarts(s dkimverify.SignatureResult, prefix string) bool {
	if s.Signature == nil {
		return false
	}
	b := s.Signature.Tags
	for _, t := range b {
		if t.Name == "b" {
			v := strings.Map(func(r rune) rune {
				if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
					return -1
				}
				return r
			}, t.Value)
			return strings.HasPrefix(v, prefix)
		}
	}
	return false
}

func domainOf(addr string) string {
	if at := strings.LastIndexByte(addr, '@'); at >= 0 {
		return addr[at+1:]
	}
	return addr
}
