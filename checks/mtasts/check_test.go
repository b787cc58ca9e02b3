package mtasts

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/fetch/fetchtest"
	"github.com/relayctl/relayctl/checks/tlsx/tlstest"
)

// baseZone is example.com with two MX hosts, the policy host on
// loopback and an MTA-STS record. Tests add or replace lines.
const baseZone = `$ORIGIN example.com.
$TTL 3600
@        IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@        IN MX 10 mx1
@        IN MX 20 mx2.mail.example.net.
mx1      IN A 192.0.2.10
mta-sts  IN A 127.0.0.1
`

const goodRecord = `_mta-sts IN TXT "v=STSv1; id=20240131T1200;"` + "\n"

const goodPolicy = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmx: *.mail.example.net\r\nmax_age: 604800\r\n"

// env is one test's world: DNS on loopback, an HTTPS server for
// mta-sts.example.com signed by a test CA, and the options that reach it.
type env struct {
	dns *dnstest.Server
	r   dnsx.Resolver
	ca  *tlstest.CA
	opt Options
}

func newEnv(t *testing.T, zone string) *env {
	t.Helper()
	srv := dnstest.Start(t, dnstest.Zone(t, "", zone))
	ca := tlstest.NewCA(t, "mtasts test CA")
	return &env{dns: srv, r: srv.Client(2 * time.Second), ca: ca,
		opt: Options{RootCAs: ca.Pool(), Timeout: 3 * time.Second, HTTPSPort: tlstest.ClosedPort(t)}}
}

// serve starts the policy server with handler h and a good certificate.
func (e *env) serve(t *testing.T, h http.Handler) {
	t.Helper()
	_, e.opt.HTTPSPort = e.ca.HTTPSServer(t, h, "mta-sts.example.com")
}

// policyHandler serves body at the well-known path with a content type.
func policyHandler(ct, body string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/mta-sts.txt", func(w http.ResponseWriter, _ *http.Request) {
		if ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		w.Write([]byte(body))
	})
	return mux
}

func (e *env) check(t *testing.T) (checks.Result, *Data) {
	t.Helper()
	res := Check(context.Background(), e.r, "example.com", e.opt)
	if _, err := json.Marshal(res); err != nil {
		t.Fatalf("result does not marshal: %v", err)
	}
	return res, res.Data.(*Data)
}

func codes(res checks.Result) []string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, f.Code+"/"+string(f.Severity))
	}
	return out
}

func wantCodes(t *testing.T, res checks.Result, want ...string) {
	t.Helper()
	got := codes(res)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("findings = %v, want %v", got, want)
		for _, f := range res.Findings {
			t.Logf("  %s: %s", f.Code, f.Message)
		}
	}
	for _, f := range res.Findings {
		if f.Hint == "" || f.Ref == "" || f.Message == "" {
			t.Errorf("finding %s lacks message, hint or ref: %+v", f.Code, f)
		}
	}
}

func TestCheckGoodPolicy(t *testing.T) {
	e := newEnv(t, baseZone+goodRecord)
	e.serve(t, policyHandler("text/plain; charset=utf-8", goodPolicy))
	res, d := e.check(t)
	wantCodes(t, res)
	if res.Status != checks.StatusOK || !d.Valid {
		t.Fatalf("status %s valid %v error %q", res.Status, d.Valid, res.Error)
	}
	if d.ID != "20240131T1200" || d.Policy.Mode != ModeEnforce || d.Policy.MaxAge != 604800 {
		t.Errorf("data = %+v policy %+v", d, d.Policy)
	}
	want := []Coverage{{"mx1.example.com", "mx1.example.com"}, {"mx2.mail.example.net", "*.mail.example.net"}}
	if !slices.Equal(d.Coverage, want) {
		t.Errorf("coverage = %v", d.Coverage)
	}
	if d.Fetch == nil || d.Fetch.StatusCode != 200 || !strings.HasPrefix(d.Fetch.Addr, "127.0.0.1:") {
		t.Errorf("fetch = %+v", d.Fetch)
	}
	if res.Summary != "mode enforce, max_age 604800, 2 of 2 MX hosts covered, id 20240131T1200" {
		t.Errorf("summary = %q", res.Summary)
	}
	// Lookup, for other checks, sees the same policy.
	p, err := Lookup(context.Background(), e.r, "example.com", e.opt)
	if err != nil || !p.Enforced() || !p.Matches("MX1.example.com.") || p.Matches("evil.example.org") {
		t.Errorf("Lookup = %+v, %v", p, err)
	}
}

