package spf

import (
	"context"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks/dnsx"
)

// txtRecord is one TXT record: its character-strings as on the wire and
// their concatenation (RFC 7208 §3.3: joined without spaces).
type txtRecord = dnsx.TXTRecord

// fetchTXT asks for the TXT records at a raw domain name.
func fetchTXT(ctx context.Context, r dnsx.Resolver, name string) ([]txtRecord, *dnsx.Answer, error) {
	ans, err := r.Query(ctx, queryName(name), dns.TypeTXT)
	if err != nil {
		return nil, nil, err
	}
	return dnsx.TXTAnswer(ans), ans, nil
}

// selectSPF keeps the records that are SPF version 1 (RFC 7208 §4.5).
func selectSPF(recs []txtRecord) []txtRecord {
	var out []txtRecord
	for _, r := range recs {
		if IsSPF(r.Text) {
			out = append(out, r)
		}
	}
	return out
}
