package bimi

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/internal/codetest"
)

// What the test reads from an Example: its backquoted pieces — TXT
// records, "relayctl check bimi DOMAIN", https URLs, "HTTP NNN",
// "Content-Type: …", a document starting with "<", --offline — and, in
// its text, a size in KiB, a name that "gets SERVFAIL" and the name a
// certificate "is for".
var (
	exampleRecord   = regexp.MustCompile(`^(\S+) TXT (".*")$`)
	exampleDomain   = regexp.MustCompile(`^relayctl check bimi (\S+)$`)
	exampleStatus   = regexp.MustCompile(`^HTTP (\d{3})$`)
	exampleType     = regexp.MustCompile(`^Content-Type: (.+)$`)
	exampleSize     = regexp.MustCompile(`\b(\d+) KiB\b`)
	exampleServFail = regexp.MustCompile("`(\\S+)` gets SERVFAIL")
	exampleCertFor  = regexp.MustCompile("certificate is for `([^`]+)`")
)

// logoExample is the logo server an Example describes.
type logoExample struct {
	urls      []string
	status    int
	ctype     string
	body      string
	certNames []string
}

// Every Example is a case the check meets: its records are served from an
// in-process zone (loopback) beside a valid DMARC and BIMI record unless it
// gives its own, the logo is served over HTTPS on loopback as it says, and
// the check of its domain reports the example's code.
func TestCodeExamples(t *testing.T) {
	codetest.Examples(t, Codes(), nil, func(t *testing.T, doc checks.CodeDoc) {
		domain, offline := "example.com", false
		logo := logoExample{status: 200, ctype: "image/svg+xml", body: goodSVG, certNames: []string{"logo.example.com"}}
		var records []string
		hasDMARC, hasBIMI := false, false
		for _, p := range codetest.Backquoted(doc.Example) {
			if r := exampleRecord.FindStringSubmatch(p); r != nil {
				if _, err := strconv.Unquote(r[2]); err != nil {
					t.Fatalf("TXT data %s: %v", r[2], err)
				}
				records = append(records, r[1]+". IN TXT "+r[2])
				hasDMARC = hasDMARC || strings.HasPrefix(r[1], "_dmarc.")
				hasBIMI = hasBIMI || strings.Contains(r[1], "_bimi.")
				continue
			}
			switch {
			case p == "--offline":
				offline = true
			case strings.HasPrefix(p, "https://"):
				logo.urls = append(logo.urls, p)
			case strings.HasPrefix(p, "<"):
				logo.body = p
			}
			if d := exampleDomain.FindStringSubmatch(p); d != nil {
				domain = d[1]
			}
			if s := exampleStatus.FindStringSubmatch(p); s != nil {
				logo.status, _ = strconv.Atoi(s[1])
			}
			if c := exampleType.FindStringSubmatch(p); c != nil {
				logo.ctype = c[1]
			}
		}
		if s := exampleSize.FindStringSubmatch(doc.Example); s != nil {
			kib, _ := strconv.Atoi(s[1])
			pad := kib<<10 - len(logo.body)
			logo.body = strings.Replace(logo.body, "</svg>", "<desc>"+strings.Repeat("x", max(pad, 0))+"</desc></svg>", 1)
		}
		if c := exampleCertFor.FindStringSubmatch(doc.Example); c != nil {
			logo.certNames = []string{c[1]}
		}
		if !hasDMARC {
			records = append(records, `_dmarc.example.com. IN TXT "v=DMARC1; p=reject"`)
		}
		if !hasBIMI {
			l := "https://logo.example.com/logo.svg"
			if len(logo.urls) > 0 {
				l = logo.urls[0]
			}
			records = append(records, `default._bimi.example.com. IN TXT "v=BIMI1; l=`+l+`; a=https://logo.example.com/vmc.pem"`)
		}

		e := newEnv(t, base+strings.Join(records, "\n")+"\n")
		mux := http.NewServeMux()
		mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", logo.ctype)
			if logo.status/100 == 3 {
				w.Header().Set("Location", logo.urls[len(logo.urls)-1])
			}
			w.WriteHeader(logo.status)
			w.Write([]byte(logo.body))
		})
		_, e.opt.HTTPSPort = e.ca.HTTPSServer(t, mux, logo.certNames...)
		for _, m := range exampleServFail.FindAllStringSubmatch(doc.Example, -1) {
			e.dns.Set(m[1], dnstest.ServFail)
		}
		var r dnsx.Resolver = e.r
		if offline {
			r = dnstest.Offline(t, dnstest.Zone(t, "", base+strings.Join(records, "\n")+"\n"),
				dnstest.Zone(t, "", "$ORIGIN com.\n@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"))
		}
		opt := e.opt
		opt.Timeout = 3 * time.Second
		res := Check(context.Background(), r, domain, opt)
		for _, f := range res.Findings {
			if f.Code == doc.Code {
				return
			}
		}
		t.Errorf("example %q\nrecords %q, domain %s, logo %+v: findings %v, no %s", doc.Example, records, domain, logo, res.Findings, doc.Code)
	})
}
