package tlsrpt

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

const base = `$ORIGIN example.com.
$TTL 3600
@    IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@    IN MX 10 mx1
@    IN MX 20 mx2
mx1  IN A 192.0.2.10
mx2  IN A 192.0.2.11
`

func runCheck(t *testing.T, zone string, hooks map[string]dnstest.Behavior) (checks.Result, *Data) {
	t.Helper()
	srv := dnstest.Start(t, dnstest.Zone(t, "", zone))
	for n, b := range hooks {
		srv.Set(n, b)
	}
	res := Check(context.Background(), srv.Client(2*time.Second), "example.com", Options{})
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
		if f.Hint == "" || f.Ref == "" {
			t.Errorf("%s lacks hint or ref", f.Code)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("findings = %v, want %v", got, want)
		for _, f := range res.Findings {
			t.Logf("  %s", f.Message)
		}
	}
}

func TestCheckGood(t *testing.T) {
	res, d := runCheck(t, base+`_smtp._tls IN TXT "v=TLSRPTv1; rua=mailto:tls@example.com,https://r.example.net/tlsrpt"`+"\n", nil)
	wantCodes(t, res)
	if res.Status != checks.StatusOK || !d.Valid || len(d.Parsed.RUA) != 2 || d.Parsed.RUA[1].Target != "r.example.net" {
		t.Errorf("status %s data %+v", res.Status, d)
	}
	if res.Summary != "rua=mailto:tls@example.com,https://r.example.net/tlsrpt" {
		t.Errorf("summary %q", res.Summary)
	}
}

func TestCheckMissingSeverity(t *testing.T) {
	res, d := runCheck(t, base, nil)
	wantCodes(t, res, "tlsrpt.missing/info")
	if d.MTASTS == nil || *d.MTASTS || len(d.DANEHosts) != 0 {
		t.Errorf("mta_sts %v dane %v", d.MTASTS, d.DANEHosts)
	}
	res, _ = runCheck(t, base+`_mta-sts IN TXT "v=STSv1; id=1"`+"\n", nil)
	wantCodes(t, res, "tlsrpt.missing/warn")
	if !strings.Contains(res.Findings[0].Message, "MTA-STS") {
		t.Errorf("message %q", res.Findings[0].Message)
	}
	res, d = runCheck(t, base+"_25._tcp.mx2 IN TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n", nil)
	wantCodes(t, res, "tlsrpt.missing/warn")
	if !slices.Equal(d.DANEHosts, []string{"mx2.example.com"}) || !strings.Contains(res.Findings[0].Message, "_25._tcp.mx2.example.com") {
		t.Errorf("dane %v message %q", d.DANEHosts, res.Findings[0].Message)
	}
}

func TestCheckDNSErrorIsNotMissing(t *testing.T) {
	res, _ := runCheck(t, base, map[string]dnstest.Behavior{"_smtp._tls.example.com": dnstest.ServFail})
	wantCodes(t, res)
	if res.Status != checks.StatusError {
		t.Errorf("status %s", res.Status)
	}
	// A failing hint lookup only leaves the severity at info.
	res, d := runCheck(t, base, map[string]dnstest.Behavior{"_mta-sts.example.com": dnstest.ServFail})
	wantCodes(t, res, "tlsrpt.missing/info")
	if d.MTASTS != nil {
		t.Errorf("mta_sts = %v, want null", *d.MTASTS)
	}
}

func TestCheckSyntaxAndMultiple(t *testing.T) {
	cases := []struct {
		rec  string
		want []string
	}{
		{`"v=TLSRPTv1; rua=tls@example.com"`, []string{"tlsrpt.syntax/fail"}},
		{`"v=TLSRPTv1; rua=http://r.example.net/x"`, []string{"tlsrpt.syntax/fail"}},
		{`"v=TLSRPTv1;"`, []string{"tlsrpt.syntax/fail"}},
		{`"v=tlsrptv1; rua=mailto:a@example.com"`, []string{"tlsrpt.syntax/fail"}},
		{`"v=TLSRPTv1; rua=mailto:a@example.com" ` + "\n_smtp._tls IN TXT " + `"v=TLSRPTv1; rua=mailto:b@example.com"`, []string{"tlsrpt.multiple-records/fail"}},
	}
	for _, tc := range cases {
		res, d := runCheck(t, base+"_smtp._tls IN TXT "+tc.rec+"\n", nil)
		wantCodes(t, res, tc.want...)
		if d.Valid || res.Status != checks.StatusFail {
			t.Errorf("%s: valid %v status %s", tc.rec, d.Valid, res.Status)
		}
	}
}

func TestParse(t *testing.T) {
	good := []string{
		"v=TLSRPTv1; rua=mailto:reports@example.com",
		"v=TLSRPTv1;rua=mailto:a@example.com , https://x.example/y;",
		"v=TLSRPTv1; rua=mailto:a%2Bb@example.com; ext=1",
	}
	for _, s := range good {
		if rec, err := Parse(s); err != nil || len(rec.RUA) == 0 {
			t.Errorf("%q: %+v %v", s, rec, err)
		}
	}
	bad := map[string]string{
		"v=TLSRPTv1 rua=mailto:a@example.com":          `followed by ";"`,
		"v=TLSRPTv1; rua=mailto:a@example.com; rua=x":  "more than once",
		"v=TLSRPTv1; rua=":                             "no URI",
		"v=TLSRPTv1; rua=mailto:a@example.com,,":       "empty URI",
		"v=TLSRPTv1; rua=mailto:not-an-address":        "not a valid mailto",
		"v=TLSRPTv1; rua=mailto:a@localhost":           "not a valid domain",
		"v=TLSRPTv1; rua=ftp://x.example/":             `scheme "ftp"`,
		"v=TLSRPTv1; rua=https:///nohost":              "with a host",
		"v=TLSRPTv1; rua = mailto:a@example.com":       "no space",
		"v=TLSRPTv1; rua=mailto:a@example.com; _x=1":   "not a valid field name",
		"v=TLSRPTv1; rua=mailto:a@example.com;; x=1":   "empty field",
		"v=TLSRPTv1; rua=mailto:a@example.com; x":      `has no "="`,
		"v=TLSRPTv1; rua=mailto:a@example.com; v=TLS1": "version given twice",
	}
	for s, want := range bad {
		_, err := Parse(s)
		if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, ErrSyntax) {
			t.Errorf("%q: %v, want %q", s, err, want)
		}
	}
	_, err := Parse("v=TLSRPTv1; rua=tls@example.com")
	var es Errors
	if !errors.As(err, &es) || es[0].Col != 17 || !strings.Contains(err.Error(), "write mailto:tls@example.com") {
		t.Errorf("position/fix: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("v=TLSRPTv1; rua=mailto:reports@example.com,https://x.example/r")
	f.Add("v=TLSRPTv1;;rua=,")
	f.Fuzz(func(t *testing.T, s string) {
		rec, err := Parse(s)
		if rec == nil {
			t.Fatal("nil record")
		}
		if err == nil {
			if !IsRecord(s) || len(rec.RUA) == 0 {
				t.Fatalf("accepted %q: %+v", s, rec)
			}
			for _, u := range rec.RUA {
				if u.Scheme != "mailto" && u.Scheme != "https" {
					t.Fatalf("accepted URI %+v", u)
				}
			}
		}
	})
}
