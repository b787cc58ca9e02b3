package bimi

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
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

const goodSVG = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny-ps" viewBox="0 0 64 64">
  <title>Example Inc</title>
  <circle cx="32" cy="32" r="30" fill="#1a5"/>
</svg>
`

const base = `$ORIGIN example.com.
$TTL 3600
@              IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@              IN MX 10 mx1
mx1            IN A 192.0.2.10
logo           IN A 127.0.0.1
`

const (
	dmarcReject = `_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:d@example.com"` + "\n"
	goodBIMI    = `default._bimi IN TXT "v=BIMI1; l=https://logo.example.com/logo.svg; a=https://logo.example.com/vmc.pem"` + "\n"
)

type env struct {
	dns *dnstest.Server
	r   dnsx.Resolver
	ca  *tlstest.CA
	opt Options
}

func newEnv(t *testing.T, zone string) *env {
	t.Helper()
	z := dnstest.Zone(t, "", zone)
	// The DMARC tree walk also asks _dmarc.com: answer it (NXDOMAIN).
	com := dnstest.Zone(t, "", "$ORIGIN com.\n@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n")
	srv := dnstest.Start(t, z, com)
	ca := tlstest.NewCA(t, "bimi test CA")
	return &env{dns: srv, r: srv.Client(2 * time.Second), ca: ca,
		opt: Options{RootCAs: ca.Pool(), Timeout: 3 * time.Second, HTTPSPort: tlstest.ClosedPort(t)}}
}

func (e *env) serveLogo(t *testing.T, ct string, body []byte) {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/logo.svg", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", ct)
		w.Write(body)
	})
	_, e.opt.HTTPSPort = e.ca.HTTPSServer(t, mux, "logo.example.com")
}

func (e *env) check(t *testing.T, domain string) (checks.Result, *Data) {
	t.Helper()
	res := Check(context.Background(), e.r, domain, e.opt)
	if _, err := json.Marshal(res); err != nil {
		t.Fatal(err)
	}
	return res, res.Data.(*Data)
}

func wantCodes(t *testing.T, res checks.Result, want ...string) {
	t.Helper()
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.Code+"/"+string(f.Severity))
		if f.Hint == "" || f.Ref == "" || f.Message == "" {
			t.Errorf("%s lacks message, hint or ref", f.Code)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("findings = %v, want %v", got, want)
		for _, f := range res.Findings {
			t.Logf("  %s: %s", f.Code, f.Message)
		}
	}
}

func TestCheckGood(t *testing.T) {
	e := newEnv(t, base+dmarcReject+goodBIMI)
	e.serveLogo(t, "image/svg+xml", []byte(goodSVG))
	res, d := e.check(t, "example.com")
	wantCodes(t, res)
	if res.Status != checks.StatusOK || !d.Valid || d.Fallback || d.Name != "default._bimi.example.com" {
		t.Fatalf("status %s data %+v", res.Status, d)
	}
	if d.DMARC == nil || !d.DMARC.Enforced || d.DMARC.Policy != "reject" {
		t.Errorf("dmarc %+v", d.DMARC)
	}
	if d.Logo == nil || d.Logo.SVG == nil || !d.Logo.SVG.TinyPS || d.Logo.SVG.Title != "Example Inc" {
		t.Errorf("logo %+v", d.Logo)
	}
	if !strings.HasPrefix(res.Summary, "l=https://logo.example.com/logo.svg a=https://logo.example.com/vmc.pem DMARC reject") {
		t.Errorf("summary %q", res.Summary)
	}
}

func TestCheckSelectorAndNoFetch(t *testing.T) {
	e := newEnv(t, base+dmarcReject+strings.Replace(goodBIMI, "default._bimi", "brand._bimi", 1))
	e.opt.Selector = "brand"
	e.opt.NoLogoFetch = true
	res, d := e.check(t, "example.com")
	wantCodes(t, res)
	if d.Name != "brand._bimi.example.com" || d.Logo != nil {
		t.Errorf("name %q logo %+v", d.Name, d.Logo)
	}
}

func TestCheckMissing(t *testing.T) {
	e := newEnv(t, base+dmarcReject)
	res, d := e.check(t, "shop.example.com")
	wantCodes(t, res, "bimi.missing/info")
	want := []string{"default._bimi.shop.example.com", "default._bimi.example.com"}
	if !slices.Equal(d.Queried, want) || res.Status != checks.StatusOK {
		t.Errorf("queried %v status %s", d.Queried, res.Status)
	}
}

