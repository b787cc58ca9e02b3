package dkim

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// txt renders a TXT record's data in zone-file form, split into strings
// of at most 255 bytes the way long DKIM keys are published.
func txt(s string) string {
	var parts []string
	for len(s) > 255 {
		parts = append(parts, `"`+s[:255]+`"`)
		s = s[255:]
	}
	parts = append(parts, `"`+s+`"`)
	return strings.Join(parts, " ")
}

func serve(t *testing.T, zone string) (*dnstest.Server, *dnsx.Client) {
	t.Helper()
	srv := dnstest.Start(t, dnstest.Zone(t, ".", "$TTL 300\n"+zone))
	return srv, srv.Client(5 * time.Second)
}

func run(t *testing.T, zone string, sel ...string) (checks.Result, *Data) {
	t.Helper()
	_, c := serve(t, zone)
	res := Check(context.Background(), c, "example.com", Options{Selectors: sel})
	return res, res.Data.(*Data)
}

func wantCodes(t *testing.T, res checks.Result, want ...string) {
	t.Helper()
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.Code+"/"+string(f.Severity))
		if f.Message == "" || f.Hint == "" || f.Ref == "" {
			t.Errorf("finding %s lacks message, hint or ref: %+v", f.Code, f)
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("findings\n got %q\nwant %q", got, want)
		for _, f := range res.Findings {
			t.Logf("  %s: %s", f.Code, f.Message)
		}
	}
}

func TestCheckProbesCommonSelectors(t *testing.T) {
	testKeys(t)
	zone := fmt.Sprintf(`
selector1._domainkey.example.com. TXT %s
google._domainkey.example.com. TXT %s
s1._domainkey.example.com. CNAME s1.domainkey.esp.example.net.
s1.domainkey.esp.example.net. TXT %s
`, txt("v=DKIM1; k=rsa; p="+rsa2048), txt("v=DKIM1; k=rsa; p="+rsa2048), txt("v=DKIM1; k=ed25519; p="+ed))
	srv, c := serve(t, zone)
	res := Check(context.Background(), c, "example.com", Options{})
	d := res.Data.(*Data)
	wantCodes(t, res)
	if res.Status != checks.StatusOK {
		t.Errorf("status %s", res.Status)
	}
	if got, want := res.Summary, "3 keys: selector1 (rsa 2048), google (rsa 2048), s1 (ed25519 256)"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	if d.Mode != "common" || len(d.Probed) != len(CommonSelectors) {
		t.Errorf("mode %s, %d probed", d.Mode, len(d.Probed))
	}
	if k := d.Keys[2]; k.ViaCNAME != "s1.domainkey.esp.example.net" || k.KeyType != KeyEd25519 || k.Name != "s1._domainkey.example.com" {
		t.Errorf("CNAME key: %+v", k)
	}
	if k := d.Keys[0]; k.Selector != "selector1" || k.KeyBits != 2048 || !k.Valid || k.ViaCNAME != "" {
		t.Errorf("key: %+v", k)
	}
	if n := srv.Queries(); n < int64(len(CommonSelectors)) {
		t.Errorf("only %d queries for %d selectors", n, len(CommonSelectors))
	}
	b, _ := json.Marshal(d)
	for _, k := range []string{`"selector":"google"`, `"via_cname":"s1.domainkey.esp.example.net"`, `"key_type":"rsa"`, `"key_bits":2048`, `"hash_algs":[]`, `"probed":[`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("JSON lacks %s", k)
		}
	}
}

func TestCheckNothingFoundIsInfo(t *testing.T) {
	res, d := run(t, `example.com. A 192.0.2.1`)
	wantCodes(t, res, "dkim.no-key-found/info")
	if res.Status != checks.StatusOK || len(d.Keys) != 0 {
		t.Errorf("status %s", res.Status)
	}
	if !strings.Contains(res.Findings[0].Hint, "--selector") {
		t.Errorf("hint %q", res.Findings[0].Hint)
	}
}

func TestCheckWildcardTXTIsNotAKey(t *testing.T) {
	res, d := run(t, `*.example.com. TXT "v=spf1 -all"`)
	wantCodes(t, res, "dkim.no-key-found/info")
	if len(d.Keys) != 0 {
		t.Errorf("keys %+v", d.Keys)
	}
	res, _ = run(t, `*.example.com. TXT "v=spf1 -all"`, "s1")
	wantCodes(t, res, "dkim.not-a-key/fail")
}

