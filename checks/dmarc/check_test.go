package dmarc

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// serve starts a loopback DNS server answering for every name from zone
// (origin "."; names outside it are NXDOMAIN) and returns it with a client.
func serve(t *testing.T, zone string) (*dnstest.Server, *dnsx.Client) {
	t.Helper()
	srv := dnstest.Start(t, dnstest.Zone(t, ".", "$TTL 300\n"+zone))
	return srv, srv.Client(5 * time.Second)
}

func run(t *testing.T, zone, domain string) (checks.Result, *Data) {
	t.Helper()
	_, c := serve(t, zone)
	res := Check(context.Background(), c, domain, Options{})
	return res, res.Data.(*Data)
}

func codes(res checks.Result) []string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, f.Code+"/"+string(f.Severity))
	}
	sort.Strings(out)
	return out
}

func wantCodes(t *testing.T, res checks.Result, want ...string) {
	t.Helper()
	sort.Strings(want)
	got := codes(res)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("findings\n got %q\nwant %q", got, want)
		for _, f := range res.Findings {
			t.Logf("  %s: %s", f.Code, f.Message)
		}
	}
	for _, f := range res.Findings {
		if f.Message == "" || (f.Severity != checks.SeverityInfo && f.Hint == "") || f.Ref == "" && f.Code != CodePSDRecord {
			t.Errorf("finding %s lacks message, hint or ref: %+v", f.Code, f)
		}
	}
}

func TestCheckGoodRecord(t *testing.T) {
	res, d := run(t, `
_dmarc.example.com. TXT "v=DMARC1; p=reject; sp=reject; rua=mailto:dmarc@example.com"
`, "example.com")
	wantCodes(t, res)
	if res.Status != checks.StatusOK {
		t.Errorf("status %s", res.Status)
	}
	if got, want := res.Summary, "p=reject sp=reject pct=100 rua=mailto:dmarc@example.com"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	if d.Method != MethodDirect || d.RecordDomain != "example.com" || d.EffectivePolicy != PolicyReject ||
		d.OrgDomainPSL != "example.com" || d.OrgDomainTreeWalk != "example.com" || d.OrgDomainsDiffer {
		t.Errorf("data %+v", d)
	}
	// JSON keys are part of the contract.
	b, _ := json.Marshal(d)
	for _, k := range []string{`"record_domain":"example.com"`, `"method":"direct"`, `"org_domain_psl"`, `"org_domain_tree_walk"`, `"walk":[`, `"effective_policy":"reject"`, `"parsed":{`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("JSON lacks %s: %s", k, b)
		}
	}
}

func TestCheckMissing(t *testing.T) {
	res, d := run(t, `example.com. A 192.0.2.1`, "example.com")
	wantCodes(t, res, "dmarc.missing/fail")
	if res.Status != checks.StatusFail || d.Method != MethodNone || len(d.Walk) != 2 {
		t.Errorf("status %s, data %+v", res.Status, d)
	}
}

func TestCheckDNSErrorIsNotMissing(t *testing.T) {
	for _, b := range []dnstest.Behavior{dnstest.ServFail, dnstest.Refused, dnstest.Drop} {
		srv, c := serve(t, `_dmarc.example.com. TXT "v=DMARC1; p=reject"`)
		srv.Set("_dmarc.example.com", b)
		c2 := c
		if b == dnstest.Drop {
			c2 = srv.Client(200 * time.Millisecond)
		}
		start := time.Now()
		res := Check(context.Background(), c2, "example.com", Options{})
		if res.Status != checks.StatusError || res.Error == "" {
			t.Errorf("behaviour %d: status %s (%q)", b, res.Status, res.Error)
		}
		wantCodes(t, res)
		if time.Since(start) > 3*time.Second {
			t.Errorf("behaviour %d took %v", b, time.Since(start))
		}
	}
}

func TestCheckTreeWalkErrorWithoutRecordIsError(t *testing.T) {
	srv, c := serve(t, `a.example.com. A 192.0.2.1`)
	srv.Set("_dmarc.example.com", dnstest.ServFail)
	res := Check(context.Background(), c, "a.example.com", Options{})
	if res.Status != checks.StatusError {
		t.Errorf("status %s, findings %q", res.Status, codes(res))
	}
	wantCodes(t, res)
}

func TestCheckMultipleRecords(t *testing.T) {
	res, _ := run(t, `
_dmarc.example.com. TXT "v=DMARC1; p=reject; rua=mailto:d@example.com"
_dmarc.example.com. TXT "v=DMARC1; p=none"
`, "example.com")
	wantCodes(t, res, "dmarc.multiple-records/fail")
}

