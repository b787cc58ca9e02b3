package dmarc

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// Discover gives the policy that applies to a From domain: its own p,
// an existing subdomain's sp, a non-existent one's np; none without a
// record; an error when the first query fails.
func TestDiscover(t *testing.T) {
	srv, c := serve(t, `example.com. IN A 192.0.2.2
_dmarc.example.com. IN TXT "v=DMARC1; p=reject; sp=quarantine; np=none; adkim=s"
news.example.com. IN A 192.0.2.1
_dmarc.broken.example.com. IN TXT "v=DMARC1; p=bogus; rua=mailto:d@example.com"
`)
	for _, tt := range []struct {
		domain, policy, tag, method, record string
	}{
		{"example.com", "reject", "p", MethodDirect, "example.com"},
		{"news.example.com", "quarantine", "sp", MethodTreeWalk, "example.com"},
		{"ghost.example.com", "none", "np", MethodTreeWalk, "example.com"},
		{"example.org", "", "", MethodNone, ""},
		{"broken.example.com", "none", "p", MethodDirect, "broken.example.com"},
	} {
		d := Discover(context.Background(), c, tt.domain)
		if d.Err != nil || string(d.Policy) != tt.policy || d.PolicyTag != tt.tag || d.Method != tt.method || d.RecordDomain != tt.record {
			t.Errorf("%s: %+v", tt.domain, d)
		}
		if tt.record == "example.com" && (d.Record == nil || d.Record.ADKIM != AlignmentStrict || d.OrgDomain != "example.com") {
			t.Errorf("%s: record %+v, org %s", tt.domain, d.Record, d.OrgDomain)
		}
	}
	if d := Discover(context.Background(), c, "broken.example.com"); d.SyntaxErr == nil {
		t.Errorf("broken.example.com: no syntax error: %+v", d)
	}
	srv.Set("_dmarc.example.com", dnstest.ServFail)
	if d := Discover(context.Background(), srv.Client(time.Second), "example.com"); d.Err == nil || !errors.Is(d.Err, dnsx.ErrServFail) || d.Record != nil {
		t.Errorf("SERVFAIL: %+v %v", d, d.Err)
	}
}
