package policy

import (
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
)

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, yaml string
		line, col  int
		msg        string
	}{
		{"unknown top key", "defaults: {}\nexpects: {}\n", 2, 1, `unknown key "expects"`},
		{"unknown expectation", "expect:\n  \"*\":\n    dmarc.polcy: reject\n", 3, 5, `unknown key "dmarc.polcy"`},
		{"bad level", "expect:\n  example.com:\n    dmarc.policy: strict\n", 3, 19, "want one of none, quarantine, reject"},
		{"wrong type", "expect:\n  \"*\":\n    spf.max_lookups: eight\n", 3, 22, "want a whole number"},
		{"list wanted", "expect:\n  \"*\":\n    mx.hosts: {a: b}\n", 3, 15, "want a list of strings"},
		{"pct over 100", "expect:\n  \"*\":\n    dmarc.min_pct: 101\n", 3, 20, "at most 100"},
		{"bad date", "ignore:\n  - {code: dkim.weak-key, until: 2027-13-01, reason: x}\n", 2, 34, `bad date "2027-13-01"`},
		{"no reason", "ignore:\n  - code: dkim.weak-key\n    until: 2027-03-01\n", 2, 5, "needs reason"},
		{"ignore not a list", "ignore: {code: x}\n", 1, 9, "want a list"},
		{"bad severity", "severity:\n  dmarc.policy-none: fatal\n", 2, 22, "want one of info, warn, fail"},
		{"bad timeout", "defaults:\n  timeout: soon\n", 2, 12, `bad timeout "soon"`},
		{"bad fail-on", "defaults:\n  fail-on: always\n", 2, 12, "want one of warn, fail, never"},
		{"unknown default", "defaults:\n  resolvers: [1.1.1.1]\n", 2, 3, `unknown key "resolvers"`},
		{"duplicate key", "expect:\n  \"*\":\n    tlsrpt: required\n    tlsrpt: required\n", 4, 5, "given twice"},
		{"top not a mapping", "- a\n", 1, 1, "want a mapping"},
		{"bad yaml", "expect:\n  a: [\n", 3, 1, "not valid YAML"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("p.yaml", []byte(c.yaml), nil)
			var pe *Error
			if !errors.As(err, &pe) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want a *policy.Error", err)
			}
			if c.name != "bad yaml" && (pe.Line != c.line || pe.Col != c.col) {
				t.Errorf("at %d:%d, want %d:%d (%s)", pe.Line, pe.Col, c.line, c.col, pe.Msg)
			}
			if pe.Line == 0 {
				t.Errorf("no line in %q", pe.Message())
			}
			if !strings.Contains(pe.Message(), c.msg) || !strings.HasPrefix(pe.Message(), "p.yaml:") {
				t.Errorf("message %q, want p.yaml:…%q", pe.Message(), c.msg)
			}
			if strings.Contains(pe.Message(), "policy:") || strings.Contains(pe.Message(), "yaml:") && !strings.HasPrefix(pe.Message(), "p.yaml") {
				t.Errorf("message %q carries a package name", pe.Message())
			}
		})
	}
}