func TestCheckMultipleRecordsFallBackToParent(t *testing.T) {
	res, d := run(t, `
a.example.com. A 192.0.2.1
_dmarc.a.example.com. TXT "v=DMARC1; p=reject"
_dmarc.a.example.com. TXT "v=DMARC1; p=none"
_dmarc.example.com. TXT "v=DMARC1; p=quarantine; rua=mailto:d@example.com"
`, "a.example.com")
	wantCodes(t, res, "dmarc.multiple-records/fail", "dmarc.org-domain-fallback/info")
	if d.RecordDomain != "example.com" || d.EffectivePolicy != PolicyQuarantine {
		t.Errorf("data %+v", d)
	}
}

func TestCheckFallbackUsesSP(t *testing.T) {
	res, d := run(t, `
mail.example.com. A 192.0.2.1
_dmarc.example.com. TXT "v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@example.com"
`, "mail.example.com")
	wantCodes(t, res, "dmarc.org-domain-fallback/info", "dmarc.subdomain-policy-weaker/warn")
	if d.Method != MethodTreeWalk || d.EffectivePolicy != PolicyQuarantine || d.PolicyTag != "sp" ||
		d.DomainExists == nil || !*d.DomainExists {
		t.Errorf("data %+v", d)
	}
	if !strings.Contains(res.Summary, "inherited from example.com; sp=quarantine applies") {
		t.Errorf("summary %q", res.Summary)
	}
}

func TestCheckFallbackNonexistentUsesNP(t *testing.T) {
	res, d := run(t, `
example.com. A 192.0.2.1
_dmarc.example.com. TXT "v=DMARC1; p=reject; sp=none; np=reject; rua=mailto:d@example.com"
`, "nx.example.com")
	if d.EffectivePolicy != PolicyReject || d.PolicyTag != "np" || d.DomainExists == nil || *d.DomainExists {
		t.Errorf("data %+v", d)
	}
	// sp=none is weaker than p; the nonexistent domain itself gets np.
	wantCodes(t, res, "dmarc.org-domain-fallback/info", "dmarc.subdomain-policy-weaker/warn")
}

func TestCheckFallbackPolicyNone(t *testing.T) {
	res, _ := run(t, `
www.example.com. A 192.0.2.1
_dmarc.example.com. TXT "v=DMARC1; p=reject; sp=none; rua=mailto:d@example.com"
`, "www.example.com")
	wantCodes(t, res, "dmarc.org-domain-fallback/info", "dmarc.subdomain-policy-weaker/warn", "dmarc.policy-none/warn")
}

func TestCheckWeakPolicies(t *testing.T) {
	res, _ := run(t, `
_dmarc.example.com. TXT "v=DMARC1; p=none"
`, "example.com")
	wantCodes(t, res, "dmarc.policy-none/warn", "dmarc.no-rua/warn")
	if res.Status != checks.StatusWarn {
		t.Errorf("status %s", res.Status)
	}

	res, _ = run(t, `
_dmarc.example.com. TXT "v=DMARC1; p=quarantine; pct=25; np=none; t=y; adkim=s; fo=1; rua=https://r.example.com/x; rux=1"
`, "example.com")
	wantCodes(t, res, "dmarc.pct-partial/warn", "dmarc.subdomain-policy-weaker/warn", "dmarc.testing/warn",
		"dmarc.strict-alignment/info", "dmarc.fo-without-ruf/info", "dmarc.report-uri-not-mailto/warn", "dmarc.unknown-tag/info")
}

func TestCheckSyntax(t *testing.T) {
	res, d := run(t, `
_dmarc.example.com. TXT "v=DMARC1; p=rejct; rua=mailto:d@example.com"
`, "example.com")
	wantCodes(t, res, "dmarc.syntax/fail", "dmarc.policy-none/warn")
	if !strings.Contains(res.Findings[0].Message+res.Findings[1].Message, "col 11") {
		t.Errorf("no position in %+v", res.Findings)
	}
	if d.EffectivePolicy != PolicyNone {
		t.Errorf("an invalid p with a valid rua acts as none, got %q", d.EffectivePolicy)
	}

	res, _ = run(t, `_dmarc.example.com. TXT "v=DMARC1; rua=mailto:d@example.com"`, "example.com")
	wantCodes(t, res, "dmarc.policy-missing/warn", "dmarc.policy-none/warn")

	res, _ = run(t, `_dmarc.example.com. TXT "v=DMARC1; sp=reject"`, "example.com")
	wantCodes(t, res, "dmarc.syntax/fail", "dmarc.no-rua/warn")
}

