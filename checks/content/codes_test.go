package content

import (
	"testing"

	"github.com/relayctl/relayctl/checks/domain"
	"github.com/relayctl/relayctl/checks/internal/codetest"
)

// The Finding codes table of docs/content.md is Codes, row for row, and
// every code the package emits is in it.
func TestCodesMatchDocs(t *testing.T) {
	codetest.Table(t, Codes(), "../../docs/content.md", []string{"content"})
}

// No content code is a domain check's code, so that explain finds one
// meaning for each.
func TestCodesApart(t *testing.T) {
	for _, cd := range Codes() {
		if c, _, ok := domain.LookupCode(cd.Code); ok {
			t.Errorf("%s is also the %s domain check's code", cd.Code, c.Name)
		}
	}
}