func TestParseExample(t *testing.T) {
	data, err := os.ReadFile("testdata/relayctl.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse("relayctl.yaml", data, nil)
	if err != nil {
		t.Fatal(checks.Message(err))
	}
	if p.Defaults.Timeout != 8*time.Second || p.Defaults.FailOn != "warn" || !slices.Equal(p.Defaults.Selectors, []string{"s1", "s2"}) || !slices.Equal(p.Defaults.Resolvers, []string{"9.9.9.9"}) {
		t.Errorf("defaults = %+v", p.Defaults)
	}
	star := p.Expect["*"]
	if star.DMARCPolicy != "reject" || *star.DMARCMinPct != 100 || *star.SPFMaxLookups != 8 || star.SPFAll != "fail" || *star.DKIMMinBits != 2048 || star.MTASTSMode != "enforce" || star.TLSRPT != "required" {
		t.Errorf(`expect["*"] = %+v`, star)
	}
	if m := p.merged("legacy.example.com"); m.DMARCPolicy != "quarantine" || m.SPFAll != "fail" {
		t.Errorf("merged legacy = %+v: want its own dmarc.policy and the * spf.all", m)
	}
	if p.Severity["dmarc.policy-none"] != checks.SeverityFail || len(p.Ignores) != 1 || p.Ignores[0].Domain != "legacy.example.com" {
		t.Errorf("severity %v, ignores %+v", p.Severity, p.Ignores)
	}
	if empty, err := Parse("e.yaml", nil, nil); err != nil || len(empty.Expect) != 0 {
		t.Errorf("empty file: %v, %v", empty, err)
	}
}

// fixture is a report shaped as check domain's JSON has it.
func fixture() checks.Report {
	rep := checks.Report{Target: "Example.COM.", Checks: []checks.Result{
		{Name: "mx", Data: map[string]any{"hosts": []any{map[string]any{"host": "mx1.example.net."}, map[string]any{"host": "mx2.example.net"}}}},
		{Name: "spf", Data: map[string]any{"record": "v=spf1 mx ~all", "lookups": 9}},
		{Name: "dkim", Data: map[string]any{"keys": []any{map[string]any{"selector": "s1", "key_bits": 1024}}},
			Findings: []checks.Finding{{Code: "dkim.weak-key", Severity: checks.SeverityWarn}}},
		{Name: "dmarc", Data: map[string]any{"parsed": map[string]any{"p": "quarantine", "pct": 50}},
			Findings: []checks.Finding{{Code: "dmarc.pct-partial", Severity: checks.SeverityWarn}}},
		{Name: "mtasts", Data: map[string]any{"valid": true, "policy": map[string]any{"mode": "testing"}}},
		{Name: "tlsrpt", Data: map[string]any{"valid": false}},
	}}
	for i := range rep.Checks {
		rep.Checks[i].Settle()
	}
	rep.Settle()
	return rep
}

func codes(rep checks.Report, check string) []string {
	var out []string
	for _, c := range rep.Checks {
		if c.Name == check {
			for _, f := range c.Findings {
				out = append(out, f.Code)
			}
		}
	}
	return out
}

func check(rep checks.Report, name string) checks.Result {
	for _, c := range rep.Checks {
		if c.Name == name {
			return c
		}
	}
	return checks.Result{}
}

func TestExpectations(t *testing.T) {
	n := func(v int) *int { return &v }
	cases := []struct {
		name  string
		check string
		met   Expectations
		unmet Expectations
		code  string
		found string
	}{
		{"dmarc.policy", "dmarc", Expectations{DMARCPolicy: "quarantine"}, Expectations{DMARCPolicy: "reject"}, "policy.dmarc-policy", "found quarantine"},
		{"dmarc.min_pct", "dmarc", Expectations{DMARCMinPct: n(50)}, Expectations{DMARCMinPct: n(100)}, "policy.dmarc-pct", "found 50"},
		{"spf.max_lookups", "spf", Expectations{SPFMaxLookups: n(9)}, Expectations{SPFMaxLookups: n(8)}, "policy.spf-lookups", "found 9"},
		{"spf.all", "spf", Expectations{SPFAll: "softfail"}, Expectations{SPFAll: "fail"}, "policy.spf-all", "found softfail"},
		{"dkim.selectors", "dkim", Expectations{DKIMSelectors: []string{"S1"}}, Expectations{DKIMSelectors: []string{"s1", "s2"}}, "policy.dkim-selector", "at s2"},
		{"dkim.min_bits", "dkim", Expectations{DKIMMinBits: n(1024)}, Expectations{DKIMMinBits: n(2048)}, "policy.dkim-key-bits", "found 1024"},
		{"mtasts.mode", "mtasts", Expectations{MTASTSMode: "testing"}, Expectations{MTASTSMode: "enforce"}, "policy.mtasts-mode", "found testing"},
		{"mx.hosts", "mx", Expectations{MXHosts: []string{"MX2.example.net", "mx1.example.net."}}, Expectations{MXHosts: []string{"mx1.example.net"}}, "policy.mx-hosts", "found mx1.example.net, mx2.example.net"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep := fixture()
			(&Policy{Expect: map[string]Expectations{"*": c.met}}).Apply(&rep, time.Now())
			if got := codes(rep, c.check); slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "policy.") }) {
				t.Errorf("met: findings %v", got)
			}
			rep = fixture()
			(&Policy{Expect: map[string]Expectations{"example.com": c.unmet}}).Apply(&rep, time.Now())
			res := check(rep, c.check)
			if !slices.Contains(codes(rep, c.check), c.code) || res.Status != checks.StatusFail || rep.Status != checks.StatusFail {
				t.Fatalf("unmet: findings %v, status %s", codes(rep, c.check), res.Status)
			}
			for _, f := range res.Findings {
				if f.Code == c.code && (!strings.Contains(f.Message, "expected") || !strings.Contains(f.Message, c.found)) {
					t.Errorf("message %q, want expected … %q", f.Message, c.found)
				}
			}
		})
	}
	// tlsrpt has only the unmet case in the fixture; met with a valid record.
	rep := fixture()
	(&Policy{Expect: map[string]Expectations{"*": {TLSRPT: "required"}}}).Apply(&rep, time.Now())
	if !slices.Contains(codes(rep, "tlsrpt"), "policy.tlsrpt") {
		t.Errorf("tlsrpt unmet: %v", codes(rep, "tlsrpt"))
	}
	rep = fixture()
	rep.Checks[5].Data = map[string]any{"valid": true}
	(&Policy{Expect: map[string]Expectations{"*": {TLSRPT: "required"}}}).Apply(&rep, time.Now())
	if got := codes(rep, "tlsrpt"); len(got) != 0 {
		t.Errorf("tlsrpt met: %v", got)
	}
	// check message has a dmarc check of its own: no expectation applies.
	rep = fixture()
	rep.Command = "check message"
	(&Policy{Expect: map[string]Expectations{"*": {DMARCPolicy: "reject"}}}).Apply(&rep, time.Now())
	if slices.Contains(codes(rep, "dmarc"), "policy.dmarc-policy") {
		t.Errorf("check message judged: %v", codes(rep, "dmarc"))
	}
	// Another domain's expectations do not apply; an errored check is not judged.
	rep = fixture()
	rep.Checks[3].Status = checks.StatusError
	(&Policy{Expect: map[string]Expectations{"example.org": {SPFAll: "fail"}, "*": {DMARCPolicy: "reject"}}}).Apply(&rep, time.Now())
	if slices.Contains(codes(rep, "spf"), "policy.spf-all") || slices.Contains(codes(rep, "dmarc"), "policy.dmarc-policy") {
		t.Errorf("spf %v, dmarc %v", codes(rep, "spf"), codes(rep, "dmarc"))
	}
}

