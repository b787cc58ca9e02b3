package dane

import (
	"context"
	"crypto/x509"
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

// What the test reads from an Example: its backquoted records (MX, A,
// CNAME, TLSA; "8f3a…" is a digest written short), a command with --zone
// or --smtp, and the names it marks "(signed)" or "(unsigned)".
var (
	exampleRecord = regexp.MustCompile(`^(\S+) (MX|A|AAAA|CNAME|TLSA) (.+)$`)
	exampleSigned = regexp.MustCompile("`(\\S+)[^`]*` \\((signed|unsigned)\\)")
	exampleTLSA   = regexp.MustCompile(`^(\d+) (\d+) (\d+) ([0-9a-f]*)(…?)$`)
)

// exampleTLSAData writes out a TLSA record's data: a digest written short
// is padded to the length its matching type has.
func exampleTLSAData(t *testing.T, data string) string {
	m := exampleTLSA.FindStringSubmatch(data)
	if m == nil {
		t.Fatalf("TLSA data %q is not \"usage selector type hex\"", data)
	}
	hex := m[4]
	if m[5] != "" {
		mt, _ := strconv.Atoi(m[3])
		n := 2 * max(digestLen(uint8(mt)), 32)
		hex += strings.Repeat("0", max(n-len(hex), 0))
	}
	return m[1] + " " + m[2] + " " + m[3] + " " + hex
}

// Every Example is a case the check meets: its records are served from an
// in-process zone (loopback) — with an MX for the first TLSA host unless it
// gives MX records, and an address for every host that needs one — with
// the AD bit on the names it marks signed, from zone files with --zone,
// with a test certificate chain at every address with --smtp, and the
// check of example.com reports the example's code.
func TestCodeExamples(t *testing.T) {
	codetest.Examples(t, Codes(), nil, func(t *testing.T, doc checks.CodeDoc) {
		var lines, mxHosts, targets []string
		named := map[string]bool{}
		zoneFile, smtp := false, false
		for _, p := range codetest.Backquoted(doc.Example) {
			zoneFile = zoneFile || strings.Contains(p, " --zone ")
			smtp = smtp || strings.Contains(p, " --smtp")
			r := exampleRecord.FindStringSubmatch(p)
			if r == nil {
				continue
			}
			owner, typ, data := r[1], r[2], r[3]
			switch typ {
			case "TLSA":
				data = exampleTLSAData(t, data)
				if len(mxHosts) == 0 && !strings.Contains(doc.Example, " MX ") {
					mxHosts = append(mxHosts, strings.TrimPrefix(owner, "_25._tcp."))
				}
			case "MX":
				f := strings.Fields(data)
				mxHosts = append(mxHosts, f[len(f)-1])
				data += "."
			case "CNAME":
				targets = append(targets, data)
				data += "."
			}
			named[owner] = true
			lines = append(lines, owner+" "+typ+" "+data)
		}
		if !strings.Contains(doc.Example, " MX ") {
			if len(mxHosts) == 0 {
				mxHosts = []string{"mx.example.net"}
			}
			lines = append(lines, "example.com MX 10 "+mxHosts[0]+".")
		}
		for _, h := range append(mxHosts, targets...) {
			if !named[h] {
				lines = append(lines, h+" A 192.0.2.25")
			}
		}
		zone := dnstest.Zone(t, ".", "$ORIGIN .\n$TTL 300\n"+strings.Join(lines, "\n")+"\n")
		srv := dnstest.Start(t, zone)
		for _, m := range exampleSigned.FindAllStringSubmatch(doc.Example, -1) {
			srv.SetAD(m[1], m[2] == "signed")
		}
		var r dnsx.Resolver = srv.Client(2 * time.Second)
		if zoneFile {
			r = dnstest.Offline(t, zone)
		}
		var opt Options
		if smtp {
			p := newPKI(t, certSpec{})
			opt.Peers = peersOf([]*x509.Certificate{p.leaf, p.inter})
		}
		res := Check(context.Background(), r, "example.com", opt)
		for _, f := range res.Findings {
			if f.Code == doc.Code {
				return
			}
		}
		t.Errorf("example %q\nzone %q: findings %v, no %s", doc.Example, lines, res.Findings, doc.Code)
	})
}
