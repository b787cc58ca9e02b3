package domain

import (
	"context"
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// What a person reads — summaries, finding messages, the data's error
// texts — names no internal package, even for broken records of every
// kind, read from a zone file.
func TestMessagesNameNoPackage(t *testing.T) {
	zone := dnstest.Zone(t, ".", `$TTL 300
example.com.                    MX  10 mx1.example.com.
mx1.example.com.                A   192.0.2.25
example.com.                    TXT "v=spf1 inclde:x.example ~all"
s1._domainkey.example.com.      TXT "v=DKIM1\; k=rsa\; p=!!notbase64"
_dmarc.example.com.             TXT "v=DMARC1\; p=sometimes\; rua=mailto:d@example.com"
_mta-sts.example.com.           TXT "v=STSv1; id=a-b;; x=="
_smtp._tls.example.com.         TXT "v=TLSRPTv1; rua=ftp://x.example;; rua=x"
default._bimi.example.com.      TXT "v=BIMI1; l=http://logo.example/l.png; 1x=2"
`)
	r := dnstest.Offline(t, zone)
	pkg := regexp.MustCompile(`\b(spf|dkim|dmarc|bimi|mtasts|tlsrpt|dane|dnssec|mx|dnsx|domain|taglist|fetch|tlsx): `)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rep := Run(ctx, r, "example.com", Options{Selectors: []string{"s1"}, Timeout: time.Second})

	// And every check that fails to reach a verdict says why in Error:
	// the server fails every question about failing.example.
	srv := dnstest.Start(t, zone)
	srv.Set("failing.example", dnstest.ServFail)
	for _, p := range []string{"_dmarc", "s1._domainkey", "_mta-sts", "_smtp._tls", "default._bimi", "_25._tcp.mx1", "mx1"} {
		srv.Set(p+".failing.example", dnstest.ServFail)
	}
	failed := Run(ctx, srv.Client(2*time.Second), "failing.example", Options{Selectors: []string{"s1"}, Timeout: time.Second})
	errs := 0
	for _, c := range failed.Checks {
		if c.Error != "" {
			errs++
		}
		if m := pkg.FindString(c.Error); m != "" {
			t.Errorf("%s error names a package (%q): %s", c.Name, m, c.Error)
		}
	}
	if errs < 5 {
		t.Errorf("only %d checks failed to reach a verdict: %+v", errs, failed.Checks)
	}

	for _, c := range rep.Checks {
		if m := pkg.FindString(c.Summary); m != "" {
			t.Errorf("%s summary names a package (%q): %s", c.Name, m, c.Summary)
		}
		for _, f := range c.Findings {
			if m := pkg.FindString(f.Message); m != "" {
				t.Errorf("%s finding %s names a package (%q): %s", c.Name, f.Code, m, f.Message)
			}
		}
		b, err := json.Marshal(c.Data)
		if err != nil {
			t.Fatal(err)
		}
		if m := pkg.FindString(string(b)); m != "" {
			t.Errorf("%s data names a package (%q): %s", c.Name, m, b)
		}
	}
	// The records above are broken in every check that reads one.
	for _, name := range []string{"spf", "dkim", "dmarc", "mtasts", "tlsrpt", "bimi"} {
		found := false
		for _, c := range rep.Checks {
			for _, f := range c.Findings {
				found = found || c.Name == name && f.Code == name+".syntax"
			}
		}
		if !found {
			t.Errorf("no %s.syntax finding: the test does not exercise the %s parser", name, name)
		}
	}
}
