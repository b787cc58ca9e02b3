package spf

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// serve starts a loopback DNS server for a zone written with absolute
// names ($ORIGIN .) and returns a client asking it; hooks make names
// misbehave.
func serve(t *testing.T, zone string, hooks map[string]dnstest.Behavior) *dnsx.Client {
	t.Helper()
	z, err := dnsx.ParseZone(strings.NewReader("$ORIGIN .\n$TTL 300\n"+zone), ".", "test.zone")
	if err != nil {
		t.Fatal(err)
	}
	srv := dnstest.Start(t, z)
	for n, b := range hooks {
		srv.Set(n, b)
	}
	return srv.Client(2 * time.Second)
}

func codes(r checks.Result) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.Code)
	}
	return out
}

func findingFor(r checks.Result, code string) *checks.Finding {
	for i := range r.Findings {
		if r.Findings[i].Code == code {
			return &r.Findings[i]
		}
	}
	return nil
}

const companyZone = `
example.com.              TXT  "v=spf1 mx include:_spf.provider.test include:mail.other.test ~all"
example.com.              TXT  "google-site-verification=abc"
example.com.              MX   10 mx1.example.com.
example.com.              MX   20 mx2.example.com.
mx1.example.com.          A    192.0.2.10
mx2.example.com.          AAAA 2001:db8::10
_spf.provider.test.       TXT  "v=spf1 ip4:198.51.100.0/24 include:_netblocks.provider.test -all"
_netblocks.provider.test. TXT  "v=spf1 ip4:203.0.113.0/24 ip6:2001:db8:1::/48 -all"
mail.other.test.          TXT  "v=spf1 a -all"
mail.other.test.          A    192.0.2.99
why.example.com.          TXT  "%{i} is not one of %{d}'s designated mail servers."
strict.example.com.       TXT  "v=spf1 ip4:192.0.2.1 -all exp=why.example.com"
`

func TestCheckCompanyPolicy(t *testing.T) {
	r := serve(t, companyZone, nil)
	res := Check(context.Background(), r, "example.com", Options{})
	if res.Name != "spf" || res.Status != checks.StatusOK {
		t.Fatalf("name %q status %s findings %v", res.Name, res.Status, res.Findings)
	}
	if got := codes(res); !slices.Equal(got, []string{CodeAllSoftfail}) {
		t.Errorf("codes = %v, want [spf.all-softfail]", got)
	}
	want := "v=spf1 mx include:_spf.provider.test include:mail.other.test ~all (5 of 10 DNS lookups)"
	if res.Summary != want {
		t.Errorf("summary %q, want %q", res.Summary, want)
	}
	d := res.Data.(Data)
	if d.Lookups != 5 || d.VoidLookups != 0 || len(d.Records) != 1 || d.Result != "" {
		t.Errorf("data = %+v", d)
	}
	tree := d.Tree
	if tree.Lookups != 3 || tree.TotalLookups != 5 || len(tree.Children) != 2 {
		t.Fatalf("root node = %+v", tree)
	}
	prov := tree.Children[0]
	if prov.Domain != "_spf.provider.test" || prov.Via != "include" || prov.Lookups != 1 || prov.TotalLookups != 1 ||
		len(prov.Children) != 1 || prov.Children[0].Record != "v=spf1 ip4:203.0.113.0/24 ip6:2001:db8:1::/48 -all" {
		t.Errorf("provider node = %+v", prov)
	}
}

