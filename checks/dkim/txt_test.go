package dkim

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// A key record written with zone-file escapes (\;) or split into several
// strings reads the same as the plain record, from a zone file as over the
// wire: dnsx unescapes and joins TXT strings once for every check.
func TestCheckEscapedAndSplitKeyRecord(t *testing.T) {
	testKeys(t)
	plain := "v=DKIM1; k=rsa; t=y; p=" + rsa2048
	escaped := strings.ReplaceAll(plain, ";", `\;`)
	split := `"v=DKIM1; " "k=rsa; t=y; " "p=` + rsa2048[:100] + `" "` + rsa2048[100:] + `"`
	result := func(t *testing.T, record string, offline bool) string {
		t.Helper()
		zone := dnstest.Zone(t, ".", "$TTL 300\ns1._domainkey.example.com. TXT "+record+"\n")
		var r dnsx.Resolver = dnstest.Offline(t, zone)
		if !offline {
			r = dnstest.Start(t, zone).Client(5 * time.Second)
		}
		res := Check(context.Background(), r, "example.com", Options{Selectors: []string{"s1"}})
		res.DurationMS = 0
		b, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	want := result(t, `"`+plain+`"`, true)
	if !strings.Contains(want, `"dkim.test-mode"`) || strings.Contains(want, "dkim.syntax") {
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
