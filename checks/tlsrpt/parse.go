package tlsrpt

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/internal/textutil"
)

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
	_, rest, found := strings.Cut(txt, ";")
	col := len(txt) - len(rest) + 1
	if !found {
		rest, col = "", len(txt)+1
	}
	seen := map[string]bool{}
	parts := strings.Split(rest, ";")
	for i, part := range parts {
		pcol := col
		col += len(part) + 1
		lead := len(part) - len(strings.TrimLeft(part, " \t"))
		f := strings.TrimRight(part[lead:], " \t")
		pcol += lead
		if f == "" {
			if i == len(parts)-1 {
				continue
			}
			add(pcol, "", `empty field (two ";" in a row)`)
			continue
		}
		name, value, ok := strings.Cut(f, "=")
		if !ok {
			add(pcol, "", fmt.Sprintf("field %q has no \"=\"", textutil.Clip(f, 80)))
			continue
		}
		if strings.TrimRight(name, " \t") != name || strings.TrimLeft(value, " \t") != value {
			add(pcol, strings.TrimSpace(name), `no space is allowed around "="`)
			name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		}
		if seen[name] {
			add(pcol, name, "field appears more than once")
			continue
		}
		seen[name] = true
		switch name {
		case "rua":
			vcol := pcol + len(name) + 1
			rec.RUA = parseRUA(value, vcol, add)
		case "v":
			add(pcol, "v", "version given twice")
		default:
			if !validExtName(name) {
				add(pcol, name, "not a valid field name")
				continue
			}
			if !validExtValue(value) {
				add(pcol+len(name)+1, name, fmt.Sprintf("value %q is empty or holds spaces, \"=\", \";\" or control characters", textutil.Clip(value, 80)))
			}
			rec.Extensions = append(rec.Extensions, Field{Name: name, Value: value})
		}
	}
	if !seen["rua"] {
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

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// validExtName checks tlsrpt-ext-name (RFC 8460 §3).
func validExtName(s string) bool {
	if s == "" || len(s) > 32 || !isAlnum(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && c != '_' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// validExtValue checks tlsrpt-ext-value: visible ASCII except "=" and ";".
func validExtValue(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x21 || c > 0x7e || c == '=' || c == ';' {
			return false
		}
	}
	return true
}
