package policy

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsbl"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/domain"
	"github.com/relayctl/relayctl/checks/internal/codetest"
)

// exampleSituations are the codes whose Example is a situation this test
// does not build, each with the reason.
var exampleSituations = map[string]string{}

var (
	// "`s1._domainkey.example.com` publishes a 1024-bit RSA key"
	keyOfBits = regexp.MustCompile("`([a-z0-9-]+)\\._domainkey\\.example\\.com` publishes a (\\d+)-bit RSA key")
)

// TestCodeExamples runs every Example of Codes as it reads: the first
// backquoted text is the policy file (YAML on one line), each later one
// that is a resource record goes into a zone served on loopback, a
// "publishes an N-bit RSA key" gets such a key, and the checks the file's
// expectations (or its ignore's code) concern run on example.com against
// that zone, as check domain runs them. Applying the file must add the
// example's code.
func TestCodeExamples(t *testing.T) {
	codetest.Examples(t, Codes(), exampleSituations, func(t *testing.T, c checks.CodeDoc) {
		quoted := codetest.Backquoted(c.Example)
		if len(quoted) == 0 {
			t.Fatalf("Example %q has no backquoted policy file, and the code is not listed as a situation", c.Example)
		}
		p, err := Parse("example.yaml", []byte(quoted[0]), nil)
		if err != nil {
			t.Fatalf("the example's policy file %q: %s", quoted[0], checks.Message(err))
		}
		var zone strings.Builder
		zone.WriteString("$TTL 300\n")
		var listed []dns.RR
		for _, q := range quoted[1:] {
			if rr, err := dns.NewRR(q); err == nil && rr != nil {
				zone.WriteString(q + "\n")
				listed = append(listed, rr)
			}
		}
		if l, target, ok := blocklistEntry(listed); ok {
			// The list's own test entry (RFC 5782 §5), so that its
			// health check passes as a working list's does.
			fmt.Fprintf(&zone, "2.0.0.127.%s. A 127.0.0.2\n", l.Zone)
			srv := dnstest.Start(t, dnstest.Zone(t, ".", zone.String()))
			rep := dnsbl.New(srv.Client(2*time.Second), []dnsbl.List{l}, dnsbl.Options{Command: "blacklist ip"}).
				Check(context.Background(), target)
			p.Apply(&rep, time.Now())
			if got := reportCodes(rep); !slices.Contains(got, c.Code) {
				t.Errorf("Example %q gives %v, not %s\nzone:\n%s", c.Example, got, c.Code, zone.String())
			}
			return
		}
		var selectors []string
		for _, m := range keyOfBits.FindAllStringSubmatch(c.Example, -1) {
			bits, _ := strconv.Atoi(m[2])
			fmt.Fprintf(&zone, "%s._domainkey.example.com. TXT \"v=DKIM1; k=rsa; p=%s\"\n", m[1], rsaKey(t, bits))
			selectors = append(selectors, m[1])
		}
		parts, now := exampleParts(t, p)
		e := p.merged("example.com")
		selectors = append(selectors, e.DKIMSelectors...)
		srv := dnstest.Start(t, dnstest.Zone(t, ".", zone.String()))
		rep := domain.Run(context.Background(), srv.Client(2*time.Second), "example.com",
			domain.Options{Parts: parts, Selectors: selectors, Timeout: 2 * time.Second})
		p.Apply(&rep, now)
		if got := reportCodes(rep); !slices.Contains(got, c.Code) {
			t.Errorf("Example %q gives %v, not %s\nzone:\n%s", c.Example, got, c.Code, zone.String())
		}
	})
}

func reportCodes(rep checks.Report) []string {
	var out []string
	for _, r := range rep.Checks {
		for _, f := range r.Findings {
			out = append(out, f.Code)
		}
	}
	return out
}

// blocklistEntry finds, among rrs, an address record below the zone of
// one of relayctl's built-in IPv4 blocklists: a listing, whose target is
// the address its first four labels spell backwards (RFC 5782 §2.1).
func blocklistEntry(rrs []dns.RR) (dnsbl.List, dnsbl.Target, bool) {
	for _, rr := range rrs {
		name := strings.TrimSuffix(strings.ToLower(rr.Header().Name), ".")
		for _, l := range dnsbl.Builtin() {
			rest, ok := strings.CutSuffix(name, "."+l.Zone)
			labels := strings.Split(rest, ".")
			if !ok || rr.Header().Rrtype != dns.TypeA || len(labels) != 4 {
				continue
			}
			slices.Reverse(labels)
			if a, err := netip.ParseAddr(strings.Join(labels, ".")); err == nil {
				return l, dnsbl.Target{Addr: a}, true
			}
		}
	}
	return dnsbl.List{}, dnsbl.Target{}, false
}

// exampleParts are the checks p's expectations or ignores concern, and
// the time to apply it at: a day after the last ignore's date when it
// has one.
func exampleParts(t *testing.T, p *Policy) ([]string, time.Time) {
	t.Helper()
	e := p.merged("example.com")
	var parts []string
	add := func(ok bool, part string) {
		if ok && !slices.Contains(parts, part) {
			parts = append(parts, part)
		}
	}
	add(e.DMARCPolicy != "" || e.DMARCMinPct != nil, "dmarc")
	add(e.SPFAll != "" || e.SPFMaxLookups != nil, "spf")
	add(e.DKIMSelectors != nil || e.DKIMMinBits != nil, "dkim")
	add(e.MTASTSMode != "", "mtasts")
	add(e.TLSRPT != "", "tlsrpt")
	add(e.MXHosts != nil, "mx")
	now := time.Now()
	for _, ig := range p.Ignores {
		area, _, _ := strings.Cut(ig.Code, ".")
		add(true, area)
		now = ig.Until.Add(36 * time.Hour)
	}
	if len(parts) == 0 {
		t.Fatal("the example's policy file concerns no check of check domain")
	}
	return parts, now
}

// rsaKey is the base64 of a new RSA public key of bits bits, as a DKIM
// key record's p= carries it.
func rsaKey(t *testing.T, bits int) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(der)
}
