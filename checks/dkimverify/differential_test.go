package dkimverify

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/relayctl/relayctl/checks/dnsx"
)

// mutate makes one change a relay might make, or an attacker: whitespace
// added or taken away in the header or body, a header name's case, empty
// lines at the end, a letter changed.
func mutate(r *rand.Rand, msg string) string {
	head, body, _ := strings.Cut(msg, "\r\n\r\n")
	switch r.IntN(8) {
	case 0:
		head = strings.Replace(head, ": ", ":  \t", 1+r.IntN(3))
	case 1:
		head = strings.Replace(head, "Subject:", "SUBJECT:", 1)
	case 2:
		head = strings.Replace(head, "To: Bob ", "To: Bob\r\n\t", 1)
	case 3:
		body = strings.Replace(body, "\r\n", " \t\r\n", 1+r.IntN(2))
	case 4:
		body += "\r\n\r\n"
	case 5:
		body = strings.Replace(body, "  ", " ", 1)
	case 6:
		i := r.IntN(len(body))
		body = body[:i] + "x" + body[i+1:]
	case 7:
		head = strings.Replace(head, "Subject: Quarterly", "Subject: Quarterly ", 1)
	}
	return head + "\r\n\r\n" + body
}

// The verdicts agree with go-msgauth's verifier (which this package
// does not use) over signed messages changed at random, under each
// canonicalization pair: both say pass, or both say it failed.
func TestDifferentialGoMsgauth(t *testing.T) {
	rk := rsaKey(t)
	txt := keyTXT(t, rk.Public(), "")
	z := dnsx.NewZone("example.com")
	z.Add(txtRR("rsa._domainkey.example.com", txt))
	lookup := func(name string) ([]string, error) { return []string{txt}, nil }
	r := rand.New(rand.NewPCG(1, 2))
	canons := []dkim.Canonicalization{dkim.CanonicalizationSimple, dkim.CanonicalizationRelaxed}
	agreed, passed := 0, 0
	for _, hc := range canons {
		for _, bc := range canons {
			signedMsg := msgauthSign(t, testMessage, rk, "example.com", "rsa", hc, bc, signed)
			for range 40 {
				m := mutate(r, signedMsg)
				if r.IntN(3) == 0 {
					m = mutate(r, m)
				}
				vs, err := dkim.VerifyWithOptions(strings.NewReader(m), &dkim.VerifyOptions{LookupTXT: lookup})
				if err != nil || len(vs) != 1 {
					t.Fatalf("go-msgauth: %v", err)
				}
				c, _ := dnsx.New(dnsx.Config{Zones: []*dnsx.Zone{z}, Offline: true})
				res := Verify(context.Background(), c, parse(t, m), Options{})
				ours := res.Signatures[0].Status == StatusPass
				theirs := vs[0].Err == nil
				if ours != theirs {
					t.Errorf("%s/%s: we say %s (%v), go-msgauth %v, for\n%q", hc, bc, res.Signatures[0].Status, res.Signatures[0].Err, vs[0].Err, m)
					continue
				}
				agreed++
				if ours {
					passed++
				}
			}
		}
	}
	if passed == 0 || passed == agreed {
		t.Errorf("%d of %d mutated messages pass: the mutations should give both verdicts", passed, agreed)
	}
	t.Logf("%d mutated messages, verdicts agree on all; %d pass", agreed, passed)
}
