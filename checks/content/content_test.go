package content

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsbl"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// noLists checks no blocklist: the structure and link tests ask no DNS.
var noLists = Options{Lists: []dnsbl.List{}}

func readMsg(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../testdata/message", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// codes maps each finding code of res to its severity (the worst, when
// the code is there twice).
func codes(res checks.Result) map[string]checks.Severity {
	out := map[string]checks.Severity{}
	for _, f := range res.Findings {
		if s, ok := out[f.Code]; !ok || s.Status() != checks.Worse(s.Status(), f.Severity.Status()) {
			out[f.Code] = f.Severity
		}
	}
	return out
}

// offline is a resolver that answers nothing: a test that asks it for
// anything fails with an error finding, not silently.
func offline(t testing.TB) dnsx.Resolver {
	return dnstest.Offline(t)
}

func TestMessages(t *testing.T) {
	tests := []struct {
		file string
		want map[string]checks.Severity
		// not are codes that must not be there.
		not []string
	}{
		{"content-clean.eml", nil, []string{"content.html-only", "content.link-http", "content.charset-missing"}},
		{"content-html-only.eml", map[string]checks.Severity{"content.html-only": checks.SeverityWarn}, []string{"content.image-only"}},
		{"content-image-only.eml", map[string]checks.Severity{"content.image-only": checks.SeverityWarn}, []string{"content.html-only"}},
		{"content-long-line.eml", map[string]checks.Severity{"content.line-too-long": checks.SeverityWarn}, nil},
		{"content-8bit.eml", map[string]checks.Severity{"content.8bit-unencoded": checks.SeverityWarn}, []string{"content.charset-invalid"}},
		{"content-phish.eml", map[string]checks.Severity{"content.link-mismatch": checks.SeverityWarn}, nil},
		{"content-shortener.eml", map[string]checks.Severity{"content.link-shortener": checks.SeverityWarn}, []string{"content.link-mismatch"}},
		{"content-ip.eml", map[string]checks.Severity{"content.link-ip": checks.SeverityWarn, "content.link-http": checks.SeverityInfo}, nil},
		{"content-exe.eml", map[string]checks.Severity{"content.attachment-executable": checks.SeverityFail}, []string{"content.attachment-type-mismatch"}},
		{"content-zip-exe.eml", map[string]checks.Severity{"content.attachment-archive-executable": checks.SeverityFail}, []string{"content.attachment-executable"}},
		{"content-pdf-as-png.eml", map[string]checks.Severity{"content.attachment-type-mismatch": checks.SeverityWarn}, []string{"content.attachment-executable"}},
		{"content-no-date.eml", map[string]checks.Severity{"content.date-missing": checks.SeverityWarn, "content.message-id-missing": checks.SeverityWarn}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res := Check(context.Background(), offline(t), readMsg(t, tt.file), noLists)
			got := codes(res)
			for code, sev := range tt.want {
				if got[code] != sev {
					t.Errorf("%s: %s = %q, want %q; findings %+v", tt.file, code, got[code], sev, res.Findings)
				}
			}
			for _, code := range tt.not {
				if _, ok := got[code]; ok {
					t.Errorf("%s: unexpected %s: %+v", tt.file, code, res.Findings)
				}
			}
			if tt.want == nil && res.Status != checks.StatusOK {
				t.Errorf("%s: status %s, want ok: %+v", tt.file, res.Status, res.Findings)
			}
			for _, f := range res.Findings {
				if f.Hint == "" || f.Message == "" {
					t.Errorf("%s: %s has no hint or message", tt.file, f.Code)
				}
			}
		})
	}
}

func TestCleanData(t *testing.T) {
	res := Check(context.Background(), offline(t), readMsg(t, "content-clean.eml"), noLists)
	d := res.Data.(*Data)
	if !d.Text || !d.HTML || d.PartsTotal != 3 || d.Depth != 1 || d.Links != 2 {
		t.Errorf("data %+v", d)
	}
	if len(d.Domains) != 1 || d.Domains[0].Domain != "example.com" || d.Domains[0].Links != 2 {
		t.Errorf("domains %+v", d.Domains)
	}
}

func TestAttachmentData(t *testing.T) {
	res := Check(context.Background(), offline(t), readMsg(t, "content-zip-exe.eml"), noLists)
	d := res.Data.(*Data)
	if len(d.Attachments) != 1 {
		t.Fatalf("attachments %+v", d.Attachments)
	}
	a := d.Attachments[0]
	if a.Filename != "invoice.zip" || a.Sniffed != "zip" || !slices.Contains(a.Archive, "invoice/run.exe") || !slices.Contains(a.Risk, "archive-executable") {
		t.Errorf("attachment %+v", a)
	}
	res = Check(context.Background(), offline(t), readMsg(t, "content-pdf-as-png.eml"), noLists)
	if a := res.Data.(*Data).Attachments[0]; a.Sniffed != "pdf" || a.Type != "image/png" {
		t.Errorf("attachment %+v", a)
	}
}

