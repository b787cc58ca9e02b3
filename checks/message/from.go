package message

import (
	"net/mail"
	"strings"

	"github.com/relayctl/relayctl/checks/dkimverify"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/internal/cfws"
	"github.com/relayctl/relayctl/internal/textutil"
)

// fromDomain is what the From fields say about the RFC5322.From domain,
// the identity DMARC protects (RFC 7489 §3.1, §6.6.1).
type fromDomain struct {
	// fields counts the From fields; addresses the addresses in them.
	fields    int
	addresses int
	// domains are the distinct domains of the addresses, in order, lower
	// case; domain is the one DMARC judges: the only one, else "".
	domains []string
	domain  string
	// text is the first From field's value, unfolded.
	text string
	// bad says why an address could not be read; "" when all could.
	bad string
}

// maxFromText bounds the From text kept for the report.
const maxFromText = 256

// headerFrom reads every From field of the header.
func headerFrom(h []dkimverify.Field) fromDomain {
	var f fromDomain
	seen := map[string]bool{}
	for _, fl := range h {
		if !fl.Is("From") {
			continue
		}
		f.fields++
		v := strings.TrimSpace(cfws.Unfold(string(fl.Value())))
		if f.fields == 1 {
			f.text = textutil.Clip(v, maxFromText)
		}
		for _, a := range fromAddresses(v, &f.bad) {
			f.addresses++
			d := addressDomain(a)
			if d == "" {
				if f.bad == "" {
					f.bad = "the address " + textutil.Clip(a, 80) + " has no valid domain"
				}
				continue
			}
			if !seen[d] {
				seen[d] = true
				f.domains = append(f.domains, d)
			}
		}
	}
	if f.fields == 1 && f.addresses == 1 && len(f.domains) == 1 {
		f.domain = f.domains[0]
	}
	return f
}

// fromAddresses returns the addresses of one From field: by the RFC 5322
// grammar when it parses, else whatever looks like local@domain, so that
// a malformed From (a DMARC bypass in itself) still shows its domains.
func fromAddresses(v string, bad *string) []string {
	list, err := mail.ParseAddressList(v)
	if err == nil {
		out := make([]string, len(list))
		for i, a := range list {
			out[i] = a.Address
		}
		return out
	}
	if *bad == "" {
		*bad = "the From field does not follow RFC 5322 §3.6.2"
	}
	var out []string
	for _, w := range strings.FieldsFunc(v, func(r rune) bool {
		return r == ',' || r == ' ' || r == '\t' || r == '<' || r == '>' || r == '"' || r == '(' || r == ')'
	}) {
		if strings.Contains(w, "@") {
			out = append(out, w)
		}
	}
	return out
}

// addressDomain is the domain of an address, normalised; "" when it is
// not a valid domain.
func addressDomain(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return ""
	}
	d, err := dnsx.Domain(strings.TrimSuffix(addr[at+1:], "."))
	if err != nil || !strings.Contains(d, ".") {
		return ""
	}
	return d
}