func TestCheckMissingIsInfo(t *testing.T) {
	e := newEnv(t, baseZone+`_mta-sts IN TXT "something else"`+"\n")
	res, d := e.check(t)
	wantCodes(t, res, "mtasts.missing/info")
	if res.Status != checks.StatusOK || d.Fetch != nil || len(d.Records) != 1 {
		t.Errorf("status %s fetch %v records %v", res.Status, d.Fetch, d.Records)
	}
	if _, err := Lookup(context.Background(), e.r, "example.com", e.opt); err != ErrNoRecord {
		t.Errorf("Lookup: %v", err)
	}
}

func TestCheckDNSErrorIsNotMissing(t *testing.T) {
	e := newEnv(t, baseZone+goodRecord)
	e.dns.Set("_mta-sts.example.com", dnstest.ServFail)
	res, _ := e.check(t)
	wantCodes(t, res)
	if res.Status != checks.StatusError || !strings.Contains(res.Error, "SERVFAIL") {
		t.Errorf("status %s error %q", res.Status, res.Error)
	}
}

func TestCheckTestingMode(t *testing.T) {
	e := newEnv(t, baseZone+goodRecord)
	e.serve(t, policyHandler("text/plain", strings.Replace(goodPolicy, "enforce", "testing", 1)))
	res, d := e.check(t)
	wantCodes(t, res, "mtasts.mode-testing/warn")
	if res.Status != checks.StatusWarn || !d.Valid {
		t.Errorf("status %s valid %v", res.Status, d.Valid)
	}
}

func TestCheckModeNoneAndShortMaxAge(t *testing.T) {
	e := newEnv(t, baseZone+goodRecord)
	e.serve(t, policyHandler("text/plain", "version: STSv1\nmode: none\nmax_age: 60\n"))
	res, _ := e.check(t)
	// Mode none needs no mx and a short max_age is how it is retired.
	wantCodes(t, res, "mtasts.mode-none/info")

	e2 := newEnv(t, baseZone+goodRecord)
	e2.serve(t, policyHandler("text/plain", strings.Replace(goodPolicy, "604800", "3600", 1)))
	res, _ = e2.check(t)
	wantCodes(t, res, "mtasts.max-age-short/warn")
	e3 := newEnv(t, baseZone+goodRecord)
	e3.serve(t, policyHandler("text/plain", strings.Replace(goodPolicy, "604800", "86400", 1)))
	res, _ = e3.check(t)
	wantCodes(t, res, "mtasts.max-age-short/info")
}

func TestCheckMXNotCoveredAndUnusedPattern(t *testing.T) {
	e := newEnv(t, baseZone+goodRecord)
	policy := "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: old.example.com\nmax_age: 604800\n"
	e.serve(t, policyHandler("text/plain", policy))
	res, d := e.check(t)
	wantCodes(t, res, "mtasts.mx-mismatch/fail", "mtasts.pattern-unused/info")
	if res.Status != checks.StatusFail || !slices.Equal(d.UnusedPatterns, []string{"old.example.com"}) {
		t.Errorf("status %s unused %v", res.Status, d.UnusedPatterns)
	}
	if !strings.Contains(res.Findings[0].Message+res.Findings[1].Message, "mx2.mail.example.net") {
		t.Errorf("the uncovered host is not named: %v", res.Findings)
	}
	if !strings.Contains(res.Summary, "1 of 2 MX hosts covered") {
		t.Errorf("summary %q", res.Summary)
	}
	// Under testing the same gap is a warning.
	e2 := newEnv(t, baseZone+goodRecord)
	e2.serve(t, policyHandler("text/plain", strings.Replace(policy, "enforce", "testing", 1)))
	res, _ = e2.check(t)
	wantCodes(t, res, "mtasts.mx-mismatch/warn", "mtasts.pattern-unused/info", "mtasts.mode-testing/warn")
}

func TestCheckWildcardIsOneLabel(t *testing.T) {
	zone := strings.Replace(baseZone, "mx2.mail.example.net.", "a.b.mail.example.net.", 1)
	e := newEnv(t, zone+goodRecord)
	e.serve(t, policyHandler("text/plain", goodPolicy))
	res, _ := e.check(t)
	wantCodes(t, res, "mtasts.mx-mismatch/fail", "mtasts.pattern-unused/info")
}

