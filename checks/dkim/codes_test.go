package dkim

import (
	"testing"

	"github.com/relayctl/relayctl/checks/internal/codetest"
)

// Codes, the Finding codes table of docs/dkim.md and the codes in this
// package's source name the same findings.
func TestCodesTable(t *testing.T) {
	codetest.Table(t, Codes(), "../../docs/dkim.md", []string{"dkim"})
}