func TestCheckWithIP(t *testing.T) {
	r := serve(t, companyZone, nil)
	cases := []struct {
		ip, domain  string
		result      Result
		mech        string
		status      checks.Status
		code        string
		explanation string
	}{
		{"203.0.113.5", "example.com", Pass, "include:_spf.provider.test", checks.StatusOK, "", ""},
		{"192.0.2.10", "example.com", Pass, "mx", checks.StatusOK, "", ""},
		// An IPv6 client: mx1 has no AAAA, which is not a void lookup.
		{"2001:db8::10", "example.com", Pass, "mx", checks.StatusOK, "", ""},
		{"192.0.2.99", "example.com", Pass, "include:mail.other.test", checks.StatusOK, "", ""},
		{"192.0.2.200", "example.com", SoftFail, "~all", checks.StatusWarn, CodeResultSoftfail, ""},
		{"192.0.2.7", "strict.example.com", Fail, "-all", checks.StatusFail, CodeResultFail, "192.0.2.7 is not one of strict.example.com's designated mail servers."},
	}
	for _, c := range cases {
		res := Check(context.Background(), r, c.domain, Options{IP: netip.MustParseAddr(c.ip), HELO: "client.example"})
		d := res.Data.(Data)
		if d.Result != c.result || d.Mechanism != c.mech || res.Status != c.status || d.Explanation != c.explanation {
			t.Errorf("%s from %s: result %s mech %q status %s expl %q (err %q); want %s %q %s %q",
				c.domain, c.ip, d.Result, d.Mechanism, res.Status, d.Explanation, d.ResultError, c.result, c.mech, c.status, c.explanation)
		}
		if c.code != "" && findingFor(res, c.code) == nil {
			t.Errorf("%s from %s: no %s finding in %v", c.domain, c.ip, c.code, codes(res))
		}
		if c.ip == "2001:db8::10" && *d.EvalVoidLookups != 0 {
			t.Errorf("IPv6 client: %d void lookups, want 0", *d.EvalVoidLookups)
		}
		if !strings.Contains(res.Summary, c.ip+": "+string(c.result)) {
			t.Errorf("summary %q does not give the result", res.Summary)
		}
	}
}

// TestCheckJSON pins the JSON shape docs/contract.md promises: data.result and
// data.explanation, plus the documented keys.
func TestCheckJSON(t *testing.T) {
	r := serve(t, companyZone, nil)
	res := Check(context.Background(), r, "strict.example.com", Options{IP: netip.MustParseAddr("192.0.2.8")})
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Name string `json:"name"`
		Data map[string]any
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"record", "records", "lookups", "lookup_limit", "void_lookups", "voids", "tree", "ip", "result", "mechanism", "explanation"} {
		if _, ok := v.Data[k]; !ok {
			t.Errorf("data has no %q: %s", k, b)
		}
	}
	if v.Data["result"] != "fail" || v.Data["explanation"] != "192.0.2.8 is not one of strict.example.com's designated mail servers." {
		t.Errorf("result %v explanation %v", v.Data["result"], v.Data["explanation"])
	}
	tree := v.Data["tree"].(map[string]any)
	if tree["domain"] != "strict.example.com" || tree["total_lookups"] != float64(0) {
		t.Errorf("tree = %v", tree)
	}
}

const findingsZone = `
missing.test.        TXT "google-site-verification=abc"
multi.test.          TXT "v=spf1 -all"
multi.test.          TXT "v=spf1 ip4:192.0.2.1 -all"
badver.test.         TXT "v=spf1include:_spf.provider.test -all"
syntax.test.         TXT "v=spf1 include:ok.test inclde:foo.example -all"
ok.test.             TXT "v=spf1 ip4:192.0.2.0/24 -all"
plus.test.           TXT "v=spf1 +all"
neutral.test.        TXT "v=spf1 ip4:192.0.2.1 ?all"
noall.test.          TXT "v=spf1 ip4:192.0.2.1"
ptr.test.            TXT "v=spf1 ptr -all"
loop.test.           TXT "v=spf1 include:loop2.test -all"
loop2.test.          TXT "v=spf1 include:loop.test -all"
voids.test.          TXT "v=spf1 a:nx1.test a:nx2.test mx:nx3.test -all"
onevoid.test.        TXT "v=spf1 a:nx1.test ip4:192.0.2.1 -all"
mxmany.test.         TXT "v=spf1 mx -all"
redirect.test.       TXT "v=spf1 redirect=_spf.redirect.test"
_spf.redirect.test.  TXT "v=spf1 ip4:192.0.2.1 ?all"
redirmiss.test.      TXT "v=spf1 redirect=nothing.test"
incmiss.test.        TXT "v=spf1 include:nothing.test -all"
oddities.test.       TXT "v=spf1 -all ip4:192.0.2.1 redirect=ok.test foo=bar"
macro.test.          TXT "v=spf1 include:%{d}._spf.ok.test -all"
incplus.test.        TXT "v=spf1 include:plus.test -all"
servfail.test.       TXT "v=spf1 -all"
incfail.test.        TXT "v=spf1 include:servfail.test -all"
badtarget.test.      TXT "v=spf1 a:mail.example...com -all"
`

