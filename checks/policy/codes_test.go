package policy

import (
	"testing"

	"github.com/relayctl/relayctl/checks/internal/codetest"
)

// Codes, the Finding codes table of docs/policy.md and the codes in this
// package's source name the same findings.
func TestCodesTable(t *testing.T) {
	codetest.Table(t, Codes(), "../../docs/policy.md", []string{"policy"})
}