func TestCheckBrokenRecordIsIgnoredByReceivers(t *testing.T) {
	res, d := run(t, `_dmarc.example.com. TXT "p=reject; v=DMARC1"`, "example.com")
	wantCodes(t, res, "dmarc.syntax/fail")
	if d.Method != MethodNone || len(d.Records) != 1 {
		t.Errorf("data %+v", d)
	}
	if !strings.Contains(res.Findings[0].Message, "receivers ignore it") {
		t.Errorf("message %q", res.Findings[0].Message)
	}
}

func TestCheckSPFAtDMARCFromWildcard(t *testing.T) {
	res, _ := run(t, `
example.com. TXT "v=spf1 -all"
*.example.com. TXT "v=spf1 -all"
`, "example.com")
	wantCodes(t, res, "dmarc.spf-record-found/fail")
}

func TestCheckExternalReports(t *testing.T) {
	zone := `
_dmarc.example.com. TXT "v=DMARC1; p=reject; rua=mailto:a@reports.example.net,mailto:b@example.com; ruf=mailto:f@ok.example.org,mailto:g@broken.example"
example.com._report._dmarc.ok.example.org. TXT "v=DMARC1"
`
	srv, c := serve(t, zone)
	srv.Set("example.com._report._dmarc.broken.example", dnstest.ServFail)
	res := Check(context.Background(), c, "example.com", Options{})
	d := res.Data.(*Data)
	wantCodes(t, res, "dmarc.external-rua-unauthorized/warn", "dmarc.external-rua-unverified/info")
	if len(d.ExternalReports) != 3 {
		t.Fatalf("external reports %+v", d.ExternalReports)
	}
	byDomain := map[string]ExternalReport{}
	for _, e := range d.ExternalReports {
		byDomain[e.Domain] = e
	}
	if e := byDomain["reports.example.net"]; e.Authorized == nil || *e.Authorized || e.Query != "example.com._report._dmarc.reports.example.net" {
		t.Errorf("reports.example.net: %+v", e)
	}
	if e := byDomain["ok.example.org"]; e.Authorized == nil || !*e.Authorized || e.Tags[0] != "ruf" {
		t.Errorf("ok.example.org: %+v", e)
	}
	if e := byDomain["broken.example"]; e.Authorized != nil || e.Error == "" {
		t.Errorf("broken.example: %+v", e)
	}
	for _, f := range res.Findings {
		if f.Code == CodeExternalUnauthorized && !strings.Contains(f.Message, "reports.example.net") {
			t.Errorf("message %q", f.Message)
		}
	}
}

func TestCheckSameOrganizationNeedsNoAuthorization(t *testing.T) {
	res, d := run(t, `
_dmarc.example.com. TXT "v=DMARC1; p=reject; rua=mailto:a@reports.example.com"
`, "example.com")
	wantCodes(t, res)
	if len(d.ExternalReports) != 0 {
		t.Errorf("%+v", d.ExternalReports)
	}
}

// A record only at an intermediate name: the tree walk finds it, RFC 7489
// receivers (public suffix list) do not.
func TestCheckTreeWalkVersusPSL(t *testing.T) {
	res, d := run(t, `
a.b.example.com. A 192.0.2.1
_dmarc.b.example.com. TXT "v=DMARC1; p=reject; rua=mailto:d@example.com"
`, "a.b.example.com")
	wantCodes(t, res, "dmarc.org-domain-fallback/info", "dmarc.org-domain-psl-differs/info", "dmarc.rfc7489-policy-differs/warn")
	if d.OrgDomainTreeWalk != "b.example.com" || d.OrgDomainPSL != "example.com" || !d.OrgDomainsDiffer {
		t.Errorf("data %+v", d)
	}
}

func TestCheckPSDPolicy(t *testing.T) {
	res, d := run(t, `
shop.example. A 192.0.2.1
_dmarc.example. TXT "v=DMARC1; p=reject; psd=y; rua=mailto:d@psd-operator.example"
example._report._dmarc.psd-operator.example. TXT "v=DMARC1;"
`, "shop.example")
	if d.Method != MethodPSD || d.RecordDomain != "example" || d.OrgDomainTreeWalk != "shop.example" || d.OrgDomainRule != OrgRulePSDYes {
		t.Errorf("data %+v", d)
	}
	// .example is not on the public suffix list, so both methods agree
	// that shop.example is its own organizational domain.
	wantCodes(t, res, "dmarc.org-domain-fallback/info", "dmarc.rfc7489-policy-differs/warn")
}