func TestCheckFindings(t *testing.T) {
	var b strings.Builder
	b.WriteString(findingsZone)
	var many, near []string
	for i := 0; i < 11; i++ {
		fmt.Fprintf(&b, "i%d.test. TXT \"v=spf1 ip4:192.0.2.%d -all\"\n", i, i)
		many = append(many, fmt.Sprintf("include:i%d.test", i))
		if i < 9 {
			near = append(near, fmt.Sprintf("include:i%d.test", i))
		}
	}
	fmt.Fprintf(&b, "many.test. TXT \"v=spf1 %s -all\"\n", strings.Join(many, " "))
	fmt.Fprintf(&b, "near.test. TXT \"v=spf1 %s -all\"\n", strings.Join(near, " "))
	for i := 0; i < 11; i++ {
		fmt.Fprintf(&b, "mxmany.test. MX %d mx%d.mxmany.test.\nmx%d.mxmany.test. A 192.0.2.%d\n", i, i, i, i)
	}
	var long []string
	for i := 0; i < 40; i++ {
		long = append(long, fmt.Sprintf("ip4:198.51.100.%d", i))
	}
	text := "v=spf1 " + strings.Join(long, " ") + " -all"
	fmt.Fprintf(&b, "long.test. TXT %s\n", txtChunks(text))
	r := serve(t, b.String(), map[string]dnstest.Behavior{"servfail.test": dnstest.ServFail})

	cases := []struct {
		domain string
		status checks.Status
		want   []string
	}{
		{"missing.test", checks.StatusFail, []string{CodeMissing}},
		{"nonexistent.test", checks.StatusFail, []string{CodeMissing}},
		{"multi.test", checks.StatusFail, []string{CodeMultiple}},
		{"badver.test", checks.StatusFail, []string{CodeBadVersion, CodeMissing}},
		{"syntax.test", checks.StatusFail, []string{CodeSyntax}},
		{"plus.test", checks.StatusFail, []string{CodeAllPass}},
		{"neutral.test", checks.StatusWarn, []string{CodeAllNeutral}},
		{"noall.test", checks.StatusWarn, []string{CodeNoAll}},
		{"ptr.test", checks.StatusWarn, []string{CodePTR}},
		{"loop.test", checks.StatusFail, []string{CodeIncludeLoop}},
		{"voids.test", checks.StatusFail, []string{CodeVoidLookup, CodeVoidLookup, CodeVoidLookup, CodeVoidLimit}},
		{"onevoid.test", checks.StatusWarn, []string{CodeVoidLookup}},
		{"mxmany.test", checks.StatusFail, []string{CodeMXTooMany}},
		{"many.test", checks.StatusFail, []string{CodeLookupLimit}},
		{"near.test", checks.StatusWarn, []string{CodeLookupNearLimit}},
		{"long.test", checks.StatusWarn, []string{CodeTooLong}},
		{"redirect.test", checks.StatusWarn, []string{CodeAllNeutral}},
		{"redirmiss.test", checks.StatusFail, []string{CodeIncludeMissing}},
		{"incmiss.test", checks.StatusFail, []string{CodeIncludeMissing}},
		{"oddities.test", checks.StatusOK, []string{CodeAfterAll, CodeUnknownModifier, CodeRedirectIgnored}},
		{"macro.test", checks.StatusOK, []string{CodeMacroTarget}},
		{"incplus.test", checks.StatusFail, []string{CodeAllPass}},
		{"incfail.test", checks.StatusError, []string{CodeDNSError}},
		{"servfail.test", checks.StatusError, []string{CodeDNSError}},
		{"badtarget.test", checks.StatusWarn, []string{CodeTargetInvalid}},
	}
	for _, c := range cases {
		res := Check(context.Background(), r, c.domain, Options{})
		got := codes(res)
		if res.Status != c.status || !slices.Equal(got, c.want) {
			t.Errorf("%s: status %s codes %v; want %s %v", c.domain, res.Status, got, c.status, c.want)
			for _, f := range res.Findings {
				t.Logf("  %s %s: %s", f.Severity, f.Code, f.Message)
			}
		}
		for _, f := range res.Findings {
			if f.Message == "" || f.Hint == "" || f.Ref == "" || !strings.HasPrefix(f.Code, "spf.") {
				t.Errorf("%s: incomplete finding %+v", c.domain, f)
			}
		}
	}

	// Spot checks of what the messages say.
	res := Check(context.Background(), r, "syntax.test", Options{})
	if f := findingFor(res, CodeSyntax); f == nil || !strings.Contains(f.Message, `col 24: unknown mechanism "inclde"`) {
		t.Errorf("syntax finding: %+v", f)
	}
	res = Check(context.Background(), r, "voids.test", Options{})
	d := res.Data.(Data)
	if d.VoidLookups != 3 || d.Voids[0].Term != "a:nx1.test" || d.Voids[2].Term != "mx:nx3.test" || d.Voids[0].Reason != "NXDOMAIN" {
		t.Errorf("voids = %+v", d.Voids)
	}
	res = Check(context.Background(), r, "servfail.test", Options{})
	if !strings.Contains(res.Error, "SERVFAIL") || findingFor(res, CodeMissing) != nil {
		t.Errorf("servfail: error %q findings %v", res.Error, codes(res))
	}
	res = Check(context.Background(), r, "many.test", Options{})
	if d := res.Data.(Data); d.Lookups != 11 {
		t.Errorf("many.test lookups = %d", d.Lookups)
	}
}