func TestCheckImplicitMX(t *testing.T) {
	zone := `$ORIGIN example.com.
@        3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@        3600 IN A 192.0.2.1
mta-sts  3600 IN A 127.0.0.1
` + goodRecord
	e := newEnv(t, zone)
	e.serve(t, policyHandler("text/plain", goodPolicy))
	res, d := e.check(t)
	wantCodes(t, res, "mtasts.mx-mismatch/fail", "mtasts.pattern-unused/info", "mtasts.pattern-unused/info")
	if !slices.Equal(d.MXHosts, []string{"example.com"}) || !strings.Contains(res.Findings[0].Message, "no MX records") {
		t.Errorf("mx hosts %v, first finding %q", d.MXHosts, res.Findings[0].Message)
	}
}

func TestCheckMXErrorIsError(t *testing.T) {
	e := newEnv(t, baseZone+goodRecord)
	e.serve(t, policyHandler("text/plain", goodPolicy))
	e.dns.Set("example.com", dnstest.Refused)
	res, d := e.check(t)
	wantCodes(t, res)
	if res.Status != checks.StatusError || d.Policy == nil || d.Policy.Mode != ModeEnforce {
		t.Errorf("status %s policy %+v", res.Status, d.Policy)
	}
}

func TestCheckSyntaxErrors(t *testing.T) {
	cases := []struct {
		name, record, policy string
		want                 []string
	}{
		{"bad policy", goodRecord, "version: STSv2\nmode: enforced\nmx: mx1.example.com\nmx: *.mail.example.net\nmax_age: 99999999999\n",
			[]string{"mtasts.syntax/fail", "mtasts.syntax/fail", "mtasts.syntax/fail"}},
		{"missing fields", goodRecord, "version: STSv1\n", []string{"mtasts.syntax/fail", "mtasts.syntax/fail", "mtasts.syntax/fail"}},
		{"record id too long", `_mta-sts IN TXT "v=STSv1; id=` + strings.Repeat("a", 33) + `"` + "\n", goodPolicy, []string{"mtasts.syntax/fail"}},
		{"record near miss", `_mta-sts IN TXT "v=STSv1 id=1"` + "\n", goodPolicy, []string{"mtasts.syntax/fail"}},
		{"two records", goodRecord + `_mta-sts IN TXT "v=STSv1; id=2"` + "\n", goodPolicy, []string{"mtasts.multiple-records/fail"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, baseZone+tc.record)
			e.serve(t, policyHandler("text/plain", tc.policy))
			res, d := e.check(t)
			wantCodes(t, res, tc.want...)
			if d.Valid || res.Status != checks.StatusFail || !strings.Contains(res.Summary, "not applied") {
				t.Errorf("valid %v status %s summary %q", d.Valid, res.Status, res.Summary)
			}
		})
	}
}

func TestCheckServingProblems(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	cases := []struct {
		name    string
		handler http.Handler
		want    string
	}{
		{"404", http.NotFoundHandler(), "mtasts.policy-unreachable/fail"},
		{"redirect", http.RedirectHandler("https://www.example.com/mta-sts.txt", http.StatusMovedPermanently), "mtasts.redirect/fail"},
		{"html", policyHandler("text/html", goodPolicy), "mtasts.content-type/fail"},
		{"no content type", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header()["Content-Type"] = nil // stop the server from sniffing one
			w.Write([]byte(goodPolicy))
		}), "mtasts.content-type/fail"},
		{"too large", policyHandler("text/plain", goodPolicy+strings.Repeat("x-pad: y\n", 8000)), "mtasts.policy-too-large/fail"},
		{"stall", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}), "mtasts.policy-unreachable/fail"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, baseZone+goodRecord)
			e.serve(t, tc.handler)
			e.opt.Timeout = 500 * time.Millisecond
			start := time.Now()
			res, d := e.check(t)
			wantCodes(t, res, tc.want)
			if res.Status != checks.StatusFail || d.Valid {
				t.Errorf("status %s valid %v", res.Status, d.Valid)
			}
			if el := time.Since(start); el > 3*time.Second {
				t.Errorf("took %v with a 500ms fetch timeout", el)
			}
			if tc.name == "stall" && !strings.Contains(res.Findings[0].Message, "timed out") {
				t.Errorf("stall message %q", res.Findings[0].Message)
			}
			_, err := Lookup(context.Background(), e.r, "example.com", e.opt)
			if err == nil {
				t.Errorf("Lookup accepted a policy served wrongly")
			}
		})
	}
}

