package reportsummary

import (
	"testing"

	"github.com/relayctl/relayctl/checks/internal/codetest"
)

// Codes, the Finding codes table of docs/report.md and the codes in this
// package's source name the same findings.
func TestCodesTable(t *testing.T) {
	codetest.Table(t, Codes(), "../../docs/report.md", []string{"report"})
}
