package mtasts

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/internal/codetest"
)

// What the test reads from an Example: its backquoted pieces — TXT and MX
// records, policy fields ("mode: testing"), https URLs, "HTTP NNN",
// "Content-Type: …", --offline — and, in its text, a size in KiB and the
// name a certificate is "for".
var (
	exampleRecord  = regexp.MustCompile(`^(\S+) (TXT|MX) (.+)$`)
	exampleField   = regexp.MustCompile(`^(version|mode|mx|max_age): (\S+)$`)
	exampleStatus  = regexp.MustCompile(`^HTTP (\d{3})$`)
	exampleType    = regexp.MustCompile(`^Content-Type: (.+)$`)
	exampleSize    = regexp.MustCompile(`\b(\d+) KiB\b`)
	exampleCertFor = regexp.MustCompile("certificate for `([^`]+)`")
)

// Every Example is a case the check meets: example.com's zone (MX hosts
// mx1.example.com and mx2.mail.example.net unless the example gives its
// own MX, a valid record unless it gives its own) is served on loopback,
// the policy — goodPolicy with the example's fields — over loopback HTTPS
// as the example says, and the check reports the example's code.
func TestCodeExamples(t *testing.T) {
	codetest.Examples(t, Codes(), nil, func(t *testing.T, doc checks.CodeDoc) {
		var records, mx, urls, patterns []string
		fields := map[string]string{"version": "STSv1", "mode": "enforce", "max_age": "604800"}
		status, ctype, certName, offline := 200, "text/plain", "mta-sts.example.com", false
		for _, p := range codetest.Backquoted(doc.Example) {
			if r := exampleRecord.FindStringSubmatch(p); r != nil {
				data := r[3]
				if r[2] == "TXT" {
					if _, err := strconv.Unquote(data); err != nil {
						t.Fatalf("TXT data %s: %v", data, err)
					}
				} else {
					data += "."
				}
				line := r[1] + ". IN " + r[2] + " " + data
				if r[2] == "MX" {
					mx = append(mx, line)
				} else {
					records = append(records, line)
				}
				continue
			}
			if f := exampleField.FindStringSubmatch(p); f != nil {
				if f[1] == "mx" {
					patterns = append(patterns, f[2])
				} else {
					fields[f[1]] = f[2]
				}
			}
			if s := exampleStatus.FindStringSubmatch(p); s != nil {
				status, _ = strconv.Atoi(s[1])
			}
			if c := exampleType.FindStringSubmatch(p); c != nil {
				ctype = c[1]
			}
			switch {
			case p == "--offline":
				offline = true
			case strings.HasPrefix(p, "https://"):
				urls = append(urls, p)
			}
		}
		if len(mx) == 0 {
			mx = []string{"@ IN MX 10 mx1", "@ IN MX 20 mx2.mail.example.net."}
		}
		if !strings.Contains(strings.Join(records, "\n"), "mta-sts.") {
			records = append(records, strings.TrimSuffix(goodRecord, "\n"))
		}
		if len(patterns) == 0 {
			patterns = []string{"mx1.example.com", "*.mail.example.net"}
		}
		policy := "version: " + fields["version"] + "\r\nmode: " + fields["mode"] + "\r\n"
		for _, q := range patterns {
			policy += "mx: " + q + "\r\n"
		}
		policy += "max_age: " + fields["max_age"] + "\r\n"
		if s := exampleSize.FindStringSubmatch(doc.Example); s != nil {
			kib, _ := strconv.Atoi(s[1])
			policy = strings.Repeat("x", kib<<10)
		}
		if c := exampleCertFor.FindStringSubmatch(doc.Example); c != nil {
			certName = c[1]
		}

		zone := "$ORIGIN example.com.\n$TTL 3600\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n" +
			"mx1 IN A 192.0.2.10\nmta-sts IN A 127.0.0.1\n" + strings.Join(append(mx, records...), "\n") + "\n"
		e := newEnv(t, zone)
		_, e.opt.HTTPSPort = e.ca.HTTPSServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", ctype)
			if status/100 == 3 {
				w.Header().Set("Location", urls[len(urls)-1])
			}
			w.WriteHeader(status)
			w.Write([]byte(policy))
		}), certName)
		var r dnsx.Resolver = e.r
		if offline {
			r = dnstest.Offline(t, dnstest.Zone(t, "", zone))
		}
		res := Check(context.Background(), r, "example.com", e.opt)
		for _, f := range res.Findings {
			if f.Code == doc.Code {
				return
			}
		}
		t.Errorf("example %q\nzone %q\npolicy %.200q: findings %v, no %s", doc.Example, zone, policy, res.Findings, doc.Code)
	})
}
