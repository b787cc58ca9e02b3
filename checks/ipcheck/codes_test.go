package ipcheck

import (
	"testing"

	"github.com/relayctl/relayctl/checks/internal/codetest"
)

// Codes, the Finding codes table of docs/check-ip.md and the codes in
// this package's source name the same findings.
func TestCodesTable(t *testing.T) {
	codetest.Table(t, Codes(), "../../docs/check-ip.md", []string{"ip"})
}