func TestCheckNamedSelectorMissing(t *testing.T) {
	testKeys(t)
	res, d := run(t, "s1._domainkey.example.com. TXT "+txt("p="+rsa2048), "S1", "s2", "s1")
	wantCodes(t, res, "dkim.selector-missing/fail")
	if res.Status != checks.StatusFail || d.Mode != "named" || strings.Join(d.Probed, ",") != "s1,s2" || strings.Join(d.Missing, ",") != "s2" {
		t.Errorf("status %s data %+v", res.Status, d)
	}
	if got := res.Summary; got != "1 key: s1 (rsa 2048); missing: s2" {
		t.Errorf("summary %q", got)
	}
}

func TestCheckKeyFindings(t *testing.T) {
	testKeys(t)
	zone := fmt.Sprintf(`
weak._domainkey.example.com. TXT %s
short._domainkey.example.com. TXT %s
huge._domainkey.example.com. TXT %s
old._domainkey.example.com. TXT "v=DKIM1; p="
test._domainkey.example.com. TXT %s
sha1._domainkey.example.com. TXT %s
web._domainkey.example.com. TXT %s
pk1._domainkey.example.com. TXT %s
bad._domainkey.example.com. TXT "v=DKIM1; k=rsa; p=%%%%%%"
dsa._domainkey.example.com. TXT "v=DKIM1; k=dsa; p=AAAA"
two._domainkey.example.com. TXT %s
two._domainkey.example.com. TXT %s
gone._domainkey.example.com. CNAME gone.esp.example.net.
`,
		txt("v=DKIM1; p="+fakeRSA(t, 768)),
		txt("v=DKIM1; p="+rsa1024),
		txt("v=DKIM1; p="+fakeRSA(t, 8192)),
		txt("v=DKIM1; t=y; p="+rsa2048),
		txt("v=DKIM1; h=sha1; p="+rsa2048),
		txt("v=DKIM1; s=tlsrpt; p="+rsa2048),
		txt("v=DKIM1; p="+rsa2048p),
		txt("v=DKIM1; p="+rsa2048), txt("v=DKIM1; p="+rsa1024),
	)
	res, d := run(t, zone, "weak", "short", "huge", "old", "test", "sha1", "web", "pk1", "bad", "dsa", "two", "gone", "bad name!")
	wantCodes(t, res,
		"dkim.weak-key/fail", "dkim.weak-key/warn", "dkim.key-too-large/warn", "dkim.key-revoked/warn",
		"dkim.test-mode/warn", "dkim.sha1/fail", "dkim.service-not-email/fail", "dkim.pkcs1-encoding/info",
		"dkim.syntax/fail", "dkim.unsupported-key-type/fail", "dkim.multiple-records/fail",
		"dkim.weak-key/warn", // the second record at "two" is 1024 bits
		"dkim.cname-dangling/fail", "dkim.selector-invalid/fail")
	if res.Status != checks.StatusFail {
		t.Errorf("status %s", res.Status)
	}
	byName := map[string]Key{}
	for _, k := range d.Keys {
		byName[k.Selector] = k
	}
	if k := byName["weak"]; k.KeyBits != 768 || !k.Valid {
		t.Errorf("weak: %+v", k)
	}
	if k := byName["bad"]; k.Valid || k.Error == "" {
		t.Errorf("bad: %+v", k)
	}
	if k := byName["old"]; !k.Revoked {
		t.Errorf("old: %+v", k)
	}
	if k := byName["test"]; strings.Join(k.Flags, ",") != "y" {
		t.Errorf("test: %+v", k)
	}
	for _, f := range res.Findings {
		if f.Code == CodeSyntax && !strings.Contains(f.Message, "col 17: tag p") {
			t.Errorf("syntax finding without the column: %q", f.Message)
		}
	}
}

func TestCheckRevokedWhenProbedIsInfo(t *testing.T) {
	res, _ := run(t, `default._domainkey.example.com. TXT "v=DKIM1; p="`)
	wantCodes(t, res, "dkim.key-revoked/info")
}

func TestCheckEd25519Only(t *testing.T) {
	testKeys(t)
	res, _ := run(t, "ed._domainkey.example.com. TXT "+txt("v=DKIM1; k=ed25519; p="+ed), "ed")
	wantCodes(t, res, "dkim.ed25519-only/warn")
}

