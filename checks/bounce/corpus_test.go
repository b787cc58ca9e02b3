package bounce

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

// corpusDir finds ../shared/corpus/bounces next to the module root (the
// folder with go.mod), "" when it is not there.
func corpusDir(t testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		up := filepath.Dir(dir)
		if up == dir {
			return ""
		}
		dir = up
	}
	c := filepath.Join(dir, "..", "shared", "corpus", "bounces")
	if _, err := os.Stat(filepath.Join(c, "expected.jsonl")); err != nil {
		return ""
	}
	return c
}

type expectedResult struct {
	Status    string        `json:"status"`
	Reason    reason.Reason `json:"reason"`
	Hard      bool          `json:"hard"`
	ReplyCode *int          `json:"reply_code"`
	Recipient string        `json:"recipient"`
}

type expectedFile struct {
	File    string           `json:"file"`
	Results []expectedResult `json:"results"`
}

func readExpected(t testing.TB, dir string) []expectedFile {
	f, err := os.Open(filepath.Join(dir, "expected.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []expectedFile
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e expectedFile
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("expected.jsonl: %v", err)
		}
		out = append(out, e)
	}
	return out
}

// agentOf names the format a corpus file belongs to: its name without
// the number ("lhost-postfix", "rfc3464").
func agentOf(file string) string {
	base := strings.TrimSuffix(filepath.Base(file), ".eml")
	if i := strings.LastIndexByte(base, '-'); i > 0 {
		return base[:i]
	}
	return base
}

// stated counts the status agreements that are the message's own code
// where the reference parser gives a pseudo one (see statusAgrees).
type tally struct{ n, reason, status, hard, recipient, stated int }

func (a *tally) add(b tally) {
	a.n += b.n
	a.reason += b.reason
	a.status += b.status
	a.hard += b.hard
	a.recipient += b.recipient
	a.stated += b.stated
}

// statusAgrees compares a status with the reference parser's. The
// reference puts a pseudo code "X.0.9xx" over a code the message itself
// states (an OpenSMTPD report's "Status: 5.0.0" reads 5.0.912 there);
// this parser keeps the stated code (docs/bounce.md), so a stated code
// that appears in the message where the reference has a pseudo one
// counts as agreement, and is counted apart as stated.
func statusAgrees(got, want string, raw []byte) (agree, stated bool) {
	if got == want {
		return true, false
	}
	if isPseudo(want) && got != "" && !isPseudo(got) && bytes.Contains(raw, []byte(got)) {
		return true, true
	}
	return false, false
}

func pct(k, n int) float64 {
	if n == 0 {
		return 100
	}
	return 100 * float64(k) / float64(n)
}

// compareFile matches each expected result with a record (the same
// recipient when there is one, else the one at the same position) and
// counts the agreements.
func compareFile(exp expectedFile, recs []Record, raw []byte) (tally, []string) {
	var t tally
	var diffs []string
	used := make([]bool, len(recs))
	for i, e := range exp.Results {
		t.n++
		j := -1
		for k, r := range recs {
			if !used[k] && strings.EqualFold(r.Recipient, e.Recipient) {
				j = k
				break
			}
		}
		if j < 0 && i < len(recs) && !used[i] {
			j = i
		}
		if j < 0 {
			diffs = append(diffs, fmt.Sprintf("missing %s (%s %s)", e.Recipient, e.Reason, e.Status))
			continue
		}
		used[j] = true
		r := recs[j]
		ok := true
		if r.Reason == e.Reason {
			t.reason++
		} else {
			ok = false
		}
		if agree, stated := statusAgrees(r.Status, e.Status, raw); agree {
			t.status++
			if stated {
				t.stated++
			}
		} else {
			ok = false
		}
		if r.Hard == e.Hard {
			t.hard++
		} else {
			ok = false
		}
		if strings.EqualFold(r.Recipient, e.Recipient) {
			t.recipient++
		} else {
			ok = false
		}
		if !ok {
			diffs = append(diffs, fmt.Sprintf("got %s %s %s hard=%v, want %s %s %s hard=%v | %.200s",
				r.Recipient, r.Reason, r.Status, r.Hard, e.Recipient, e.Reason, e.Status, e.Hard, r.Diagnostic))
		}
	}
	return t, diffs
}

// TestCorpusAgreement parses the development corpus and reports how
// often relayctl agrees with the reference parser's stated results, per
// format and overall. The floors are the figures this parser reached;
// they only go up.
func TestCorpusAgreement(t *testing.T) {
	dir := corpusDir(t)
	if dir == "" {
		t.Skip("no ../shared/corpus/bounces next to the module: corpus agreement not measured")
	}
	verbose := os.Getenv("BOUNCE_CORPUS_VERBOSE") != ""
	perAgent := map[string]*tally{}
	var total tally
	for _, exp := range readExpected(t, dir) {
		raw, err := os.ReadFile(filepath.Join(dir, exp.File))
		if err != nil {
			t.Fatal(err)
		}
		res := Parse(raw)
		got, diffs := compareFile(exp, res.Records, raw)
		a := agentOf(exp.File)
		if perAgent[a] == nil {
			perAgent[a] = &tally{}
		}
		perAgent[a].add(got)
		total.add(got)
		if verbose {
			for _, d := range diffs {
				t.Logf("%s [%s]: %s", exp.File, res.Agent, d)
			}
		}
	}
	names := make([]string, 0, len(perAgent))
	for a := range perAgent {
		names = append(names, a)
	}
	sort.Strings(names)
	var b strings.Builder
	fmt.Fprintf(&b, "%-24s %5s %8s %8s %8s %9s\n", "agent", "n", "reason", "status", "hard", "recipient")
	for _, a := range names {
		x := perAgent[a]
		fmt.Fprintf(&b, "%-24s %5d %7.1f%% %7.1f%% %7.1f%% %8.1f%%\n", a, x.n,
			pct(x.reason, x.n), pct(x.status, x.n), pct(x.hard, x.n), pct(x.recipient, x.n))
	}
	fmt.Fprintf(&b, "%-24s %5d %7.1f%% %7.1f%% %7.1f%% %8.1f%%\n", "overall", total.n,
		pct(total.reason, total.n), pct(total.status, total.n), pct(total.hard, total.n), pct(total.recipient, total.n))
	t.Log("agreement with the reference parser's stated results:\n" + b.String())
	t.Logf("status: %d of the agreements are the message's own code where the reference has a pseudo code (%.1f%% without them)",
		total.stated, pct(total.status-total.stated, total.n))

	floors := map[string]float64{"reason": 98.5, "status": 99.0, "hard": 98.5, "recipient": 99.0}
	got := map[string]float64{
		"reason": pct(total.reason, total.n), "status": pct(total.status, total.n),
		"hard": pct(total.hard, total.n), "recipient": pct(total.recipient, total.n),
	}
	for k, floor := range floors {
		if got[k] < floor {
			t.Errorf("%s agreement %.1f%% fell below its floor %.1f%%", k, got[k], floor)
		}
	}
}

// TestDebugFile prints what Parse makes of the file named by
// BOUNCE_DEBUG_FILE (a development aid; skipped otherwise).
func TestDebugFile(t *testing.T) {
	path := os.Getenv("BOUNCE_DEBUG_FILE")
	if path == "" {
		t.Skip("BOUNCE_DEBUG_FILE not set")
	}
	for _, p := range strings.Split(path, ",") {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		res := Parse(raw)
		b, _ := json.MarshalIndent(res.Records, "", "  ")
		t.Logf("%s agent=%s problem=%v\n%s", p, res.Agent, res.Problem, b)
	}
}