func TestCheckOrgDomainFallback(t *testing.T) {
	e := newEnv(t, base+`_dmarc IN TXT "v=DMARC1; p=reject; sp=quarantine"`+"\n"+goodBIMI)
	e.serveLogo(t, "image/svg+xml", []byte(goodSVG))
	res, d := e.check(t, "shop.example.com")
	wantCodes(t, res, "bimi.org-domain-fallback/info")
	if !d.Fallback || d.Name != "default._bimi.example.com" || d.DMARC.Policy != "quarantine" || !d.DMARC.Enforced {
		t.Errorf("data %+v dmarc %+v", d, d.DMARC)
	}
}

func TestCheckDMARCNotEnforced(t *testing.T) {
	cases := map[string]string{
		"none":        `_dmarc IN TXT "v=DMARC1; p=none"`,
		"pct":         `_dmarc IN TXT "v=DMARC1; p=quarantine; pct=50"`,
		"sp none":     `_dmarc IN TXT "v=DMARC1; p=reject; sp=none"`,
		"no dmarc":    ``,
		"org is none": `_dmarc IN TXT "v=DMARC1; p=none"` + "\n" + `_dmarc.shop IN TXT "v=DMARC1; p=reject"` + "\n" + `default._bimi.shop IN TXT "v=BIMI1; l=https://logo.example.com/logo.svg; a=https://logo.example.com/vmc.pem"`,
	}
	for name, rec := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, base+rec+"\n"+goodBIMI)
			e.opt.NoLogoFetch = true
			domain := "example.com"
			if name == "org is none" {
				domain = "shop.example.com"
			}
			res, d := e.check(t, domain)
			wantCodes(t, res, "bimi.dmarc-not-enforced/fail")
			if res.Status != checks.StatusFail || d.DMARC == nil || d.DMARC.Enforced {
				t.Errorf("status %s dmarc %+v", res.Status, d.DMARC)
			}
		})
	}
}

func TestCheckDNSErrors(t *testing.T) {
	e := newEnv(t, base+dmarcReject+goodBIMI)
	e.dns.Set("default._bimi.example.com", dnstest.ServFail)
	res, _ := e.check(t, "example.com")
	wantCodes(t, res)
	if res.Status != checks.StatusError {
		t.Errorf("status %s", res.Status)
	}
	// The DMARC policy cannot be read: no verdict either.
	e = newEnv(t, base+dmarcReject+goodBIMI)
	e.opt.NoLogoFetch = true
	e.dns.Set("_dmarc.example.com", dnstest.Refused)
	res, _ = e.check(t, "example.com")
	wantCodes(t, res)
	if res.Status != checks.StatusError || !strings.Contains(res.Error, "DMARC") {
		t.Errorf("status %s error %q", res.Status, res.Error)
	}
}

