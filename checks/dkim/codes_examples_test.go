package dkim

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/internal/codetest"
)

// Pieces of an Example the test reads: a record in zone-file form, a
// --selector flag, and a name whose query "gets SERVFAIL".
var (
	exampleRecord   = regexp.MustCompile("^(\\S+) (TXT|CNAME) (.+)$")
	exampleSelector = regexp.MustCompile("^--selector (\\S+)$")
	exampleServFail = regexp.MustCompile("`(\\S+)` gets SERVFAIL")
	// A key shortened with an ellipsis: "p=MIIBIjAN…".
	exampleKey = regexp.MustCompile(`p=([A-Za-z0-9+/]+)…`)
)

// exampleKeys are the whole keys a shortened key in an Example may stand
// for; the shortened form must be the start of exactly one of them.
func exampleKeys(t *testing.T) []string {
	testKeys(t)
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return []string{rsa1024, rsa2048, rsa2048p, fakeRSA(t, 512), fakeRSA(t, 4096), fakeRSA(t, 8192),
		ed, edSPKI, base64.StdEncoding.EncodeToString(der)}
}

// completeKeys replaces each shortened key in a TXT record by the one
// whole key it is the start of.
func completeKeys(t *testing.T, code, txt string, keys []string) string {
	return exampleKey.ReplaceAllStringFunc(txt, func(m string) string {
		prefix := exampleKey.FindStringSubmatch(m)[1]
		var found []string
		for _, k := range keys {
			if strings.HasPrefix(k, prefix) {
				found = append(found, k)
			}
		}
		if len(found) != 1 {
			t.Errorf("%s: the shortened key %q starts %d of the test keys, want 1", code, m, len(found))
			return m
		}
		return "p=" + found[0]
	})
}

// Every Example is a case the check meets: its records are served from an
// in-process zone (loopback), its --selector flags are passed, names it
// says get SERVFAIL do, and the check reports the example's code.
func TestCodeExamples(t *testing.T) {
	keys := exampleKeys(t)
	codetest.Examples(t, Codes(), nil, func(t *testing.T, doc checks.CodeDoc) {
		var zone []string
		var selectors []string
		for _, span := range codetest.Backquoted(doc.Example) {
			if s := exampleSelector.FindStringSubmatch(span); s != nil {
				selectors = append(selectors, s[1])
				continue
			}
			r := exampleRecord.FindStringSubmatch(span)
			if r == nil {
				continue
			}
			data := r[3]
			if r[2] == "TXT" {
				s, err := strconv.Unquote(data)
				if err != nil {
					t.Fatalf("TXT data %s: %v", data, err)
				}
				data = txt(completeKeys(t, doc.Code, s, keys))
			} else {
				data += "."
			}
			zone = append(zone, r[1]+". "+r[2]+" "+data)
		}
		srv := dnstest.Start(t, dnstest.Zone(t, ".", "$TTL 300\n"+strings.Join(zone, "\n")+"\n"))
		for _, m := range exampleServFail.FindAllStringSubmatch(doc.Example, -1) {
			srv.Set(m[1], dnstest.ServFail)
		}
		res := Check(context.Background(), srv.Client(5*time.Second), "example.com", Options{Selectors: selectors})
		for _, f := range res.Findings {
			if f.Code == doc.Code {
				return
			}
		}
		t.Errorf("example %q\nzone %q, selectors %q: findings %v, no %s", doc.Example, zone, selectors, res.Findings, doc.Code)
	})
}
