package message

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/relayctl/relayctl/checks"
)

// Bad inputs, each with a clear error or finding, in bounded time; a run
// over all of them still reports every one, in order.
func TestBadInputs(t *testing.T) {
	k := edKey(t)
	good := trace + sign(t, plain, dkim.SignOptions{Selector: "s1", Signer: k})
	var many strings.Builder
	for i := range 10000 {
		fmt.Fprintf(&many, "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s%d; h=from; bh=MTIz; b=YWJj\r\n", i)
	}
	malformed := "DKIM-Signature: v=2; a=rsa-md5; c=fancy/odd; d=exa..mple; s=; h=; bh=!!; b=%%; l=-1; t=x; x=y; q=dns/xml; i=@other\r\n"
	dir := t.TempDir()
	files := map[string]string{
		"1-binary.eml":    "\x00\x01\x02PNG\r\n\x1a\n\x00\x00garbage without any header",
		"2-truncated.eml": strings.SplitN(good, "Subject:", 2)[0] + "Subj",
		"3-many.eml":      many.String() + trace + strings.Replace(plain, "<q4@", "<many@", 1),
		"4-malformed.eml": malformed + trace + plain,
		"5-good.eml":      good,
		"6-empty.eml":     "",
	}
	var inputs []string
	for name, raw := range files {
		os.WriteFile(filepath.Join(dir, name), []byte(raw), 0o644)
	}
	inputs = append(inputs, dir, filepath.Join(dir, "does-not-exist.eml"))
	r := offline(t, records+zoneTXT("s1._domainkey.example.com", keyTXT(t, k)))
	var reps []checks.Report
	start := time.Now()
	err := RunAll(context.Background(), r, inputs, nil, RunOptions{Options: Options{Now: testNow}, Workers: 2}, func(rep checks.Report) { reps = append(reps, rep) })
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 20*time.Second {
		t.Errorf("took %v", el)
	}
	if len(reps) != 7 {
		t.Fatalf("%d reports", len(reps))
	}
	byTarget := map[string]checks.Report{}
	for _, rep := range reps {
		byTarget[filepath.Base(rep.Target)] = rep
		if rep.Command != Command {
			t.Errorf("%s: command %q", rep.Target, rep.Command)
		}
	}
	if rep := byTarget["1-binary.eml"]; !strings.Contains(rep.Error, "not a message") || rep.Status != checks.StatusError {
		t.Errorf("binary: %q %s", rep.Error, rep.Status)
	}
	if rep := byTarget["6-empty.eml"]; !strings.Contains(rep.Error, "no header fields") {
		t.Errorf("empty: %q", rep.Error)
	}
	if rep := byTarget["does-not-exist.eml"]; rep.Error == "" || strings.Contains(rep.Error, "bounce:") {
		t.Errorf("missing file: %q", rep.Error)
	}
	// The truncated header has no Message-ID left: its target is the file.
	tr := byTarget["2-truncated.eml"]
	if res := result(t, tr, "dkim"); !hasCode(res, "dkim.header-unterminated") {
		t.Errorf("truncated header: %v", codes(res))
	}
	mr := byTarget["<many@example.com>"]
	if res := result(t, mr, "dkim"); !hasCode(res, "dkim.not-evaluated") || res.Data.(*DKIMData).NotEvaluated != 10000-32 {
		t.Errorf("10,000 signatures: %v %d", codes(res), res.Data.(*DKIMData).NotEvaluated)
	}
	// 4-malformed and 5-good share the Message-ID; find them by content.
	var sawMalformed, sawGood bool
	for _, rep := range reps {
		if rep.Target != "<q4@example.com>" {
			continue
		}
		d := result(t, rep, "dkim").Data.(*DKIMData)
		switch {
		case len(d.Signatures) == 1 && d.Signatures[0].Result == "neutral":
			sawMalformed = true
			f := findingOf(result(t, rep, "dkim"), "dkim.signature-syntax")
			for _, tag := range []string{"tag v", "tag a", "tag d", "tag bh"} {
				if !strings.Contains(f.Message, tag) {
					t.Errorf("malformed: %s not named in %q", tag, f.Message)
				}
			}
			if strings.Contains(f.Message, "dkimverify:") {
				t.Errorf("a package name in a finding: %q", f.Message)
			}
		case len(d.Signatures) == 1 && d.Signatures[0].Result == "pass":
			sawGood = true
		}
	}
	if !sawMalformed || !sawGood {
		t.Errorf("malformed seen %v, good seen %v", sawMalformed, sawGood)
	}
}

// A message the input reader cut at 64 MiB says so; the body hash is not
// reported as failing. Memory stays near the size of the message.
func TestHugeBodyCut(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 65 MiB file")
	}
	k := edKey(t)
	head := trace + sign(t, plain, dkim.SignOptions{Selector: "s1", Signer: k})
	p := filepath.Join(t.TempDir(), "huge.eml")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(head)
	line := bytes.Repeat([]byte("0123456789abcdef"), 4)
	line = append(line, '\r', '\n')
	for n := 0; n < MaxInput+(1<<20); n += len(line) {
		f.Write(line)
	}
	f.Close()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var reps []checks.Report
	r := offline(t, records+zoneTXT("s1._domainkey.example.com", keyTXT(t, k)))
	if err := RunAll(t.Context(), r, []string{p}, nil, RunOptions{Options: Options{Now: testNow}, Workers: 1}, func(rep checks.Report) { reps = append(reps, rep) }); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if len(reps) != 1 {
		t.Fatalf("%d reports", len(reps))
	}
	res := result(t, reps[0], "dkim")
	if !hasCode(res, "dkim.body-cut") || hasCode(res, "dkim.body-hash-mismatch") || res.Status != checks.StatusError {
		t.Errorf("%s %v", res.Status, codes(res))
	}
	// The reader's io.ReadAll grows its buffer to 64 MiB by doubling
	// (about twice that allocated in all); verification streams the
	// body. The race detector's instrumentation adds its own.
	grew := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated %d MiB in all for a message cut at 64 MiB", grew>>20)
	if grew > 8*MaxInput {
		t.Errorf("allocated %d MiB for a 64 MiB message", grew>>20)
	}
}
