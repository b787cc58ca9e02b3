package dmarc

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/relayctl/relayctl/checks/dnsx"
)

// parseURIList parses the value of rua or ruf: DMARC URIs separated by
// commas, each an RFC 3986 URI with an optional "!" size limit
// (RFC 7489 §6.2, §6.4). col is the value's column in the record, for
// positions in errors. The error's Col is set to the bad entry's column.
func parseURIList(v string, col int) ([]ReportURI, *SyntaxError) {
	var out []ReportURI
	off := 0
	for _, raw := range strings.Split(v, ",") {
		lead := len(raw) - len(strings.TrimLeft(raw, " \t\r\n"))
		entry := strings.TrimSpace(raw)
		ecol := col + off + lead
		off += len(raw) + 1
		u, err := parseURI(entry)
		if err != "" {
			return nil, &SyntaxError{Col: ecol, Msg: err, Err: ErrSyntax}
		}
		u.Col = ecol
		out = append(out, u)
	}
	return out, nil
}

// sizeUnits are the multipliers of a size limit's unit letter
// (RFC 7489 §6.2: powers of two).
var sizeUnits = map[byte]uint64{'k': 1 << 10, 'm': 1 << 20, 'g': 1 << 30, 't': 1 << 40}

// parseURI parses one DMARC URI; the string is the problem, or "".
func parseURI(entry string) (ReportURI, string) {
	if entry == "" {
		return ReportURI{}, "empty report URI in the list"
	}
	var r ReportURI
	// A literal "!" inside the URI must be percent-encoded, so the last
	// one starts the size limit.
	if bang := strings.LastIndexByte(entry, '!'); bang >= 0 {
		written := entry[bang+1:]
		size := strings.ToLower(written)
		entry = entry[:bang]
		mult := uint64(1)
		if n := len(size); n > 0 && sizeUnits[size[n-1]] != 0 {
			mult = sizeUnits[size[n-1]]
			size = size[:n-1]
		}
		n, ok := digits(size, 15)
		if !ok || n == 0 || n > (1<<63)/mult {
			return r, fmt.Sprintf("size limit %q after \"!\", want a number with an optional k, m, g or t", written)
		}
		r.MaxSize = n * mult
	}
	r.URI = entry
	u, err := url.Parse(entry)
	if err != nil || u.Scheme == "" {
		if strings.Contains(entry, "@") && !strings.Contains(entry, ":") {
			return r, fmt.Sprintf("%q has no scheme: write mailto:%s", entry, entry)
		}
		return r, fmt.Sprintf("%q is not a URI", entry)
	}
	r.Scheme = strings.ToLower(u.Scheme)
	if r.Scheme != "mailto" {
		if u.Opaque == "" && u.Host == "" {
			return r, fmt.Sprintf("%q is not a URI with a destination", entry)
		}
		return r, ""
	}
	addr := u.Opaque
	if addr == "" {
		addr = u.Path // mailto:/x parses into Path
	}
	if q := strings.IndexByte(addr, '?'); q >= 0 {
		addr = addr[:q]
	}
	if dec, err := url.PathUnescape(addr); err == nil {
		addr = dec
	}
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 {
		return r, fmt.Sprintf("%q is not a mailto: URI with an address", entry)
	}
	dom, err := dnsx.Domain(addr[at+1:])
	if err != nil {
		return r, fmt.Sprintf("the address in %q has an invalid domain", entry)
	}
	r.Address = addr[:at+1] + dom
	r.Domain = dom
	return r, ""
}