func TestCheckDNSErrors(t *testing.T) {
	testKeys(t)
	zone := "s1._domainkey.example.com. TXT " + txt("p="+rsa2048)

	// A named selector that cannot be asked: error, not missing.
	srv, c := serve(t, zone)
	srv.Set("s2._domainkey.example.com", dnstest.ServFail)
	res := Check(context.Background(), c, "example.com", Options{Selectors: []string{"s1", "s2"}})
	if res.Status != checks.StatusError || !strings.Contains(res.Error, "s2") {
		t.Errorf("named: status %s error %q", res.Status, res.Error)
	}
	wantCodes(t, res)
	d := res.Data.(*Data)
	if len(d.Errors) != 1 || d.Errors[0].Selector != "s2" || len(d.Missing) != 0 {
		t.Errorf("data %+v", d)
	}

	// Probing: one failure beside a found key is only noted.
	srv.Set("google._domainkey.example.com", dnstest.Refused)
	res = Check(context.Background(), c, "example.com", Options{})
	wantCodes(t, res, "dkim.lookup-failed/info")
	if res.Status != checks.StatusOK {
		t.Errorf("probe with one failure: status %s", res.Status)
	}

	// Probing with nothing found and failures: no verdict.
	srv2, c2 := serve(t, `example.com. A 192.0.2.1`)
	srv2.Set("selector1._domainkey.example.com", dnstest.ServFail)
	res = Check(context.Background(), c2, "example.com", Options{})
	if res.Status != checks.StatusError {
		t.Errorf("probe, nothing found, one failure: status %s", res.Status)
	}
	wantCodes(t, res)
}

func TestCheckServerNeverAnswers(t *testing.T) {
	srv, _ := serve(t, `example.com. A 192.0.2.1`)
	for _, s := range CommonSelectors {
		srv.Set(s+"._domainkey.example.com", dnstest.Drop)
	}
	// The server holds each question 100ms before dropping it, so
	// questions asked together overlap there.
	srv.SetDelay(100 * time.Millisecond)
	c := srv.Client(200 * time.Millisecond)
	start := time.Now()
	res := Check(context.Background(), c, "example.com", Options{})
	if res.Status != checks.StatusError {
		t.Errorf("status %s", res.Status)
	}
	// Ends once the timeouts run out, not a hang: 48 selectors 16 at a
	// time is three rounds of the 200ms timeout. Generous for a loaded
	// machine; concurrency is shown by the count below, not by time.
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("took %v", el)
	}
	// 16 selectors asked at once (probeConcurrency), not one by one.
	if p := srv.PeakInFlight(); p != 16 {
		t.Errorf("at most %d questions in flight at once, want 16", p)
	}
}

func TestCheckCancelled(t *testing.T) {
	_, c := serve(t, `example.com. A 192.0.2.1`)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := Check(ctx, c, "example.com", Options{})
	if res.Status != checks.StatusError {
		t.Errorf("status %s", res.Status)
	}
}

// A key whose h= names only hash algorithms no verifier supports (neither
// sha256 nor sha1) can verify no signature: dkim.hash-unsupported, fail
// (docs/dkim.md). A list that also names sha256 is fine, and one naming
// sha1 as its only supported algorithm is dkim.sha1 instead.
func TestCheckHashUnsupported(t *testing.T) {
	testKeys(t)
	zone := fmt.Sprintf(`
s512._domainkey.example.com. TXT %s
odd._domainkey.example.com. TXT %s
mixed._domainkey.example.com. TXT %s
`,
		txt("v=DKIM1; k=rsa; h=sha512; p="+rsa2048),
		txt("v=DKIM1; k=rsa; h=md5:SHA384; p="+rsa2048),
		txt("v=DKIM1; k=rsa; h=sha512:sha256; p="+rsa2048),
	)
	res, d := run(t, zone, "s512", "odd", "mixed")
	wantCodes(t, res, "dkim.hash-unsupported/fail", "dkim.hash-unsupported/fail")
	if res.Status != checks.StatusFail {
		t.Errorf("status %s", res.Status)
	}
	for _, f := range res.Findings {
		if f.Code != CodeHashUnsupported || f.Ref != refKeyRecord || !strings.Contains(f.Hint, "sha256") {
			t.Errorf("finding %+v", f)
		}
	}
	msgs := ""
	for _, f := range res.Findings {
		msgs += f.Message + "\n"
	}
	if !strings.Contains(msgs, "s512._domainkey.example.com: h=sha512 ") || !strings.Contains(msgs, "odd._domainkey.example.com: h=md5:sha384 ") || strings.Contains(msgs, "mixed") {
		t.Errorf("messages do not name the right keys and h= lists:\n%s", msgs)
	}
	byName := map[string]Key{}
	for _, k := range d.Keys {
		byName[k.Selector] = k
	}
	if k := byName["odd"]; !k.Valid || strings.Join(k.HashAlgs, ":") != "md5:sha384" {
		t.Errorf("odd: %+v", k)
	}
}
