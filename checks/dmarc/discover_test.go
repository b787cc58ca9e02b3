package dmarc

import (
	"errors"
	"reflect"
	"testing"
)

func TestWalkNames(t *testing.T) {
	tests := []struct {
		domain string
		want   []string
	}{
		{"example.com", []string{"example.com", "com"}},
		{"a.mail.example.com", []string{"a.mail.example.com", "mail.example.com", "example.com", "com"}},
		// 7 labels: the parent, then one at a time.
		{"a.b.c.d.e.example.com", []string{"a.b.c.d.e.example.com", "b.c.d.e.example.com", "c.d.e.example.com", "d.e.example.com", "e.example.com", "example.com", "com"}},
		// The RFC 9989 §4.10 example: 12 labels jump to the last 7.
		{"a.b.c.d.e.f.g.h.i.j.mail.example.com", []string{
			"a.b.c.d.e.f.g.h.i.j.mail.example.com", "g.h.i.j.mail.example.com", "h.i.j.mail.example.com",
			"i.j.mail.example.com", "j.mail.example.com", "mail.example.com", "example.com", "com"}},
	}
	for _, tt := range tests {
		got := WalkNames(tt.domain)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("WalkNames(%q) =\n %q\nwant\n %q", tt.domain, got, tt.want)
		}
		if len(got) > maxWalkQueries {
			t.Errorf("WalkNames(%q) asks %d names, more than %d", tt.domain, len(got), maxWalkQueries)
		}
	}
	// 8 labels: its parent has 7, so no jump is needed.
	if got := WalkNames("a.b.c.d.e.f.example.com"); len(got) != 8 || got[1] != "b.c.d.e.f.example.com" {
		t.Errorf("8 labels: %q", got)
	}
}

// answers builds lookups for WalkNames(domain) from a map of name to
// records; a name mapped to nil has none, and errAt names fail.
func answers(domain string, recs map[string][]string, errAt ...string) []lookup {
	var out []lookup
	for _, n := range WalkNames(domain) {
		l := lookup{name: n, txts: recs[n]}
		for _, e := range errAt {
			if e == n {
				l.err = errors.New("SERVFAIL")
			}
		}
		out = append(out, l)
	}
	return out
}