func TestCheckRecordProblems(t *testing.T) {
	cases := []struct {
		name, rec string
		want      []string
	}{
		{"http logo", `"v=BIMI1; l=http://logo.example.com/logo.svg; a=https://logo.example.com/vmc.pem"`, []string{"bimi.syntax/fail"}},
		{"png logo", `"v=BIMI1; l=https://logo.example.com/logo.png; a=https://logo.example.com/vmc.pem"`, []string{"bimi.syntax/fail"}},
		{"version later", `"l=https://logo.example.com/logo.svg; v=BIMI1"`, []string{"bimi.syntax/fail"}},
		{"two records", `"v=BIMI1; l=https://logo.example.com/logo.svg; a=https://logo.example.com/vmc.pem"` + "\ndefault._bimi IN TXT " + `"v=BIMI1; l=https://logo.example.com/logo.svg; a=https://logo.example.com/vmc.pem"`, []string{"bimi.multiple-records/fail"}},
		{"declined", `"v=BIMI1; l=; a=;"`, []string{"bimi.declined/info"}},
		{"no authority", `"v=BIMI1; l=https://logo.example.com/logo.svg"`, []string{"bimi.no-authority/info"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, base+dmarcReject+"default._bimi IN TXT "+tc.rec+"\n")
			e.opt.NoLogoFetch = true
			res, d := e.check(t, "example.com")
			wantCodes(t, res, tc.want...)
			if tc.name == "declined" && (!d.Declined || d.Valid || res.Status != checks.StatusOK) {
				t.Errorf("declined %v valid %v status %s", d.Declined, d.Valid, res.Status)
			}
		})
	}
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func TestCheckLogo(t *testing.T) {
	cases := []struct {
		name string
		ct   string
		body []byte
		want []string
	}{
		{"svgz", "image/svg+xml", gz([]byte(goodSVG)), nil},
		{"png bytes", "image/png", []byte("\x89PNG\r\n\x1a\n\x00\x00"), []string{"bimi.logo-not-svg/fail"}},
		{"html", "text/html", []byte("<html><body>gone</body></html>"), []string{"bimi.logo-not-svg/fail"}},
		{"wrong type", "text/plain", []byte(goodSVG), []string{"bimi.logo-content-type/warn"}},
		{"plain svg", "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), []string{"bimi.logo-not-tiny-ps/warn"}},
		{"big", "image/svg+xml", []byte(strings.Replace(goodSVG, "</svg>", "<desc>"+strings.Repeat("x", 40000)+"</desc></svg>", 1)), []string{"bimi.logo-too-large/warn"}},
		{"huge", "image/svg+xml", []byte(strings.Repeat(" ", 70000)), []string{"bimi.logo-too-large/warn"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, base+dmarcReject+goodBIMI)
			e.serveLogo(t, tc.ct, tc.body)
			res, _ := e.check(t, "example.com")
			wantCodes(t, res, tc.want...)
		})
	}
}

func TestCheckLogoFetchFailures(t *testing.T) {
	// 404: the path is not served.
	e := newEnv(t, base+dmarcReject+strings.Replace(goodBIMI, "logo.svg", "missing.svg", 1))
	e.serveLogo(t, "image/svg+xml", []byte(goodSVG))
	res, _ := e.check(t, "example.com")
	wantCodes(t, res, "bimi.logo-unreachable/fail")

	// A certificate from an unknown CA.
	e = newEnv(t, base+dmarcReject+goodBIMI)
	_, e.opt.HTTPSPort = tlstest.NewCA(t, "Other").HTTPSServer(t, http.NotFoundHandler(), "logo.example.com")
	res, _ = e.check(t, "example.com")
	wantCodes(t, res, "bimi.logo-cert-invalid/fail")

	// Nothing listening.
	e = newEnv(t, base+dmarcReject+goodBIMI)
	res, _ = e.check(t, "example.com")
	wantCodes(t, res, "bimi.logo-unreachable/fail")

	// The logo host's DNS fails: unverified, not broken.
	e = newEnv(t, base+dmarcReject+goodBIMI)
	e.dns.Set("logo.example.com", dnstest.ServFail)
	res, _ = e.check(t, "example.com")
	wantCodes(t, res, "bimi.logo-unverified/info")

	// A redirect is reported, not followed.
	e = newEnv(t, base+dmarcReject+goodBIMI)
	_, e.opt.HTTPSPort = e.ca.HTTPSServer(t, http.RedirectHandler("https://cdn.example.net/l.svg", http.StatusFound), "logo.example.com")
	res, _ = e.check(t, "example.com")
	wantCodes(t, res, "bimi.logo-redirect/warn")
}

// With --offline the logo is not fetched: no connection reaches the logo
// server, and the check says the logo was not evaluated, as info.
func TestOfflineFetchesNoLogo(t *testing.T) {
	z := dnstest.Zone(t, "", base+dmarcReject+goodBIMI)
	com := dnstest.Zone(t, "", "$ORIGIN com.\n@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n")
	srv, err := fetchtest.Count(t, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Timeout: 2 * time.Second, HTTPSPort: srv.Port}
	res := Check(context.Background(), dnstest.Offline(t, z, com), "example.com", opt)
	wantCodes(t, res, "bimi.not-evaluated/info")
	if res.Status == checks.StatusFail || res.Status == checks.StatusError {
		t.Errorf("status %s", res.Status)
	}
	if n := srv.Accepted(); n != 0 {
		t.Errorf("--offline opened %d connection(s) to the logo server", n)
	}
}
