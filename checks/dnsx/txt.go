package dnsx

import (
	"context"
	"strings"

	"github.com/miekg/dns"
)

// TXTRecord is one TXT record as its bytes were on the wire, whether it
// came from a server or a zone file.
type TXTRecord struct {
	// Strings are its character-strings (RFC 1035 §3.3.14) with the
	// presentation escapes undone.
	Strings []string
	// Text is Strings joined without spaces: how SPF (RFC 7208 §3.3),
	// DKIM (RFC 6376 §3.6.2.2), DMARC, MTA-STS, TLS-RPT and BIMI read a
	// record of several strings.
	Text string
}

// TXTOf reads a TXT resource record. miekg/dns keeps each string in
// presentation form — \" \\ and \DDD escapes, and a zone file's other
// \X escapes such as \; as written — so the same record reads
// differently from a zone file and from the wire until they are undone
// here, once, for every check.
func TXTOf(rr *dns.TXT) TXTRecord {
	rec := TXTRecord{Strings: make([]string, len(rr.Txt))}
	for i, s := range rr.Txt {
		rec.Strings[i] = UnescapeTXT(s)
	}
	rec.Text = strings.Join(rec.Strings, "")
	return rec
}

// UnescapeTXT turns one TXT string in presentation form back into the
// bytes it stands for: \DDD is the byte with that decimal value, \X is X
// (RFC 1035 §5.1). A lone backslash at the end stays.
func UnescapeTXT(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		if i+3 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) {
			n := int(s[i+1]-'0')*100 + int(s[i+2]-'0')*10 + int(s[i+3]-'0')
			if n <= 255 {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i+1])
		i++
	}
	return b.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// TXTRecords returns the TXT records at name (TXTOf each).
func TXTRecords(ctx context.Context, r Resolver, name string) ([]TXTRecord, *Answer, error) {
	ans, err := r.Query(ctx, name, dns.TypeTXT)
	if err != nil {
		return nil, nil, err
	}
	return TXTAnswer(ans), ans, nil
}

// TXTAnswer returns the TXT records of an answer (TXTOf each).
func TXTAnswer(ans *Answer) []TXTRecord {
	var out []TXTRecord
	for _, rr := range ans.Records() {
		if t, ok := rr.(*dns.TXT); ok {
			out = append(out, TXTOf(t))
		}
	}
	return out
}

// TXT returns the text of each TXT record at name: its strings unescaped
// and joined (TXTOf).
func TXT(ctx context.Context, r Resolver, name string) ([]string, *Answer, error) {
	recs, ans, err := TXTRecords(ctx, r, name)
	if err != nil {
		return nil, nil, err
	}
	var out []string
	for _, rec := range recs {
		out = append(out, rec.Text)
	}
	return out, ans, nil
}
