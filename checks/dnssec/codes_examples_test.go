package dnssec

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"testing"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/internal/codetest"
)

// exampleSituations holds every code: each Example is a resolver's
// behaviour (the AD bit, SERVFAIL, answers from zone files), not input
// the package parses. Each reason names the test of this package that
// builds that situation (a loopback server, or zone files) and checks
// the code.
var exampleSituations = map[string]string{
	"dnssec.not-evaluated":           "answers from zone files; built by TestZoneFiles",
	"dnssec.resolver-not-validating": "a resolver that leaves AD off the root's answer; built by TestResolverNotValidating",
	"dnssec.unsigned":                "a validating resolver without AD for the domain; built by TestDomainUnsigned",
	"dnssec.partial":                 "AD on some of the domain's answers only; built by TestPartial",
	"dnssec.mx-unsigned":             "AD off for an MX host's addresses; built by TestMXHostUnsigned",
	"dnssec.servfail":                "a validating resolver answering SERVFAIL; built by TestServFailWithValidatingResolver",
}

// TestCodeExamples holds every code to a listed situation whose reason
// names a test that exists in dnssec_test.go, so a code cannot be added,
// nor its covering test removed, without this failing.
func TestCodeExamples(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "dnssec_test.go", nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]bool{}
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil {
			tests[fn.Name.Name] = true
		}
	}
	named := regexp.MustCompile(`built by (Test\w+)$`)
	for _, c := range Codes() {
		if why, ok := exampleSituations[c.Code]; ok {
			if m := named.FindStringSubmatch(why); m == nil || !tests[m[1]] {
				t.Errorf("%s: the reason %q names no test of dnssec_test.go", c.Code, why)
			}
		}
	}
	codetest.Examples(t, Codes(), exampleSituations, func(t *testing.T, c checks.CodeDoc) {
		t.Errorf("%s: its Example is neither checked nor listed as a situation", c.Code)
	})
}
