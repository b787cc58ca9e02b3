package check

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks/domain"
	"github.com/relayctl/relayctl/checks/message"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

var update = flag.Bool("update", false, "rewrite docs/checks.md from the registry")

// checksDoc is the path of the generated index of checks.
const checksDoc = "../../docs/checks.md"

// docs/checks.md, the index of checks, is rendered from the registry
// (checks/domain.Checks) and the commands built from it; this test fails
// when the committed file differs. -update rewrites it.
func TestChecksDoc(t *testing.T) {
	got := renderChecksDoc(t)
	if *update {
		if err := os.WriteFile(checksDoc, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(checksDoc)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/check -run TestChecksDoc -update writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("docs/checks.md is not what the registry renders; run go test ./cmd/check -run TestChecksDoc -update\n--- rendered:\n%s", got)
	}
}

func renderChecksDoc(t *testing.T) []byte {
	t.Helper()
	ios, _, _, _ := cmdutil.Test()
	root := NewCmdCheck(ios, &cmdutil.Globals{})
	var b bytes.Buffer
	b.WriteString("<!-- Generated from the registry of checks (checks/domain/registry.go, checks/message/registry.go) and the commands built from it (cmd/check) by TestChecksDoc in cmd/check/docs_test.go. Do not edit: change the registry, then run go test ./cmd/check -run TestChecksDoc -update -->\n\n")
	b.WriteString("# Checks\n\n")
	var parts []string
	for _, c := range domain.Checks() {
		if c.Run != nil {
			parts = append(parts, "`"+c.Name+"`")
		}
	}
	fmt.Fprintf(&b, "`relayctl check domain DOMAIN...` runs every check that takes a domain, all at once, and reports them in this order: %s. `--smtp` adds the SMTP probe of every MX host. Each check also has a subcommand of its own:\n\n", strings.Join(parts, ", "))
	b.WriteString("| check | title | command | what it checks | RFCs | finding codes | docs |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	for _, c := range domain.Checks() {
		sub, _, err := root.Find([]string{c.Subcommand()})
		if err != nil || sub == root {
			t.Fatalf("check %s: no subcommand %q", c.Name, c.Subcommand())
		}
		codes := "—"
		if c.Codes != nil {
			codes = fmt.Sprint(len(c.Codes()))
		}
		page := filepath.Base(c.Doc)
		fmt.Fprintf(&b, "| `%s` | %s | `relayctl %s %s` | %s | %s | %s | [%s](%s) |\n",
			c.Name, c.Title, root.Name(), sub.Use, c.Summary, strings.Join(c.RFCs, ", "), codes, c.Doc, page)
	}
	b.WriteString("\nEach check's docs page lists its finding codes with their severity, meaning and fix; the check's package exports the same table (its Codes function), and a test of the package holds the page to it. A — in the finding codes column: the package has no such table yet.\n")
	sub, _, err := root.Find([]string{"message"})
	if err != nil || sub == root {
		t.Fatal("no check message subcommand")
	}
	fmt.Fprintf(&b, "\n## Message checks\n\n`relayctl %s %s` judges a message as it was received, not a domain: these checks have a registry of their own (checks/message/registry.go) and run together, in this order, in one report per message.\n\n", root.Name(), sub.Use)
	b.WriteString("| check | title | what it checks | RFCs | finding codes | docs |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	for _, c := range message.Checks() {
		page := filepath.Base(c.Doc)
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %d | [%s](%s) |\n", c.Name, c.Title, c.Summary, strings.Join(c.RFCs, ", "), len(c.Codes()), c.Doc, page)
	}
	return b.Bytes()
}
