package tlsrpt

import (
	"testing"

	"github.com/relayctl/relayctl/checks/internal/codetest"
)

// Codes, the Finding codes table of docs/tlsrpt.md and the codes in this
// package's source name the same findings.
func TestCodesTable(t *testing.T) {
	codetest.Table(t, Codes(), "../../docs/tlsrpt.md", []string{"tlsrpt"})
}
