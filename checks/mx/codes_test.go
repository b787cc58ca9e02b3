package mx

import (
	"testing"

	"github.com/relayctl/relayctl/checks/internal/codetest"
)

// Codes and PTRCodes, the Finding codes table of docs/mx.md and the codes
// in this package's source name the same findings.
func TestCodesTable(t *testing.T) {
	codetest.Table(t, append(Codes(), PTRCodes()...), "../../docs/mx.md", []string{"mx", "ptr"})
}
