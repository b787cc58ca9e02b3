package root

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks/codebook"
	"github.com/relayctl/relayctl/report"
)

// explain with no CODE lists exactly the code tables, one
// code<TAB>severity<TAB>meaning line each; -o json the same codes.
func TestExplainLists(t *testing.T) {
	all := codebook.All()
	r := run(t, false, nil, "explain")
	if r.code != report.ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.errOut)
	}
	lines := strings.Split(strings.TrimSuffix(r.out, "\n"), "\n")
	if len(lines) != len(all) {
		t.Fatalf("%d lines, %d codes in the tables", len(lines), len(all))
	}
	for i, l := range lines {
		f := strings.Split(l, "\t")
		if len(f) != 3 || f[0] != all[i].Code || f[1] != all[i].Severity || f[2] != all[i].Meaning {
			t.Errorf("line %d %q is not %s's row", i+1, l, all[i].Code)
		}
	}
	r = run(t, false, nil, "explain", "-o", "json")
	var got []struct{ Code, Fix string }
	if err := json.Unmarshal([]byte(r.out), &got); err != nil || len(got) != len(all) {
		t.Fatalf("json: %v, %d entries for %d codes", err, len(got), len(all))
	}
	for i := range got {
		if got[i].Code != all[i].Code || got[i].Fix != all[i].Fix {
			t.Errorf("json entry %d = %+v, want %s", i, got[i], all[i].Code)
		}
	}
}

// Every code in the tables is explained, with its fix and RFCs; an
// unknown one is bad usage with the nearest codes suggested.
func TestExplainCode(t *testing.T) {
	for _, e := range codebook.All() {
		r := run(t, false, nil, "explain", e.Code)
		if r.code != report.ExitOK || !strings.HasPrefix(r.out, e.Code+" (") || !strings.Contains(r.out, e.Fix) {
			t.Errorf("explain %s: exit %d\n%s%s", e.Code, r.code, r.out, r.errOut)
		}
		for _, rfc := range e.RFCs {
			if !strings.Contains(r.out, rfc) {
				t.Errorf("explain %s does not name %s:\n%s", e.Code, rfc, r.out)
			}
		}
	}
	r := run(t, false, nil, "explain", "dmarc.polcy-none")
	if r.code != report.ExitUsage || !strings.Contains(r.errOut, `unknown code "dmarc.polcy-none"`) || !strings.Contains(r.errOut, "dmarc.policy-none") {
		t.Errorf("unknown code: exit %d, stderr %q", r.code, r.errOut)
	}
	if r := run(t, false, nil, "explain", "a", "b"); r.code != report.ExitUsage {
		t.Errorf("two codes: exit %d, want 2", r.code)
	}
}

// verify prints records: the CI formats are bad usage there, said before
// any work. (Its table is not in TestStreams: TestStreamsFitTheTerminal
// would hold it to widths it was not written for.)
func TestVerifyRefusesCIFormats(t *testing.T) {
	for _, f := range report.CIFormats {
		r := run(t, false, nil, "verify", "alice@example.com", "--offline", "--zone", "testdata/zones", "-o", string(f))
		if r.code != report.ExitUsage || r.out != "" || !strings.Contains(r.errOut, "-o "+string(f)+" is for commands that print check reports; verify prints records") {
			t.Errorf("verify -o %s: exit %d, stdout %q, stderr %q", f, r.code, r.out, r.errOut)
		}
	}
}