// testLists are the domain lists of testdata/dnsbl/lists.yaml.
func testLists(t testing.TB) []dnsbl.List {
	f, err := os.Open("../../testdata/dnsbl/lists.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, err := dnsbl.ParseLists(f, "lists.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var out []dnsbl.List
	for _, l := range all {
		if l.Lists(dnsbl.KindDomain) {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		t.Fatal("no domain list in lists.yaml")
	}
	return out
}

func blocklistServer(t testing.TB) *dnstest.Server {
	zs, err := dnsx.LoadZones("../../testdata/dnsbl")
	if err != nil {
		t.Fatal(err)
	}
	return dnstest.Start(t, zs...)
}

// A listed link domain is a finding with the list's severity; a domain
// the list refuses to answer for is said to be unchecked, not clean.
func TestListedDomain(t *testing.T) {
	srv := blocklistServer(t)
	res := Check(context.Background(), srv.Client(2*time.Second), readMsg(t, "content-listed.eml"), Options{Lists: testLists(t)})
	d := res.Data.(*Data)
	byName := map[string]*Domain{}
	for _, dom := range d.Domains {
		byName[dom.Domain] = dom
	}
	if dom := byName["spammy.example"]; dom == nil || !slices.Contains(dom.Listed, "dom.bl.test") {
		t.Errorf("spammy.example: %+v", dom)
	}
	if dom := byName["grey.example"]; dom == nil || !slices.Contains(dom.Listed, "dom.bl.test") {
		t.Errorf("grey.example: %+v", dom)
	}
	if dom := byName["blocked.example"]; dom == nil || len(dom.Listed) != 0 || !slices.Contains(dom.Unchecked, "dom.bl.test") {
		t.Errorf("blocked.example: %+v", dom)
	}
	var listed []checks.Finding
	for _, f := range res.Findings {
		if f.Code == "content.link-listed" {
			listed = append(listed, f)
		}
	}
	if len(listed) != 2 || listed[0].Severity != checks.SeverityWarn || listed[1].Severity != checks.SeverityFail {
		t.Errorf("listed findings %+v", listed)
	}
	if got := codes(res); got["content.link-unchecked"] != checks.SeverityWarn || res.Status != checks.StatusFail {
		t.Errorf("status %s, findings %+v", res.Status, res.Findings)
	}
	if d.DomainsChecked != 3 || !slices.Equal(d.Lists, []string{"dom.bl.test"}) {
		t.Errorf("data %+v", d)
	}
}

// Each distinct domain is asked once, and at most MaxDomains of them.
func TestDomainsDedupedAndBounded(t *testing.T) {
	srv := blocklistServer(t)
	var msg []byte
	msg = append(msg, "From: a@example.com\r\nDate: Tue, 1 Dec 2026 14:00:00 +0000\r\nMessage-ID: <x@example.com>\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"...)
	for i := range 80 {
		for range 3 {
			msg = append(msg, []byte("https://www.d"+itoa(i)+".example/ \r\n")...)
		}
	}
	res := Check(context.Background(), srv.Client(2*time.Second), msg, Options{Lists: testLists(t), MaxDomains: 10})
	d := res.Data.(*Data)
	if len(d.Domains) != 80 || d.DomainsChecked != 10 || d.Links != 240 {
		t.Errorf("domains %d checked %d links %d", len(d.Domains), d.DomainsChecked, d.Links)
	}
	if codes(res)["content.links-capped"] != checks.SeverityInfo {
		t.Errorf("findings %+v", res.Findings)
	}
	// One A question per checked domain, plus the list's self-test (and
	// TXT for none: nothing is listed).
	if q := srv.Queries(); q > 10+6 {
		t.Errorf("%d queries for 10 domains", q)
	}
}

func itoa(i int) string { return string(rune('a'+i/26)) + string(rune('a'+i%26)) }

// Offline, a list outside the zone files is not evaluated: an info
// finding, never a warning.
func TestOfflineLinksNotEvaluated(t *testing.T) {
	z, err := dnsx.ParseZone(strings.NewReader("$ORIGIN example.org.\n$TTL 300\n@ SOA ns h 1 1 1 1 1\n"), "example.org", "t.zone")
	if err != nil {
		t.Fatal(err)
	}
	r, err := dnsx.New(dnsx.Config{Zones: []*dnsx.Zone{z}, Offline: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	msg := "From: a@example.org\r\nDate: Mon, 6 Jan 2025 10:00:00 +0000\r\nMessage-ID: <1@example.org>\r\nContent-Type: text/plain\r\n\r\nSee https://shop.example.net/offer\r\n"
	res := Check(t.Context(), r, []byte(msg), Options{})
	found := false
	for _, f := range res.Findings {
		if f.Code == "content.link-unchecked" {
			found = true
			if f.Severity != checks.SeverityInfo {
				t.Errorf("offline: %s is %s, want info: %s", f.Code, f.Severity, f.Message)
			}
		}
	}
	if !found {
		t.Errorf("offline: no content.link-unchecked finding: %+v", res.Findings)
	}
}