func TestOverridesAndIgnores(t *testing.T) {
	now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	until := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	rep := fixture()
	p := &Policy{Path: "relayctl.yaml",
		Severity: map[string]checks.Severity{"dmarc.pct-partial": checks.SeverityFail, "dkim.*": checks.SeverityInfo},
		Ignores: []Ignore{
			{Code: "dkim.weak-key", Domain: "example.com", Until: until, Reason: "legacy HSM", Line: 7},
		}}
	p.Apply(&rep, now)
	if d := check(rep, "dmarc"); d.Status != checks.StatusFail || d.Findings[0].Severity != checks.SeverityFail {
		t.Errorf("override: dmarc %+v", d)
	}
	if d := check(rep, "dkim"); len(d.Findings) != 0 || !slices.Equal(d.Ignored, []string{"dkim.weak-key"}) || d.Status != checks.StatusOK {
		t.Errorf("ignore on its last day: dkim %+v", d)
	}
	// The day after, the ignore has expired: the finding is back and a
	// policy.ignore-expired finding says why.
	rep = fixture()
	p.Severity = nil
	p.Apply(&rep, now.AddDate(0, 0, 1))
	d := check(rep, "dkim")
	if !slices.Equal(codes(rep, "dkim"), []string{"dkim.weak-key", "policy.ignore-expired"}) || d.Status != checks.StatusWarn {
		t.Fatalf("expired: dkim %v %s", codes(rep, "dkim"), d.Status)
	}
	if m := d.Findings[1].Message; !strings.Contains(m, "2027-03-01") || !strings.Contains(m, "legacy HSM") || !strings.Contains(m, "line 7") {
		t.Errorf("expired message %q", m)
	}
	if slices.Contains(codes(rep, "dmarc"), "policy.ignore-expired") {
		t.Error("an expired dkim ignore is reported on dmarc")
	}
	// An ignore for another domain does nothing.
	rep = fixture()
	p.Ignores[0].Domain = "example.org"
	p.Apply(&rep, now)
	if !slices.Equal(codes(rep, "dkim"), []string{"dkim.weak-key"}) {
		t.Errorf("other domain: %v", codes(rep, "dkim"))
	}
	// A nil policy leaves the report alone.
	rep = fixture()
	(*Policy)(nil).Apply(&rep, now)
	if rep.Status != checks.StatusWarn {
		t.Errorf("nil policy: %s", rep.Status)
	}
}

