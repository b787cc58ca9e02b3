package dnsx_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

func TestUnescapeTXT(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:             "plain",
		`v=DMARC1\; p=none`: "v=DMARC1; p=none",
		`a\"b\\c`:           `a"b\c`,
		`\065\066`:          "AB",
		`\000x`:             "\x00x",
		`caf\195\169`:       "café",
		`\256`:              "256", // not a byte value: \2 is 2
		`end\`:              `end\`,
		`\12`:               "12",
	} {
		if got := dnsx.UnescapeTXT(in); got != want {
			t.Errorf("UnescapeTXT(%q) = %q, want %q", in, got, want)
		}
	}
}

// A TXT record reads the same from a zone file (where miekg/dns keeps
// escapes as written) and from a server on the wire: escapes undone,
// strings joined.
func TestTXTSameFromZoneAndWire(t *testing.T) {
	const text = `$ORIGIN example.com.
@       3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
esc     3600 IN TXT "v=DMARC1\; p=reject\; rua=mailto:d@example.com"
split   3600 IN TXT "v=DMARC1; " "p=reject; " "rua=mailto:d@example.com"
quote   3600 IN TXT "say \"hi\" \\ \065"
bytes   3600 IN TXT "caf\195\169 \009tab"
`
	want := map[string]dnsx.TXTRecord{
		"esc.example.com.":   {Strings: []string{"v=DMARC1; p=reject; rua=mailto:d@example.com"}, Text: "v=DMARC1; p=reject; rua=mailto:d@example.com"},
		"split.example.com.": {Strings: []string{"v=DMARC1; ", "p=reject; ", "rua=mailto:d@example.com"}, Text: "v=DMARC1; p=reject; rua=mailto:d@example.com"},
		"quote.example.com.": {Strings: []string{`say "hi" \ A`}, Text: `say "hi" \ A`},
		"bytes.example.com.": {Strings: []string{"café \ttab"}, Text: "café \ttab"},
	}
	zone := dnstest.Zone(t, "", text)
	offline := dnstest.Offline(t, zone)
	wire := dnstest.Start(t, dnstest.Zone(t, "", text)).Client(2 * time.Second)
	for _, r := range []struct {
		name string
		r    dnsx.Resolver
	}{{"zone", offline}, {"wire", wire}} {
		for name, w := range want {
			recs, _, err := dnsx.TXTRecords(context.Background(), r.r, name)
			if err != nil || len(recs) != 1 || recs[0].Text != w.Text || !slices.Equal(recs[0].Strings, w.Strings) {
				t.Errorf("%s %s: %+v %v, want %+v", r.name, name, recs, err, w)
			}
			texts, _, err := dnsx.TXT(context.Background(), r.r, name)
			if err != nil || len(texts) != 1 || texts[0] != w.Text {
				t.Errorf("%s %s: TXT %q %v", r.name, name, texts, err)
			}
		}
	}
}