func TestEvaluateWalk(t *testing.T) {
	const rej = "v=DMARC1; p=reject"
	tests := []struct {
		name       string
		domain     string
		recs       map[string][]string
		errAt      []string
		org, rule  string
		policy     string
		method     string
		steps      int
		incomplete bool
	}{
		{name: "own record", domain: "example.com",
			recs: map[string][]string{"example.com": {rej}},
			org:  "example.com", rule: OrgRuleFewest, policy: "example.com", method: MethodDirect, steps: 2},
		{name: "inherited from the organizational domain", domain: "a.mail.example.com",
			recs: map[string][]string{"example.com": {rej}},
			org:  "example.com", rule: OrgRuleFewest, policy: "example.com", method: MethodTreeWalk, steps: 4},
		// RFC 9989 §4.10.2 example: records at mail.example.com and
		// example.com make example.com the organizational domain, and its
		// record the policy of a.mail.example.com.
		{name: "fewest labels wins", domain: "a.mail.example.com",
			recs: map[string][]string{"mail.example.com": {"v=DMARC1; p=none"}, "example.com": {rej}},
			org:  "example.com", rule: OrgRuleFewest, policy: "example.com", method: MethodTreeWalk, steps: 4},
		{name: "psd=n stops the walk", domain: "a.mail.example.com",
			recs: map[string][]string{"mail.example.com": {"v=DMARC1; p=none; psd=n"}, "example.com": {rej}},
			org:  "mail.example.com", rule: OrgRulePSDNo, policy: "mail.example.com", method: MethodTreeWalk, steps: 2},
		{name: "psd=y names the label below", domain: "a.mail.example.com",
			recs: map[string][]string{"com": {"v=DMARC1; p=reject; psd=y"}},
			org:  "example.com", rule: OrgRulePSDYes, policy: "com", method: MethodPSD, steps: 4},
		{name: "psd=y with a record below", domain: "a.mail.example.com",
			recs: map[string][]string{"example.com": {"v=DMARC1; p=quarantine"}, "com": {"v=DMARC1; p=reject; psd=y"}},
			org:  "example.com", rule: OrgRulePSDYes, policy: "example.com", method: MethodTreeWalk, steps: 4},
		{name: "psd=y at the domain itself", domain: "gov.example",
			recs: map[string][]string{"gov.example": {"v=DMARC1; p=reject; psd=y"}},
			org:  "gov.example", rule: OrgRuleFewest, policy: "gov.example", method: MethodDirect, steps: 1},
		{name: "nothing anywhere", domain: "a.example.com",
			org: "a.example.com", rule: OrgRuleDefault, method: MethodNone, steps: 3},
		{name: "several records at a name are discarded", domain: "a.example.com",
			recs: map[string][]string{"a.example.com": {rej, "v=DMARC1; p=none"}, "example.com": {"v=DMARC1; p=quarantine"}},
			org:  "example.com", rule: OrgRuleFewest, policy: "example.com", method: MethodTreeWalk, steps: 3},
		{name: "non-DMARC TXT is ignored", domain: "example.com",
			recs: map[string][]string{"example.com": {"v=spf1 -all", "hello"}},
			org:  "example.com", rule: OrgRuleDefault, method: MethodNone, steps: 2},
		{name: "error on the way", domain: "a.mail.example.com",
			recs:  map[string][]string{"example.com": {rej}},
			errAt: []string{"mail.example.com"},
			org:   "example.com", rule: OrgRuleFewest, policy: "example.com", method: MethodTreeWalk, steps: 4, incomplete: true},
		{name: "error after the stop does not matter", domain: "a.example.com",
			recs:  map[string][]string{"example.com": {"v=DMARC1; p=none; psd=n"}},
			errAt: []string{"com"},
			org:   "example.com", rule: OrgRulePSDNo, policy: "example.com", method: MethodTreeWalk, steps: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := evaluateWalk(tt.domain, answers(tt.domain, tt.recs, tt.errAt...))
			if w.OrgDomain != tt.org || w.OrgRule != tt.rule {
				t.Errorf("org = %s (%s), want %s (%s)", w.OrgDomain, w.OrgRule, tt.org, tt.rule)
			}
			if w.PolicyDomain != tt.policy || w.Method != tt.method {
				t.Errorf("policy at %q by %s, want %q by %s", w.PolicyDomain, w.Method, tt.policy, tt.method)
			}
			if len(w.Steps) != tt.steps {
				t.Errorf("%d steps, want %d: %+v", len(w.Steps), tt.steps, w.Steps)
			}
			if w.Incomplete != tt.incomplete {
				t.Errorf("incomplete = %v, want %v", w.Incomplete, tt.incomplete)
			}
		})
	}
}

func TestOrgDomainPSL(t *testing.T) {
	for in, want := range map[string]string{
		"example.com":          "example.com",
		"a.b.example.com":      "example.com",
		"mail.example.co.uk":   "example.co.uk",
		"co.uk":                "co.uk",
		"host.example.test":    "example.test",
		"foo.bar.blogspot.com": "bar.blogspot.com",
	} {
		if got := OrgDomainPSL(in); got != want {
			t.Errorf("OrgDomainPSL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDMARCTXT(t *testing.T) {
	dm, spf, broken := dmarcTXT([]string{
		"v=DMARC1; p=none", "v=DMARC1", " v = DMARC1 ;p=none", "v=spf1 include:x -all",
		"v=dmarc1; p=none", "p=reject; v=DMARC1", "v=DMARC1 p=reject", "some-verification=abc",
	})
	if len(dm) != 3 || len(spf) != 1 || len(broken) != 3 {
		t.Errorf("dmarc %q\nspf %q\nbroken %q", dm, spf, broken)
	}
}