// The example of docs/policy.md is the testdata file TestParseExample
// loads, and docs/relayctl.schema.json lists exactly the loader's keys.
func TestDocsAndSchema(t *testing.T) {
	doc, err := os.ReadFile("../../docs/policy.md")
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile("testdata/relayctl.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, block, _ := strings.Cut(string(doc), "```yaml\n")
	block, _, _ = strings.Cut(block, "```")
	if block != string(example) {
		t.Errorf("docs/policy.md's example differs from checks/policy/testdata/relayctl.yaml")
	}
	for _, code := range []string{"policy.dmarc-policy", "policy.dmarc-pct", "policy.spf-lookups", "policy.spf-all", "policy.dkim-selector", "policy.dkim-key-bits", "policy.mtasts-mode", "policy.tlsrpt", "policy.mx-hosts", "policy.blacklist-listed", "policy.ignore-expired"} {
		if !strings.Contains(string(doc), "| `"+code+"` |") {
			t.Errorf("docs/policy.md has no row for %s", code)
		}
	}
	for _, key := range ExpectKeys {
		if !strings.Contains(string(doc), "| `"+key+"` |") {
			t.Errorf("docs/policy.md has no row for %s", key)
		}
	}

	raw, err := os.ReadFile("../../docs/relayctl.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Properties map[string]struct {
			Properties map[string]any
			Items      struct{ Properties map[string]any }
		}
		Defs struct {
			Expectations struct{ Properties map[string]any } `json:"expectations"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]any) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	sorted := func(xs []string) []string { return slices.Sorted(slices.Values(xs)) }
	var top []string
	for k := range schema.Properties {
		top = append(top, k)
	}
	for _, c := range []struct {
		what      string
		got, want []string
	}{
		{"top level", sorted(top), sorted(TopKeys)},
		{"defaults", keys(schema.Properties["defaults"].Properties), sorted(DefaultKeys)},
		{"expectations", keys(schema.Defs.Expectations.Properties), sorted(ExpectKeys)},
		{"ignore", keys(schema.Properties["ignore"].Items.Properties), sorted(IgnoreKeys)},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("schema %s keys %v, loader's %v", c.what, c.got, c.want)
		}
	}
}

func TestBlacklistAllowListed(t *testing.T) {
	rep := checks.Report{Target: "192.0.2.7", Checks: []checks.Result{
		{Name: "Spamhaus ZEN", Data: map[string]any{"zone": "zen.spamhaus.org", "listed": true}},
		{Name: "SpamCop", Data: map[string]any{"zone": "bl.spamcop.net", "listed": true}},
		{Name: "Barracuda", Data: map[string]any{"zone": "b.barracudacentral.org", "listed": false}},
		{Name: "DNSWL", Data: map[string]any{"zone": "list.dnswl.org", "listed": true, "allowlist": true}},
	}}
	(&Policy{Expect: map[string]Expectations{"*": {BlacklistAllowListed: []string{"BL.spamcop.net."}}}}).Apply(&rep, time.Now())
	var got []string
	for _, c := range rep.Checks {
		for _, f := range c.Findings {
			got = append(got, c.Name+":"+f.Code)
		}
	}
	if !slices.Equal(got, []string{"Spamhaus ZEN:policy.blacklist-listed"}) || rep.Status != checks.StatusFail {
		t.Errorf("findings %v, status %s", got, rep.Status)
	}
	if m := rep.Checks[0].Findings[0].Message; !strings.Contains(m, "expected no listing") || !strings.Contains(m, "zen.spamhaus.org") {
		t.Errorf("message %q", m)
	}
	// Without the expectation nothing is added.
	rep.Checks[0].Findings = nil
	(&Policy{}).Apply(&rep, time.Now())
	if len(rep.Checks[0].Findings) != 0 {
		t.Errorf("no expectation: %v", rep.Checks[0].Findings)
	}
}

// With the known codes given, every code under severity and ignore must
// name one: a typo fails where it stands, with the codes it was near.
func TestParseKnownCodes(t *testing.T) {
	known := &Known{
		Codes: []string{"dkim.weak-key", "dmarc.policy-none", "dmarc.pct-partial", "dane.missing"},
		Nearest: func(code string) []string {
			if code == "dkim.weak-kye" {
				return []string{"dkim.weak-key"}
			}
			return nil
		},
	}
	data, err := os.ReadFile("testdata/relayctl.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse("relayctl.yaml", data, known); err != nil {
		t.Fatalf("the example names known codes only: %s", checks.Message(err))
	}
	cases := []struct {
		name, yaml string
		line, col  int
		msg        string
	}{
		{"severity typo", "severity:\n  dmarc.policy-none: fail\n  dkim.weak-kye: warn\n", 3, 3, `unknown finding code "dkim.weak-kye" (did you mean dkim.weak-key?)`},
		{"ignore typo", "ignore:\n  - code: dkim.weak-kye\n    until: 2027-03-01\n    reason: x\n", 2, 11, `unknown finding code "dkim.weak-kye" (did you mean dkim.weak-key?)`},
		{"glob matching nothing", "severity:\n  spf.*: warn\n", 2, 3, `the pattern "spf.*" matches no finding code`},
		{"no suggestion", "ignore:\n  - {code: zzz, until: 2027-03-01, reason: x}\n", 2, 12, `unknown finding code "zzz"; relayctl explain`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("p.yaml", []byte(c.yaml), known)
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a *policy.Error", err)
			}
			if pe.Line != c.line || pe.Col != c.col || !strings.Contains(pe.Message(), c.msg) {
				t.Errorf("%d:%d %q, want %d:%d …%q", pe.Line, pe.Col, pe.Message(), c.line, c.col, c.msg)
			}
		})
	}
	// A glob that matches a known code is fine; so is "*".
	if _, err := Parse("p.yaml", []byte("severity:\n  dmarc.*: fail\nignore:\n  - {code: \"*\", until: 2027-03-01, reason: x}\n"), known); err != nil {
		t.Errorf("globs: %s", checks.Message(err))
	}
}