// txtChunks writes a long TXT value as zone-file strings of at most 255
// bytes.
func txtChunks(s string) string {
	var parts []string
	for len(s) > 200 {
		parts = append(parts, `"`+s[:200]+`"`)
		s = s[200:]
	}
	return strings.Join(append(parts, `"`+s+`"`), " ")
}

// TestAnalyzeManyTargets runs many target checks of one record at once,
// valid and invalid names mixed (for the race detector), and expects the
// void lookups in term order whatever order the answers came in.
func TestAnalyzeManyTargets(t *testing.T) {
	r := serve(t, `
mixed.test. TXT "v=spf1 a:nx1.test a:bad..name.test mx:nx2.test a:nx3.test a:.x.test exists:nx4.test -all"
`, nil)
	a := Analyze(context.Background(), r, "mixed.test")
	var terms []string
	for _, v := range a.Voids {
		terms = append(terms, v.Term)
	}
	if want := []string{"a:nx1.test", "mx:nx2.test", "a:nx3.test", "exists:nx4.test"}; !slices.Equal(terms, want) {
		t.Errorf("voids %v, want %v", terms, want)
	}
	var invalid int
	for _, f := range a.Findings {
		if f.Code == CodeTargetInvalid {
			invalid++
		}
	}
	if invalid != 2 {
		t.Errorf("%d spf.target-invalid findings, want 2: %v", invalid, a.Findings)
	}
}

