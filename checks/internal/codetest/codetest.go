// Package codetest holds a check package's table of finding codes to the
// two other places that name them: the "Finding codes" table of its docs
// page, and the code literals in its source. A test of the package calls
// Table, so the docs, "relayctl explain" and the findings cannot drift
// apart.
package codetest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/relayctl/relayctl/checks"
)

// T is the part of *testing.T that Table uses.
type T interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// DocRows reads the "## Finding codes" section of the Markdown file at
// path: one CodeDoc per row of its code | severity | meaning | why it
// matters | fix | example table, the code without its backquotes.
func DocRows(path string) ([]checks.CodeDoc, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rows []checks.CodeDoc
	in := false
	for line := range strings.SplitSeq(string(b), "\n") {
		if strings.HasPrefix(line, "## ") {
			in = strings.HasPrefix(line, "## Finding codes")
			continue
		}
		if !in || !strings.HasPrefix(line, "|") {
			continue
		}
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if len(cells) != 6 {
			return nil, fmt.Errorf("%s: a finding-code row has %d cells, want 6 (code, severity, meaning, why it matters, fix, example): %s", path, len(cells), line)
		}
		if cells[0] == "code" || strings.Trim(cells[0], "-:") == "" {
			continue
		}
		rows = append(rows, checks.CodeDoc{Code: strings.Trim(cells[0], "`"), Severity: cells[1],
			Meaning: cells[2], Why: cells[3], Fix: cells[4], Example: cells[5]})
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no Finding codes table", path)
	}
	return rows, nil
}

// Table fails t unless codes, the table a check package exports, is
// exactly the Finding codes table of the docs page doc (row for row, in
// order), every code is unique, has its meaning, why it matters, fix and
// example, names at least one severity and starts
// with one of prefixes and a dot, and every code literal in the Go source
// of the package in the current directory (test files and codes.go
// aside) is in the table and every code in the table is such a literal or
// one of dynamic (codes the package builds at run time).
func Table(t T, codes []checks.CodeDoc, doc string, prefixes []string, dynamic ...string) {
	t.Helper()
	rows, err := DocRows(doc)
	if err != nil {
		t.Fatalf("%v", err)
	}
	for i := 0; i < len(rows) || i < len(codes); i++ {
		switch {
		case i >= len(codes):
			t.Errorf("%s row %d %q is not in the package's Codes", doc, i+1, rows[i].Code)
		case i >= len(rows):
			t.Errorf("Codes entry %d %q is not in %s", i+1, codes[i].Code, doc)
		case rows[i] != codes[i]:
			t.Errorf("%s row %d differs from Codes:\n doc:   %+v\n Codes: %+v", doc, i+1, rows[i], codes[i])
		}
	}

	pattern := regexp.MustCompile(`^(` + strings.Join(quoteAll(prefixes), "|") + `)\.[a-z0-9]+(-[a-z0-9]+)*$`)
	table := map[string]bool{}
	for _, c := range codes {
		if table[c.Code] {
			t.Errorf("code %q is in Codes twice", c.Code)
		}
		table[c.Code] = true
		if !pattern.MatchString(c.Code) {
			t.Errorf("code %q does not look like %s.kebab-name", c.Code, strings.Join(prefixes, "|"))
		}
		if len(c.Severities()) == 0 {
			t.Errorf("code %q: severity %q names no severity (info, warn, fail)", c.Code, c.Severity)
		}
		if c.Meaning == "" || c.Fix == "" || c.Why == "" || c.Example == "" {
			t.Errorf("code %q lacks its meaning, why it matters, fix or example", c.Code)
		}
	}

	source, err := sourceCodes(".", pattern)
	if err != nil {
		t.Fatalf("%v", err)
	}
	for code, pos := range source {
		if !table[code] {
			t.Errorf("%s: code %q is not in Codes (nor in %s)", pos, code, doc)
		}
	}
	for _, d := range dynamic {
		source[d] = "dynamic"
	}
	for _, c := range codes {
		if _, ok := source[c.Code]; !ok {
			t.Errorf("code %q is in Codes but the package never uses it", c.Code)
		}
	}
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = regexp.QuoteMeta(s)
	}
	return out
}

// sourceCodes returns every string literal in the non-test Go files of
// dir (codes.go aside) that matches pattern, with where it is.
func sourceCodes(dir string, pattern *regexp.Regexp) (map[string]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	out := map[string]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || filepath.Base(name) == "codes.go" {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			if s, err := strconv.Unquote(lit.Value); err == nil && pattern.MatchString(s) {
				if _, seen := out[s]; !seen {
					out[s] = fset.Position(lit.Pos()).String()
				}
			}
			return true
		})
	}
	return out, nil
}
