package received

import (
	"net/netip"
	"strings"

	"github.com/relayctl/relayctl/checks/internal/cfws"
)

// SPF is a Received-SPF field (RFC 7208 §9.1): the verdict an SPF
// verifier on the way recorded, with the facts it checked.
type SPF struct {
	// Result is the verdict in lower case: pass, fail, softfail, neutral,
	// none, temperror or permerror (RFC 7208 §8).
	Result string `json:"result"`
	// Comment is the comment after the result, without parentheses.
	Comment string `json:"comment,omitempty"`

	ClientIP     netip.Addr `json:"client_ip,omitzero"`
	EnvelopeFrom string     `json:"envelope_from,omitempty"`
	HELO         string     `json:"helo,omitempty"`
	Receiver     string     `json:"receiver,omitempty"`
	Identity     string     `json:"identity,omitempty"` // mailfrom, helo (or pypolicyd-spf's forms)
	Problem      string     `json:"problem,omitempty"`

	// Params are every key=value pair in order, the named ones included,
	// keys in lower case.
	Params []Param `json:"params,omitempty"`

	Raw string `json:"raw"`
}

// Param is one key=value pair.
type Param struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

var spfResults = [...]string{"pass", "fail", "softfail", "neutral", "none", "temperror", "permerror"}

// ParseSPF reads a Received-SPF field body. RFC 7208 §9.1 separates the
// pairs with ';'; verifiers also write them separated by spaces only
// (pypolicyd-spf) and put "<>" around values. It always returns an *SPF
// with Raw set; the error is a *SyntaxError.
func ParseSPF(value string) (*SPF, error) {
	r := &SPF{Raw: value}
	_, toks, lexErr := cfws.LexField(value, MaxFieldLen, ";", "<")
	if lexErr != nil {
		return r, lexError(lexErr)
	}
	if len(toks) == 0 || toks[0].Kind != cfws.Word {
		return r, syntaxError(0, ErrSyntax, "no SPF result")
	}
	res := strings.ToLower(toks[0].Text)
	known := false
	for _, k := range spfResults {
		known = known || res == k
	}
	if !known {
		return r, syntaxError(toks[0].Pos, ErrSyntax, "unknown SPF result "+quote(toks[0].Text))
	}
	r.Result = res
	var err error
	toks = toks[1:]
	if len(toks) > 0 && toks[0].Kind == cfws.Comment {
		r.Comment = toks[0].Text
		toks = toks[1:]
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.Kind == cfws.Special || t.Kind == cfws.Comment {
			continue
		}
		key, val, ok := t.Text, "", false
		if t.Kind == cfws.Word {
			key, val, ok = strings.Cut(t.Text, "=")
		}
		if ok && val == "" && i+1 < len(toks) && (toks[i+1].Kind == cfws.Quoted || toks[i+1].Kind == cfws.Angle) {
			i++ // key="quoted" or key=<angle>
			val = toks[i].Text
			if toks[i].Kind == cfws.Angle {
				val = "<" + val + ">"
			}
		}
		if !ok || key == "" {
			if err == nil {
				err = syntaxError(t.Pos, ErrSyntax, "expected key=value at "+quote(t.Text))
			}
			continue
		}
		key = strings.ToLower(key)
		r.Params = append(r.Params, Param{Key: key, Value: val})
		if e := r.set(key, val, t.Pos); e != nil && err == nil {
			err = e
		}
	}
	return r, err
}

func (r *SPF) set(key, val string, pos int) error {
	first := func(dst *string) {
		if *dst == "" {
			*dst = val
		}
	}
	switch key {
	case "client-ip":
		a := parseLiteral(val)
		if !a.IsValid() {
			return syntaxError(pos, ErrSyntax, "client-ip is not an address: "+quote(val))
		}
		if !r.ClientIP.IsValid() {
			r.ClientIP = a
		}
	case "envelope-from":
		if val != "<>" {
			val = strings.TrimSuffix(strings.TrimPrefix(val, "<"), ">")
		}
		first(&r.EnvelopeFrom)
	case "helo":
		first(&r.HELO)
	case "receiver":
		first(&r.Receiver)
	case "identity":
		first(&r.Identity)
	case "problem":
		first(&r.Problem)
	}
	return nil
}