// TestCheckWithIPNeutralAndPermerror evaluates a client address against
// policies served on loopback whose check_host() result is neutral (a
// "?" term matched, or nothing matched) or permerror (an include with no
// record, a syntax error, two records), and checks the finding that
// result gives: spf.result-neutral is info, spf.result-permerror is fail
// and names the cause (docs/spf.md).
func TestCheckWithIPNeutralAndPermerror(t *testing.T) {
	r := serve(t, `
qall.test.   TXT "v=spf1 ip4:192.0.2.1 ?all"
noall.test.  TXT "v=spf1 ip4:192.0.2.1"
qip.test.    TXT "v=spf1 ?ip4:192.0.2.0/24 -all"
incgone.test. TXT "v=spf1 include:gone.test -all"
badip.test.  TXT "v=spf1 ip4:192.0.2.300 -all"
two.test.    TXT "v=spf1 -all"
two.test.    TXT "v=spf1 ~all"
`, nil)
	cases := []struct {
		domain   string
		result   Result
		mech     string
		code     string
		severity checks.Severity
		ref      string
		cause    string // in the finding's message and data.result_error
	}{
		{"qall.test", Neutral, "?all", CodeResultNeutral, checks.SeverityInfo, "RFC 7208 §8.3", ""},
		{"noall.test", Neutral, "", CodeResultNeutral, checks.SeverityInfo, "RFC 7208 §8.3", ""},
		{"qip.test", Neutral, "?ip4:192.0.2.0/24", CodeResultNeutral, checks.SeverityInfo, "RFC 7208 §8.3", ""},
		{"incgone.test", PermError, "", CodeResultPermerror, checks.SeverityFail, "RFC 7208 §8.7", "gone.test"},
		{"badip.test", PermError, "", CodeResultPermerror, checks.SeverityFail, "RFC 7208 §8.7", "192.0.2.300"},
		{"two.test", PermError, "", CodeResultPermerror, checks.SeverityFail, "RFC 7208 §8.7", "2 records"},
	}
	const ip = "192.0.2.9"
	for _, c := range cases {
		res := Check(context.Background(), r, c.domain, Options{IP: netip.MustParseAddr(ip)})
		d := res.Data.(Data)
		if d.Result != c.result || d.Mechanism != c.mech || d.IP != ip {
			t.Errorf("%s: result %s mech %q ip %q (err %q); want %s %q", c.domain, d.Result, d.Mechanism, d.IP, d.ResultError, c.result, c.mech)
		}
		if res.Status == checks.StatusError {
			t.Errorf("%s: status error (%s); neutral and permerror are results, not failures to check", c.domain, res.Error)
		}
		f := findingFor(res, c.code)
		if f == nil {
			t.Errorf("%s: no %s finding in %v", c.domain, c.code, codes(res))
			continue
		}
		if f.Severity != c.severity || f.Ref != c.ref || f.Hint == "" || !strings.Contains(f.Message, ip) {
			t.Errorf("%s: finding %+v; want severity %s ref %q, a hint, the address in the message", c.domain, *f, c.severity, c.ref)
		}
		if c.cause != "" && (!strings.Contains(f.Message, c.cause) || !strings.Contains(d.ResultError, c.cause)) {
			t.Errorf("%s: message %q / result_error %q do not name the cause %q", c.domain, f.Message, d.ResultError, c.cause)
		}
		if c.mech != "" && !strings.Contains(f.Message, "by "+c.mech) {
			t.Errorf("%s: message %q does not name the matching term %q", c.domain, f.Message, c.mech)
		}
		if c.severity == checks.SeverityFail && res.Status != checks.StatusFail {
			t.Errorf("%s: status %s with a fail finding", c.domain, res.Status)
		}
		if !strings.Contains(res.Summary, ip+": "+string(c.result)) {
			t.Errorf("%s: summary %q does not give the result", c.domain, res.Summary)
		}
		for _, other := range []string{CodeResultNeutral, CodeResultPermerror, CodeResultNone, CodeResultFail, CodeResultSoftfail} {
			if other != c.code && findingFor(res, other) != nil {
				t.Errorf("%s: unexpected %s beside %s: %v", c.domain, other, c.code, codes(res))
			}
		}
	}
}

// A CNAME loop in the resolver's answer for the SPF record is an error
// that names the loop, never spf.missing.
func TestCheckCNAMELoopIsNotMissing(t *testing.T) {
	z, err := dnsx.ParseZone(strings.NewReader("$ORIGIN .\n$TTL 300\nexample.com. A 192.0.2.1\n"), ".", "test.zone")
	if err != nil {
		t.Fatal(err)
	}
	srv := dnstest.Start(t, z)
	a, _ := dns.NewRR("example.com. 300 IN CNAME spf.example.net.")
	b, _ := dns.NewRR("spf.example.net. 300 IN CNAME example.com.")
	srv.SetAnswer("example.com", a, b)
	res := Check(context.Background(), srv.Client(2*time.Second), "example.com", Options{})
	if res.Status != checks.StatusError || !strings.Contains(res.Error, "CNAME loop") || slices.Contains(codes(res), "spf.missing") {
		t.Errorf("status %s, error %q, findings %q", res.Status, res.Error, codes(res))
	}
}

// RFC 7208 §4.3: check_host() of a malformed domain is none, at once and
// without a query; the finding says what is malformed.
func TestCheckMalformedDomainIsNone(t *testing.T) {
	srv := dnstest.Start(t)
	for domain, why := range map[string]string{
		strings.Repeat("a", 64) + ".example": "over 63",
		"a..example":                         "empty label",
		"localhost":                          "single label",
		"[1.2.3.5]":                          "domain literal",
	} {
		res := Check(context.Background(), srv.Client(time.Second), domain, Options{IP: netip.MustParseAddr("192.0.2.1")})
		d := res.Data.(Data)
		if d.Result != None || len(res.Findings) != 1 || res.Findings[0].Code != CodeResultNone ||
			!strings.Contains(res.Findings[0].Message, why) || res.Status != checks.StatusOK {
			t.Errorf("%s: result %q status %s findings %+v", domain, d.Result, res.Status, res.Findings)
		}
	}
	if n := srv.Queries(); n != 0 {
		t.Errorf("%d DNS questions for malformed domains", n)
	}
	if InvalidDomain("example.com.") != "" || InvalidDomain("_spf.example.com") != "" {
		t.Error("a well-formed domain is called malformed")
	}
}
