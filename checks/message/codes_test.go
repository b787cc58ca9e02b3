package message

import (
	"testing"

	"github.com/relayctl/relayctl/checks/domain"
	"github.com/relayctl/relayctl/checks/internal/codetest"
)

// The Finding codes table of docs/check-message.md is Codes, row for
// row, and every code the package emits is in it.
func TestCodesMatchDocs(t *testing.T) {
	// The spam check reports the codes of its engine, checks/spamd, whose
	// table (docs/spamd.md) holds them; this one holds spamd.not-run.
	codetest.Table(t, Codes(), "../../docs/check-message.md", []string{"dkim", "spf", "dmarc", "arc", "authres", "hops", "bulk", "spamd"})
}

// No message code is a domain check's code, so that explain finds one
// meaning for each; every code is under a message check's name.
func TestCodesApart(t *testing.T) {
	names := map[string]bool{}
	for _, c := range Checks() {
		names[c.Name] = true
		if len(c.Codes()) == 0 {
			t.Errorf("%s has no codes", c.Name)
		}
	}
	for _, cd := range Codes() {
		if c, _, ok := domain.LookupCode(cd.Code); ok {
			t.Errorf("%s is also the %s domain check's code", cd.Code, c.Name)
		}
		e, row, ok := LookupCode(cd.Code)
		if !ok || !names[e.Name] || row != cd {
			t.Errorf("LookupCode(%s) = %+v %v", cd.Code, e, ok)
		}
	}
}
