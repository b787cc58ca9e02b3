package dnsbl

import (
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// dnswlZone stands in for list.dnswl.org on loopback: its RFC 5782 test
// entry and an address listed with trust level 3 (high).
const dnswlZone = `$ORIGIN list.dnswl.org.
$TTL 300
@ IN SOA ns.list.dnswl.org. hostmaster.list.dnswl.org. 1 3600 600 86400 300
@ IN NS ns.list.dnswl.org.
2.0.0.127    IN A   127.0.10.0
7.100.51.198 IN A   127.0.15.3
7.100.51.198 IN TXT "https://www.dnswl.org/s/?s=198.51.100.7"
`

// dnswl is the built-in catalog's DNSWL entry.
func dnswl(t *testing.T) List {
	t.Helper()
	for _, l := range Builtin() {
		if l.Zone == "list.dnswl.org" {
			if !l.Allowlist {
				t.Fatalf("list.dnswl.org is not an allowlist in the catalog: %+v", l)
			}
			return l
		}
	}
	t.Fatal("no list.dnswl.org in the built-in catalog")
	return List{}
}

// An address on an allowlist is good news: dnsbl.allowlisted, info
// (docs/dnsbl.md), never dnsbl.listed, and the status stays ok. An
// address the allowlist does not list gives no finding.
func TestAllowlisted(t *testing.T) {
	srv := dnstest.Start(t, dnstest.Zone(t, "", dnswlZone))
	lists := []List{dnswl(t)}

	rep := check(t, srv.Client(2*time.Second), lists, addr("198.51.100.7"))
	res, d := result(t, rep, "list.dnswl.org")
	if codes(res.Findings) != "dnsbl.allowlisted/info" {
		t.Fatalf("findings %+v", res.Findings)
	}
	f := res.Findings[0]
	if !strings.Contains(f.Message, "198.51.100.7") || !strings.Contains(f.Message, "allowlist") ||
		!strings.Contains(f.Message, "127.0.15.3 (allowlisted, high trust)") || f.Hint != "" {
		t.Errorf("finding %+v", f)
	}
	if res.Status != checks.StatusOK || rep.Status != checks.StatusOK {
		t.Errorf("status %s, report %s; an allowlisting is not a problem", res.Status, rep.Status)
	}
	if !d.Listed || !d.Allowlist || d.Health.State != HealthOK || len(d.Codes) != 1 || d.Codes[0].Severity != checks.SeverityInfo {
		t.Errorf("data %+v", d)
	}
	if len(d.TXT) != 1 || !strings.Contains(d.TXT[0], "198.51.100.7") {
		t.Errorf("txt %q", d.TXT)
	}
	if !strings.HasPrefix(res.Summary, "allowlisted: 127.0.15.3 (allowlisted, high trust)") {
		t.Errorf("summary %q", res.Summary)
	}

	rep = check(t, srv.Client(2*time.Second), lists, addr("198.51.100.8"))
	res, d = result(t, rep, "list.dnswl.org")
	if len(res.Findings) != 0 || d.Listed || res.Summary != "not listed" || res.Status != checks.StatusOK {
		t.Errorf("an address not on the allowlist: %+v %+v", res, d)
	}
}
