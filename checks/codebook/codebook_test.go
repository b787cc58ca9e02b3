package codebook

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsbl"
	"github.com/relayctl/relayctl/checks/domain"
	"github.com/relayctl/relayctl/checks/message"
	"github.com/relayctl/relayctl/checks/policy"
	"github.com/relayctl/relayctl/checks/reportsummary"
	"github.com/relayctl/relayctl/checks/spamd"
	"github.com/relayctl/relayctl/checks/state"
	"github.com/relayctl/relayctl/checks/verify"
)

var codeShape = regexp.MustCompile(`^[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*$`)

// declared returns every finding code written in the non-test source of
// the packages under checks/: the value of a Code field in a composite
// literal, of a constant or variable named Code…, and the first argument
// of a call to a helper named finding, with where it is.
func declared(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	fset := token.NewFileSet()
	str := func(e ast.Expr) (string, bool) {
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(lit.Value)
		return s, err == nil && codeShape.MatchString(s)
	}
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && k.Name == "Code" {
					if s, ok := str(n.Value); ok {
						out[s] = fset.Position(n.Pos()).String()
					}
				}
			case *ast.ValueSpec:
				for i, name := range n.Names {
					if strings.HasPrefix(name.Name, "Code") && i < len(n.Values) {
						if s, ok := str(n.Values[i]); ok {
							out[s] = fset.Position(n.Pos()).String()
						}
					}
				}
			case *ast.CallExpr:
				if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "finding" && len(n.Args) > 0 {
					if s, ok := str(n.Args[0]); ok {
						out[s] = fset.Position(n.Pos()).String()
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Every finding code a check package writes down can be explained.
func TestEveryDeclaredCodeIsExplainable(t *testing.T) {
	codes := declared(t)
	if len(codes) < 100 {
		t.Fatalf("found only %d code literals under checks/: the scan is broken", len(codes))
	}
	for code, pos := range codes {
		if _, ok := Lookup(code); !ok {
			t.Errorf("%s: %q has no row in any Codes table relayctl explain reads", pos, code)
		}
	}
}

// All is exactly the union of the tables: every row of every table, each
// code once, nothing else.
func TestAllIsTheUnionOfTheTables(t *testing.T) {
	union := map[string]checks.CodeDoc{}
	var tables [][]checks.CodeDoc
	for _, c := range domain.Checks() {
		if c.Codes != nil {
			tables = append(tables, c.Codes())
		}
	}
	for _, c := range message.Checks() {
		tables = append(tables, c.Codes())
	}
	tables = append(tables, dnsbl.Codes(), verify.Codes(), spamd.Codes(), state.Codes(), reportsummary.Codes(), policy.Codes())
	for _, tab := range tables {
		for _, cd := range tab {
			if _, dup := union[cd.Code]; !dup {
				union[cd.Code] = cd
			}
		}
	}
	all := All()
	var got []string
	for _, e := range all {
		got = append(got, e.Code)
		if union[e.Code] != e.CodeDoc {
			t.Errorf("%s: %+v is not its table's row %+v", e.Code, e.CodeDoc, union[e.Code])
		}
	}
	var want []string
	for c := range union {
		want = append(want, c)
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("All has %d codes, the tables %d:\n got %v\nwant %v", len(got), len(want), got, want)
	}
}

func TestNearest(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string
	}{
		{"spf.no-al", "spf.no-all"},
		{"spf.noall", "spf.no-all"},
		{"dnsbl.list", "dnsbl.listed"},
	} {
		if got := Nearest(c.in, 3); !slices.Contains(got, c.want) {
			t.Errorf("Nearest(%q) = %v, want it to include %q", c.in, got, c.want)
		}
	}
	if got := Nearest("zzzz.qqqqqqqqqqqqq", 3); len(got) != 0 {
		t.Errorf("Nearest of nonsense = %v, want none", got)
	}
}

func TestRFCURL(t *testing.T) {
	for in, want := range map[string]string{
		"RFC 7208":         "https://www.rfc-editor.org/rfc/rfc7208",
		"RFC 7208 §5.1":    "https://www.rfc-editor.org/rfc/rfc7208#section-5.1",
		"RFC 4035 §3.2.3":  "https://www.rfc-editor.org/rfc/rfc4035#section-3.2.3",
		"SpamAssassin doc": "",
	} {
		if got := RFCURL(in); got != want {
			t.Errorf("RFCURL(%q) = %q, want %q", in, got, want)
		}
	}
}
