package tlsrpt

import (
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strings"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/internal/taglist"
	"github.com/relayctl/relayctl/internal/textutil"
)

// recordFields reads the fields of a TLS-RPT record after its version
// (RFC 8460 §3: *WSP ";" *WSP between fields, none around "=", a final
// ";" allowed, no empty field).
var recordFields = taglist.Grammar[pkg]{Err: ErrSyntax, NoEmpty: true, Fields: true}

// pkg names this package in the taglist errors it converts.
type pkg struct{}

func (pkg) Prefix() string { return "tlsrpt: " }

// recordPrefix starts every TLS-RPT record; senders discard TXT records
// at _smtp._tls that do not start with it (RFC 8460 §3).
const recordPrefix = "v=TLSRPTv1;"

// IsRecord reports whether senders count a TXT record as TLS-RPT.
func IsRecord(txt string) bool { return strings.HasPrefix(txt, recordPrefix) }

// looksLikeRecord reports whether a TXT record was meant as TLS-RPT even
// if senders discard it.
func looksLikeRecord(txt string) bool {
	s := strings.ToLower(strings.Join(strings.Fields(txt), ""))
	return strings.HasPrefix(s, "v=tlsrpt")
}

// Parse parses a TLS-RPT record (RFC 8460 §3):
//
//	v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://reports.example.com/tlsrpt
//
// The version comes first, exactly; rua is required and lists mailto:
// and https: URIs separated by commas; other fields are extensions. The
// error is Errors (each with its column) or nil; the record holds what
// could be read either way.
func Parse(txt string) (*Record, error) {
	rec := &Record{RUA: []URI{}}
	var errs Errors
	add := func(col int, field, msg string) {
		errs = append(errs, &SyntaxError{Col: col, Field: field, Msg: msg})
	}
	if !IsRecord(txt) {
		if strings.HasPrefix(txt, "v=TLSRPTv1") {
			add(11, "v", `the version must be followed by ";"`)
		} else {
			add(1, "v", `the record must start with exactly "v=TLSRPTv1;"`)
		}
		if !looksLikeRecord(txt) {
			return rec, errs
		}
	}
	rec.Version = "TLSRPTv1"
	tags, terrs := recordFields.Read(taglist.AfterVersion(txt))
	for _, e := range terrs {
		add(e.Col, e.Tag, e.Msg)
	}
	for _, t := range tags {
		switch t.Name {
		case "rua":
			rec.RUA = parseRUA(t.Value, t.ValueCol, add)
		case "v":
			add(t.Col, "v", "version given twice")
		default:
			if !taglist.ExtValue(t.Value) {
				add(t.ValueCol, t.Name, fmt.Sprintf("value %q is empty or holds spaces, \"=\", \";\" or control characters", textutil.Clip(t.Value, 80)))
			}
			rec.Extensions = append(rec.Extensions, Field{Name: t.Name, Value: t.Value})
		}
	}
	slices.SortStableFunc(errs, func(a, b *SyntaxError) int { return a.Col - b.Col })
	if !taglist.Has(tags, "rua") {
		add(len(txt)+1, "rua", "the required rua field is missing: senders have nowhere to send reports")
	}
	if len(errs) == 0 {
		return rec, nil
	}
	return rec, errs
}

// parseRUA reads the comma-separated URIs of rua (RFC 8460 §3: mailto:
// or https:, commas inside a URI percent-encoded).
func parseRUA(v string, col int, add func(int, string, string)) []URI {
	out := []URI{}
	if v == "" {
		add(col, "rua", "no URI: give mailto:ADDRESS or https://HOST/PATH")
		return out
	}
	for _, item := range strings.Split(v, ",") {
		icol := col
		col += len(item) + 1
		lead := len(item) - len(strings.TrimLeft(item, " \t"))
		s := strings.TrimSpace(item)
		icol += lead
		if s == "" {
			add(icol, "rua", "empty URI between commas")
			continue
		}
		u, msg := parseURI(s)
		if msg != "" {
			add(icol, "rua", msg)
			continue
		}
		out = append(out, u)
	}
	return out
}

func parseURI(s string) (URI, string) {
	if strings.ContainsAny(s, " \t") {
		return URI{}, fmt.Sprintf("%q holds white space", textutil.Clip(s, 80))
	}
	scheme, rest, ok := strings.Cut(s, ":")
	if !ok {
		if strings.Contains(s, "@") {
			return URI{}, fmt.Sprintf("%q is an address, not a URI: write mailto:%s", textutil.Clip(s, 80), textutil.Clip(s, 80))
		}
		return URI{}, fmt.Sprintf("%q is not a URI (mailto: or https:)", textutil.Clip(s, 80))
	}
	switch strings.ToLower(scheme) {
	case "mailto":
		addr := rest
		if i := strings.IndexByte(addr, '?'); i >= 0 {
			addr = addr[:i]
		}
		if dec, err := url.PathUnescape(addr); err == nil {
			addr = dec
		}
		a, err := mail.ParseAddress(addr)
		if err != nil || a.Name != "" || a.Address != addr {
			return URI{}, fmt.Sprintf("%q is not a valid mailto: address", textutil.Clip(s, 80))
		}
		at := strings.LastIndexByte(addr, '@')
		if _, err := dnsx.Domain(addr[at+1:]); err != nil {
			return URI{}, fmt.Sprintf("%q: the address's domain is not a valid domain name", textutil.Clip(s, 80))
		}
		return URI{URI: s, Scheme: "mailto", Target: addr}, ""
	case "https":
		u, err := url.Parse(s)
		if err != nil || u.Host == "" || u.User != nil {
			return URI{}, fmt.Sprintf("%q is not a valid https URL with a host", textutil.Clip(s, 80))
		}
		return URI{URI: s, Scheme: "https", Target: u.Hostname()}, ""
	case "http":
		return URI{}, fmt.Sprintf("%q uses http: reports must go over https (or mailto)", textutil.Clip(s, 80))
	}
	return URI{}, fmt.Sprintf("%q: scheme %q is not mailto or https", textutil.Clip(s, 80), scheme)
}
