package verify

import (
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks/internal/codetest"
)

// Codes, the Finding codes table of docs/verify.md and the codes in this
// package's source name the same findings; the verdict each row names is
// the one Settle gives.
func TestCodesTable(t *testing.T) {
	codetest.Table(t, Codes(), "../../docs/verify.md", []string{"verify"})
	for _, c := range Codes() {
		want, ok := codeVerdicts[c.Code]
		switch {
		case ok && !strings.HasPrefix(c.Meaning, "verdict "+string(want)+":"):
			t.Errorf("%s: the table says %q, Settle gives %s", c.Code, c.Meaning, want)
		case !ok && !strings.HasPrefix(c.Meaning, "verdict — (info):") && !strings.HasPrefix(c.Meaning, "verdict (run note):"):
			t.Errorf("%s: the table names a verdict (%q) Settle does not give", c.Code, c.Meaning)
		}
	}
}
