package dane

import (
	"testing"

	"github.com/relayctl/relayctl/checks/internal/codetest"
)

// Codes, the Finding codes table of docs/dane.md and the codes in this
// package's source name the same findings; a record's Problem becomes the
// code "dane." + Problem.
func TestCodesTable(t *testing.T) {
	var dynamic []string
	for _, p := range []Problem{ProblemPKIX, ProblemUnknown, ProblemData} {
		dynamic = append(dynamic, "dane."+string(p))
	}
	codetest.Table(t, Codes(), "../../docs/dane.md", []string{"dane"}, dynamic...)
}
