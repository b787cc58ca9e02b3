package dane

import (
	"crypto/x509"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

func TestMatchDANEEE(t *testing.T) {
	p := newPKI(t, certSpec{})
	chain := []*x509.Certificate{p.leaf, p.inter}
	for _, sel := range []uint8{SelectorCert, SelectorSPKI} {
		for _, mt := range []uint8{MatchFull, MatchSHA256, MatchSHA512} {
			rec := tlsa(UsageDANEEE, sel, mt, p.leaf)
			got := Match([]*dns.TLSA{rec}, chain)
			if !got.Matched || got.Usage != "DANE-EE" || got.Depth != 0 || got.Usable != 1 {
				t.Errorf("3 %d %d: %+v", sel, mt, got)
			}
		}
	}
}

func TestMatchDANEEEOnlyTheLeaf(t *testing.T) {
	p := newPKI(t, certSpec{})
	// A DANE-EE record for the intermediate must not match: EE is the
	// server's own certificate only.
	got := Match([]*dns.TLSA{tlsa(UsageDANEEE, SelectorSPKI, MatchSHA256, p.inter)}, []*x509.Certificate{p.leaf, p.inter})
	if got.Matched {
		t.Fatalf("DANE-EE matched a CA certificate: %+v", got)
	}
	if !strings.Contains(got.Reason, "none of the 1 usable") {
		t.Errorf("reason = %q", got.Reason)
	}
}

func TestMatchDANEEEIgnoresDates(t *testing.T) {
	root, rootKey := makeCert(t, certSpec{name: "R", ca: true}, nil, nil)
	leaf, _ := makeCert(t, certSpec{name: "mx.example.net", notBefore: time.Now().Add(-48 * time.Hour), notAfter: time.Now().Add(-24 * time.Hour)}, root, rootKey)
	got := Match([]*dns.TLSA{tlsa(UsageDANEEE, SelectorSPKI, MatchSHA256, leaf)}, []*x509.Certificate{leaf})
	if !got.Matched {
		t.Fatalf("an expired leaf must still match DANE-EE (RFC 7672 §3.1.1): %+v", got)
	}
}

func TestMatchDANETA(t *testing.T) {
	p := newPKI(t, certSpec{})
	cases := []struct {
		name  string
		rec   *dns.TLSA
		chain []*x509.Certificate
		depth int
	}{
		{"intermediate SPKI", tlsa(UsageDANETA, SelectorSPKI, MatchSHA256, p.inter), []*x509.Certificate{p.leaf, p.inter}, 1},
		{"root cert sha512 in chain", tlsa(UsageDANETA, SelectorCert, MatchSHA512, p.root), []*x509.Certificate{p.leaf, p.inter, p.root}, 2},
		{"root full cert not sent", tlsa(UsageDANETA, SelectorCert, MatchFull, p.root), []*x509.Certificate{p.leaf, p.inter}, -1},
		{"intermediate full SPKI", tlsa(UsageDANETA, SelectorSPKI, MatchFull, p.inter), []*x509.Certificate{p.leaf, p.inter}, 1},
	}
	for _, c := range cases {
		got := Match([]*dns.TLSA{c.rec}, c.chain)
		if !got.Matched || got.Usage != "DANE-TA" || got.Depth != c.depth {
			t.Errorf("%s: %+v", c.name, got)
		}
	}
}

func TestMatchDANETAMustIssueTheLeaf(t *testing.T) {
	p := newPKI(t, certSpec{})
	// The server sends an unrelated CA; a record for it matches that
	// certificate but the leaf does not chain to it.
	got := Match([]*dns.TLSA{tlsa(UsageDANETA, SelectorSPKI, MatchSHA256, p.other)}, []*x509.Certificate{p.leaf, p.inter, p.other})
	if got.Matched {
		t.Fatalf("matched a CA that did not issue the leaf: %+v", got)
	}
	if !strings.Contains(got.Reason, "does not verify up to it") {
		t.Errorf("reason = %q", got.Reason)
	}
}

func TestMatchDANETAChecksDates(t *testing.T) {
	p := newPKI(t, certSpec{notBefore: time.Now().Add(-72 * time.Hour), notAfter: time.Now().Add(-time.Hour)})
	got := Match([]*dns.TLSA{tlsa(UsageDANETA, SelectorSPKI, MatchSHA256, p.inter)}, []*x509.Certificate{p.leaf, p.inter})
	if got.Matched {
		t.Fatalf("matched through an expired intermediate: %+v", got)
	}
	if !strings.Contains(got.Reason, "expired") {
		t.Errorf("reason = %q", got.Reason)
	}
}

func TestMatchDANETAOnLeafExplains(t *testing.T) {
	p := newPKI(t, certSpec{})
	got := Match([]*dns.TLSA{tlsa(UsageDANETA, SelectorSPKI, MatchSHA256, p.leaf)}, []*x509.Certificate{p.leaf, p.inter})
	if got.Matched || !strings.Contains(got.Reason, "DANE-EE (3)") {
		t.Fatalf("%+v", got)
	}
}

func TestMatchSkipsUnusable(t *testing.T) {
	p := newPKI(t, certSpec{})
	chain := []*x509.Certificate{p.leaf, p.inter}
	pkixEE := tlsa(UsagePKIXEE, SelectorSPKI, MatchSHA256, p.leaf)
	pkixTA := tlsa(UsagePKIXTA, SelectorSPKI, MatchSHA256, p.inter)
	short := tlsa(UsageDANEEE, SelectorSPKI, MatchSHA256, p.leaf)
	short.Certificate = short.Certificate[:62]
	got := Match([]*dns.TLSA{pkixEE, pkixTA, short, nil}, chain)
	if got.Matched || got.Usable != 0 || !strings.Contains(got.Reason, "no usable TLSA record") {
		t.Fatalf("%+v", got)
	}
	// One usable record beside them is enough.
	got = Match([]*dns.TLSA{pkixEE, short, tlsa(UsageDANEEE, SelectorCert, MatchSHA256, p.leaf)}, chain)
	if !got.Matched || got.Usable != 1 {
		t.Fatalf("%+v", got)
	}
}

func TestMatchEmptyChain(t *testing.T) {
	p := newPKI(t, certSpec{})
	got := Match([]*dns.TLSA{tlsa(UsageDANEEE, SelectorSPKI, MatchSHA256, p.leaf)}, nil)
	if got.Matched || !strings.Contains(got.Reason, "no certificate") {
		t.Fatalf("%+v", got)
	}
}

func TestMatchPrefersAnyMatchingRecord(t *testing.T) {
	p := newPKI(t, certSpec{})
	stale := tlsa(UsageDANEEE, SelectorSPKI, MatchSHA256, p.other)
	current := tlsa(UsageDANETA, SelectorSPKI, MatchSHA256, p.inter)
	got := Match([]*dns.TLSA{stale, current}, []*x509.Certificate{p.leaf, p.inter})
	if !got.Matched || got.Usable != 2 || got.Usage != "DANE-TA" {
		t.Fatalf("%+v", got)
	}
}

func TestParse(t *testing.T) {
	digest := strings.Repeat("ab", 32)
	cases := []struct {
		u, s, m uint8
		data    string
		problem Problem
		text    string
	}{
		{3, 1, 1, digest, ProblemNone, "DANE-EE SPKI SHA2-256"},
		{2, 0, 2, strings.Repeat("cd", 64), ProblemNone, "DANE-TA Cert SHA2-512"},
		{3, 0, 0, "3082", ProblemNone, "DANE-EE Cert Full"},
		{1, 1, 1, digest, ProblemPKIX, "PKIX-EE SPKI SHA2-256"},
		{0, 0, 1, digest, ProblemPKIX, "PKIX-TA Cert SHA2-256"},
		{4, 1, 1, digest, ProblemUnknown, "4 SPKI SHA2-256"},
		{3, 2, 1, digest, ProblemUnknown, "DANE-EE 2 SHA2-256"},
		{3, 1, 3, digest, ProblemUnknown, "DANE-EE SPKI 3"},
		{3, 1, 1, digest[:62], ProblemData, ""},
		{3, 1, 2, digest, ProblemData, ""},
		{3, 1, 1, "zz" + digest[2:], ProblemData, ""},
		{3, 1, 0, "", ProblemData, ""},
	}
	for _, c := range cases {
		r := Parse(&dns.TLSA{Usage: c.u, Selector: c.s, MatchingType: c.m, Certificate: c.data})
		if r.Problem != c.problem || r.Usable != (c.problem == ProblemNone) {
			t.Errorf("%d %d %d %q: problem %q usable %v, want %q", c.u, c.s, c.m, c.data, r.Problem, r.Usable, c.problem)
		}
		if c.text != "" && r.Text != c.text {
			t.Errorf("%d %d %d: text %q, want %q", c.u, c.s, c.m, r.Text, c.text)
		}
		if r.Problem != ProblemNone && r.Detail == "" {
			t.Errorf("%d %d %d: no detail", c.u, c.s, c.m)
		}
	}
}

func FuzzMatch(f *testing.F) {
	p := newPKI(f, certSpec{})
	f.Add(uint8(3), uint8(1), uint8(1), hexDecode(tlsa(3, 1, 1, p.leaf).Certificate), []byte{})
	f.Add(uint8(2), uint8(0), uint8(0), p.root.Raw, p.inter.Raw)
	f.Add(uint8(2), uint8(1), uint8(2), []byte{1, 2, 3}, p.other.Raw)
	f.Add(uint8(255), uint8(255), uint8(255), []byte{}, []byte{0x30, 0x82})
	f.Fuzz(func(t *testing.T, u, s, m uint8, data, der []byte) {
		rec := &dns.TLSA{Usage: u, Selector: s, MatchingType: m, Certificate: hex.EncodeToString(data)}
		chain := []*x509.Certificate{p.leaf}
		if c, err := x509.ParseCertificate(der); err == nil {
			chain = append(chain, c)
		}
		res := Match([]*dns.TLSA{rec}, chain)
		if res.Matched && res.Reason != "" {
			t.Fatalf("matched with a reason: %+v", res)
		}
		if !res.Matched && res.Reason == "" {
			t.Fatalf("no match and no reason: %+v", res)
		}
		if res.Usable > 0 != Parse(rec).Usable {
			t.Fatalf("Usable %d but Parse says %v", res.Usable, Parse(rec).Usable)
		}
	})
}

func hexDecode(s string) []byte {
	b, _ := hex.DecodeString(s)
	return b
}
