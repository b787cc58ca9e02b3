package message

import (
	"os"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/content"
	"github.com/relayctl/relayctl/checks/dnsbl"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// check message runs the content check with the same resolver as the
// others: a link domain listed in a loopback zone fails it, and the
// report's status with it.
func TestContentRuns(t *testing.T) {
	zs, err := dnsx.LoadZones("../../testdata/dnsbl")
	if err != nil {
		t.Fatal(err)
	}
	srv := dnstest.Start(t, zs...)
	raw, err := os.ReadFile("../../testdata/message/content-listed.eml")
	if err != nil {
		t.Fatal(err)
	}
	lists := []dnsbl.List{{Zone: "dom.bl.test", Name: "Domains", Kinds: []dnsbl.Kind{dnsbl.KindDomain}, Severity: checks.SeverityFail,
		Bitmask: true, RefusedBits: 1, Test: "test"}}
	rep := check(t, srv.Client(2*time.Second), string(raw), Options{Content: content.Options{Lists: lists}})
	res := result(t, rep, "content")
	d, ok := res.Data.(*content.Data)
	if !ok || res.Status != checks.StatusFail || rep.Status != checks.StatusFail {
		t.Fatalf("content %s (report %s): %+v", res.Status, rep.Status, res.Findings)
	}
	if d.Domains[0].Domain != "spammy.example" || len(d.Domains[0].Listed) != 1 {
		t.Errorf("domains %+v", d.Domains)
	}
	if e, cd, ok := LookupCode("content.link-listed"); !ok || e.Name != "content" || e.Doc != "docs/content.md" || cd.Code != "content.link-listed" {
		t.Errorf("LookupCode: %+v %+v %v", e, cd, ok)
	}
}
