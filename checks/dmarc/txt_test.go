package dmarc

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// A DMARC record written with zone-file escapes (\;) or split into
// several strings reads the same as the plain record, from a zone file as
// over the wire: dnsx unescapes and joins TXT strings once for every
// check.
func TestCheckEscapedAndSplitRecord(t *testing.T) {
	const plain = "v=DMARC1; p=quarantine; pct=50; rua=mailto:dmarc@example.com"
	escaped := strings.ReplaceAll(plain, ";", `\;`)
	const split = `"v=DMARC1; p=quar" "antine; pct=50; " "rua=mailto:dmarc@example.com"`
	result := func(t *testing.T, record string, offline bool) string {
		t.Helper()
		zone := dnstest.Zone(t, ".", "$TTL 300\n_dmarc.example.com. TXT "+record+"\n")
		var r dnsx.Resolver = dnstest.Offline(t, zone)
		if !offline {
			r = dnstest.Start(t, zone).Client(5 * time.Second)
		}
		res := Check(context.Background(), r, "example.com", Options{})
		res.DurationMS = 0
		b, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	want := result(t, `"`+plain+`"`, true)
	if !strings.Contains(want, `"dmarc.pct-partial"`) || strings.Contains(want, "dmarc.syntax") {
		t.Fatalf("plain record: %s", want)
	}
	for _, offline := range []bool{true, false} {
		for name, rec := range map[string]string{"escaped": `"` + escaped + `"`, "split": split} {
			if got := result(t, rec, offline); got != want {
				t.Errorf("%s record (offline %v):\n got %s\nwant %s", name, offline, got, want)
			}
		}
	}
}