func TestCheckCertificateProblems(t *testing.T) {
	cases := []struct {
		name string
		cert func(e *env) (port int)
		want string
	}{
		{"untrusted", func(e *env) int {
			_, p := tlstest.NewCA(t, "Somebody Else").HTTPSServer(t, policyHandler("text/plain", goodPolicy), "mta-sts.example.com")
			return p
		}, "unknown authority"},
		{"wrong name", func(e *env) int {
			_, p := e.ca.HTTPSServer(t, policyHandler("text/plain", goodPolicy), "www.example.com")
			return p
		}, "the certificate is for www.example.com, not mta-sts.example.com"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, baseZone+goodRecord)
			e.opt.HTTPSPort = tc.cert(e)
			res, _ := e.check(t)
			wantCodes(t, res, "mtasts.policy-cert-invalid/fail")
			if !strings.Contains(res.Findings[0].Message, tc.want) {
				t.Errorf("message %q lacks %q", res.Findings[0].Message, tc.want)
			}
		})
	}
}

func TestCheckPolicyHostProblems(t *testing.T) {
	// No address for the policy host: a finding.
	e := newEnv(t, strings.Replace(baseZone, "mta-sts  IN A 127.0.0.1", "", 1)+goodRecord)
	res, _ := e.check(t)
	wantCodes(t, res, "mtasts.policy-unreachable/fail")
	if !strings.Contains(res.Findings[0].Message, "NXDOMAIN") {
		t.Errorf("message %q", res.Findings[0].Message)
	}
	// Nothing listening: a finding naming the connection.
	e = newEnv(t, baseZone+goodRecord)
	res, _ = e.check(t)
	wantCodes(t, res, "mtasts.policy-unreachable/fail")
	if !strings.Contains(res.Findings[0].Message, "connection") {
		t.Errorf("message %q", res.Findings[0].Message)
	}
	// The policy host's DNS fails: no verdict.
	e = newEnv(t, baseZone+goodRecord)
	e.dns.Set("mta-sts.example.com", dnstest.ServFail)
	res, _ = e.check(t)
	wantCodes(t, res)
	if res.Status != checks.StatusError || !strings.Contains(res.Summary, "could not resolve mta-sts.example.com") {
		t.Errorf("status %s summary %q", res.Status, res.Summary)
	}
}

// The --zone path: a dnsx client answering from a zone file (the
// policy host included) fetches the policy when not offline.
func TestCheckFromZoneFile(t *testing.T) {
	z := dnstest.Zone(t, "", baseZone+goodRecord)
	c, err := dnsx.New(dnsx.Config{Zones: []*dnsx.Zone{z}, Servers: []string{dnstest.Start(t).Addr}})
	if err != nil {
		t.Fatal(err)
	}
	ca := tlstest.NewCA(t, "zone CA")
	_, port := ca.HTTPSServer(t, policyHandler("text/plain", goodPolicy), "mta-sts.example.com")
	res := Check(context.Background(), c, "example.com", Options{RootCAs: ca.Pool(), HTTPSPort: port})
	if res.Status != checks.StatusOK {
		t.Errorf("status %s: %v %s", res.Status, codes(res), res.Error)
	}
}

// --zone with --offline: the record and the MX hosts are judged from the
// zone, the policy is not fetched (no connection reaches the server) and
// says so as info, not as a failure.
func TestCheckOfflineFetchesNothing(t *testing.T) {
	z := dnstest.Zone(t, "", baseZone+goodRecord)
	srv, err := fetchtest.Count(t, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	res := Check(context.Background(), dnstest.Offline(t, z), "example.com", Options{HTTPSPort: srv.Port, Timeout: 2 * time.Second})
	wantCodes(t, res, "mtasts.not-evaluated/info")
	if res.Status != checks.StatusOK || !strings.Contains(res.Summary, "--offline") {
		t.Errorf("status %s summary %q", res.Status, res.Summary)
	}
	if n := srv.Accepted(); n != 0 {
		t.Errorf("--offline opened %d connection(s) to the policy server", n)
	}
}

func ExampleMatchMX() {
	for _, h := range []string{"mail.example.com", "example.com", "a.mail.example.com"} {
		fmt.Println(h, MatchMX("*.example.com", h))
	}
	// Output:
	// mail.example.com true
	// example.com false
	// a.mail.example.com false
}