func TestCheckCancelled(t *testing.T) {
	_, c := serve(t, `_dmarc.example.com. TXT "v=DMARC1; p=reject"`)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := Check(ctx, c, "example.com", Options{})
	if res.Status != checks.StatusError {
		t.Errorf("status %s", res.Status)
	}
}

// A 4 KB record (many strings in one TXT record) is read whole and judged,
// without a panic or a hang.
func TestCheckHugeRecord(t *testing.T) {
	var b strings.Builder
	b.WriteString(`"v=DMARC1; p=reject; rua=mailto:d@example.com"`)
	for i := 0; i < 16; i++ {
		b.WriteString(` "; x` + strings.Repeat(string(rune('a'+i)), 245) + `=1"`)
	}
	res, d := run(t, "_dmarc.example.com. TXT "+b.String(), "example.com")
	if len(d.Record) < 4000 || d.EffectivePolicy != PolicyReject {
		t.Errorf("record of %d bytes, policy %q", len(d.Record), d.EffectivePolicy)
	}
	n := 0
	for _, f := range res.Findings {
		if f.Code == CodeUnknownTag {
			n++
		}
	}
	if n != 16 {
		t.Errorf("%d unknown-tag findings, want 16", n)
	}
}

// With --offline, names outside the zone files are not asked: the walk
// above the zone counts them as having no record, so a zone can be checked
// before it is published.
func TestCheckOfflineZone(t *testing.T) {
	z := dnstest.Zone(t, "", `$ORIGIN example.com.
$TTL 300
@ SOA ns1 hostmaster 1 7200 3600 1209600 300
_dmarc TXT "v=DMARC1; p=reject; rua=mailto:d@example.com,mailto:x@reports.example.net"
www A 192.0.2.1
`)
	c, err := dnsx.New(dnsx.Config{Zones: []*dnsx.Zone{z}, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	res := Check(context.Background(), c, "example.com", Options{})
	wantCodes(t, res, "dmarc.external-rua-unverified/info")
	d := res.Data.(*Data)
	if len(d.Walk) != 2 || d.Walk[1].Result != StepOffline {
		t.Errorf("walk %+v", d.Walk)
	}
	if !strings.Contains(res.Findings[0].Hint, "--offline") {
		t.Errorf("hint %q", res.Findings[0].Hint)
	}

	res = Check(context.Background(), c, "www.example.com", Options{})
	wantCodes(t, res, "dmarc.org-domain-fallback/info", "dmarc.external-rua-unverified/info")

	// The domain's own _dmarc name outside the zones: no verdict.
	res = Check(context.Background(), c, "example.org", Options{})
	if res.Status != checks.StatusError {
		t.Errorf("outside the zones: status %s", res.Status)
	}
}

// A record is found, but a query further up the tree walk fails: the
// policy still applies, and dmarc.tree-walk-incomplete (info) says the
// organizational domain may be wrong (docs/dmarc.md). Without the
// failure there is no such finding.
func TestCheckTreeWalkIncomplete(t *testing.T) {
	const zone = `
a.example.com. A 192.0.2.1
b.a.example.com. A 192.0.2.2
_dmarc.a.example.com. TXT "v=DMARC1; p=reject; rua=mailto:d@a.example.com"
_dmarc.example.com. TXT "v=DMARC1; p=quarantine; rua=mailto:d@example.com"
`
	cases := []struct {
		domain, fails string
		behavior      dnstest.Behavior
		method        string
		recordAt      string
		others        []string // the other findings
	}{
		// The domain's own record; the walk above it is broken, so the
		// organizational domain comes out as a.example.com.
		{"a.example.com", "_dmarc.example.com", dnstest.ServFail, MethodDirect, "a.example.com",
			[]string{"dmarc.org-domain-psl-differs/info"}},
		{"a.example.com", "_dmarc.example.com", dnstest.Refused, MethodDirect, "a.example.com",
			[]string{"dmarc.org-domain-psl-differs/info"}},
		// No record of its own: the tree walk finds example.com's, past a
		// name it could not ask.
		{"b.a.example.com", "_dmarc.a.example.com", dnstest.ServFail, MethodTreeWalk, "example.com",
			[]string{"dmarc.org-domain-fallback/info"}},
	}
	for _, c := range cases {
		srv, cl := serve(t, zone)
		srv.Set(c.fails, c.behavior)
		res := Check(context.Background(), cl, c.domain, Options{})
		d := res.Data.(*Data)
		wantCodes(t, res, append([]string{"dmarc.tree-walk-incomplete/info"}, c.others...)...)
		if res.Status == checks.StatusError || res.Error != "" {
			t.Errorf("%s (%s fails): status %s error %q; a failure above a found record is not an error", c.domain, c.fails, res.Status, res.Error)
		}
		if d.Method != c.method || d.RecordDomain != c.recordAt {
			t.Errorf("%s (%s fails): method %s record at %s, want %s at %s", c.domain, c.fails, d.Method, d.RecordDomain, c.method, c.recordAt)
		}
		for _, f := range res.Findings {
			if f.Code == CodeTreeWalkIncomplete && (f.Ref != "RFC 9989 §4.10" || f.Hint == "" || !strings.Contains(f.Message, c.fails)) {
				t.Errorf("%s (%s fails): finding %+v", c.domain, c.fails, f)
			}
		}
		failed := 0
		for _, st := range d.Walk {
			if st.Result == StepError {
				failed++
				if "_dmarc."+st.Domain != c.fails || st.Error == "" {
					t.Errorf("%s: failed step %+v", c.domain, st)
				}
			}
		}
		if failed != 1 {
			t.Errorf("%s: %d failed steps in %+v", c.domain, failed, d.Walk)
		}

		// The same names answering: no finding about the walk.
		_, cl2 := serve(t, zone)
		res = Check(context.Background(), cl2, c.domain, Options{})
		for _, f := range res.Findings {
			if f.Code == CodeTreeWalkIncomplete {
				t.Errorf("%s with every name answering: %+v", c.domain, f)
			}
		}
	}
}

// A CNAME loop in the resolver's answer for _dmarc is an error that
// names the loop, never dmarc.missing.
func TestCheckCNAMELoopIsNotMissing(t *testing.T) {
	srv, c := serve(t, `example.com. A 192.0.2.1`)
	a, _ := dns.NewRR("_dmarc.example.com. 300 IN CNAME d.example.net.")
	b, _ := dns.NewRR("d.example.net. 300 IN CNAME _dmarc.example.com.")
	srv.SetAnswer("_dmarc.example.com", a, b)
	res := Check(context.Background(), c, "example.com", Options{})
	if res.Status != checks.StatusError || !strings.Contains(res.Error, "CNAME loop") {
		t.Errorf("status %s, error %q, findings %q", res.Status, res.Error, codes(res))
	}
	wantCodes(t, res)
}

// A 10,000-character record with 376 rua URIs, each at another
// organization: the first MaxReportURIs are checked, the rest are one
// finding, and the record is reported as oversized — not 376 lookups
// and 376 warnings.
func TestCheckBoundsReportURIs(t *testing.T) {
	var uris []string
	for i := range 376 {
		uris = append(uris, fmt.Sprintf("mailto:dmarc-reports@d%03d.example.net", i))
	}
	text := "v=DMARC1; p=reject; rua=" + strings.Join(uris, ",")
	if len(text) < 10000 {
		t.Fatalf("record is %d characters, want 10,000 or more", len(text))
	}
	var quoted []string
	for len(text) > 0 {
		n := min(len(text), 255)
		quoted = append(quoted, `"`+text[:n]+`"`)
		text = text[n:]
	}
	srv, c := serve(t, "_dmarc.example.com. TXT "+strings.Join(quoted, " ")+"\n")
	res := Check(context.Background(), c, "example.com", Options{})
	count := map[string]int{}
	var tooMany string
	for _, f := range res.Findings {
		count[f.Code]++
		if f.Code == CodeTooManyURIs {
			tooMany = f.Message
		}
	}
	if count[CodeExternalUnauthorized] != MaxReportURIs || count[CodeTooManyURIs] != 1 || count[CodeRecordOversized] != 1 {
		t.Errorf("findings %v", count)
	}
	if !strings.Contains(tooMany, "376 URIs") || !strings.Contains(tooMany, "other 371") {
		t.Errorf("too-many finding %q does not name the excess", tooMany)
	}
	if d := res.Data.(*Data); len(d.ExternalReports) != MaxReportURIs {
		t.Errorf("%d external reports checked, want %d", len(d.ExternalReports), MaxReportURIs)
	}
	// The tree walk and the record take a few questions; the destinations
	// at most MaxReportURIs more.
	if n := srv.Queries(); n > 20 {
		t.Errorf("%d DNS questions for one record", n)
	}
}
