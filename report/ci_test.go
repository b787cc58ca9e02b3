package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	// The module whose source holds the SARIF schema sarifSchemaText
	// reads: imported so that go.mod requires it and it is downloaded.
	_ "github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/xeipuuv/gojsonschema"

	"github.com/relayctl/relayctl/checks"
)

// awkward is a report whose text carries what each format must escape:
// pipes, backquotes, HTML, newlines and a control character.
func awkward() checks.Report {
	rep := failing()
	rep.Target = "pipes|and<b>.example"
	rep.Checks[0].Findings[0].Message = "record `v=spf1 | <script>alert(1)</script>` *bold*\nsecond line\x01"
	rep.Checks = append(rep.Checks, checks.Result{Name: "bimi", Status: checks.StatusInfo, Summary: "no BIMI record"})
	rep.Settle()
	return rep
}

func ciOptions(failOn FailOn) Options {
	return Options{FailOn: failOn, Version: "1.2.3", Codes: func(code string) (CodeInfo, bool) {
		if code == "spf.missing" {
			return CodeInfo{Meaning: "no SPF record", Why: "receivers get none", Fix: "publish one",
				Example: "`v=spf1` absent", HelpURI: "https://www.rfc-editor.org/rfc/rfc7208"}, true
		}
		return CodeInfo{}, false
	}}
}

func renderCI(t *testing.T, f Format, opt Options, reps ...checks.Report) string {
	t.Helper()
	var b bytes.Buffer
	w, err := NewWriter(f, &b, opt, len(reps) == 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reps {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if b.Len() != 0 {
		t.Fatalf("%s wrote before Close: %q", f, b.String())
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestCIFormats(t *testing.T) {
	for _, f := range CIFormats {
		for _, gate := range []FailOn{FailOnFail, FailOnWarn} {
			t.Run(string(f)+"/"+string(gate), func(t *testing.T) {
				got := renderCI(t, f, ciOptions(gate), sample(), failing(), awkward())
				golden(t, string(f)+"-"+string(gate), got)
			})
		}
	}
}

// TestJUnitStructure holds -o junit to the rules of the JUnit XML schema
// GitLab and Jenkins read, written out here: the element nesting, the
// required attributes, and counts that match the testcases.
func TestJUnitStructure(t *testing.T) {
	out := renderCI(t, FormatJUnit, ciOptions(FailOnWarn), sample(), failing(), awkward())
	var doc struct {
		XMLName  xml.Name
		Tests    *int `xml:"tests,attr"`
		Failures *int `xml:"failures,attr"`
		Errors   *int `xml:"errors,attr"`
		Skipped  *int `xml:"skipped,attr"`
		Suites   []struct {
			Name     *string `xml:"name,attr"`
			Tests    *int    `xml:"tests,attr"`
			Failures *int    `xml:"failures,attr"`
			Errors   *int    `xml:"errors,attr"`
			Skipped  *int    `xml:"skipped,attr"`
			Cases    []struct {
				Name     *string    `xml:"name,attr"`
				Children []xml.Name `xml:",any"`
				Failure  *struct{}  `xml:"failure"`
				Error    *struct{}  `xml:"error"`
				Skip     *struct{}  `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.XMLName.Local != "testsuites" || len(doc.Suites) != 3 {
		t.Fatalf("root %q with %d testsuites, want testsuites with 3", doc.XMLName.Local, len(doc.Suites))
	}
	var tests, fails, errs, skips int
	for _, s := range doc.Suites {
		if s.Name == nil || s.Tests == nil || s.Failures == nil || s.Errors == nil || s.Skipped == nil {
			t.Fatalf("a testsuite lacks name, tests, failures, errors or skipped")
		}
		var f, e, k int
		for _, c := range s.Cases {
			if c.Name == nil {
				t.Errorf("%s: a testcase has no name", *s.Name)
			}
			n := 0
			for _, ch := range c.Children {
				switch ch.Local {
				case "failure", "error", "skipped":
					n++
				case "system-out", "system-err":
				default:
					t.Errorf("testcase child <%s> is not in the schema", ch.Local)
				}
			}
			if n > 1 {
				t.Errorf("%s: testcase %s has %d of failure/error/skipped, want at most 1", *s.Name, *c.Name, n)
			}
			switch {
			case c.Failure != nil:
				f++
			case c.Error != nil:
				e++
			case c.Skip != nil:
				k++
			}
		}
		if *s.Tests != len(s.Cases) || *s.Failures != f || *s.Errors != e || *s.Skipped != k {
			t.Errorf("%s: counts %d/%d/%d/%d, testcases say %d/%d/%d/%d", *s.Name, *s.Tests, *s.Failures, *s.Errors, *s.Skipped, len(s.Cases), f, e, k)
		}
		tests, fails, errs, skips = tests+*s.Tests, fails+*s.Failures, errs+*s.Errors, skips+*s.Skipped
	}
	if *doc.Tests != tests || *doc.Failures != fails || *doc.Errors != errs {
		t.Errorf("testsuites counts are not the sum of the testsuites'")
	}
	if doc.Skipped != nil {
		t.Errorf("testsuites has a skipped attribute, which Jenkins' schema does not allow")
	}
	// sample: spf warn fails under --fail-on warn, dkim is an error.
	if fails != 3 || errs != 1 || skips != 1 {
		t.Errorf("failures/errors/skipped = %d/%d/%d, want 3/1/1", fails, errs, skips)
	}
}

// TestJUnitSchema validates -o junit with xmllint against two schemas:
// testdata/junit.xsd (written for these tests from the format's
// documented structure, and stricter: one outcome per testcase, counts
// and times typed) and Jenkins' published JUnit schema, which
// scripts/fetch-schemas.sh puts in the user cache folder (or
// RELAYCTL_SCHEMA_DIR). Each is skipped, saying so, where xmllint
// (Debian's libxml2-utils) or the fetched schema is absent, unless
// RELAYCTL_REQUIRE_SCHEMAS is set (as .ci/run sets it), which makes an
// absence a failure.
func TestJUnitSchema(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		missing(t, "xmllint not installed (apt-get install libxml2-utils): JUnit schema validation skipped; TestJUnitStructure still ran")
	}
	schemas := []string{"testdata/junit.xsd"}
	if jenkins := filepath.Join(schemaDir(), "jenkins-junit.xsd"); fileExists(jenkins) {
		schemas = append(schemas, jenkins)
	} else {
		t.Run("jenkins", func(t *testing.T) {
			missing(t, "Jenkins' JUnit schema not fetched ("+jenkins+"; scripts/fetch-schemas.sh fetches it): validation against it skipped")
		})
	}
	validate := func(t *testing.T, name, doc string) {
		t.Helper()
		path := filepath.Join(t.TempDir(), "out.xml")
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, schema := range schemas {
			if out, err := exec.Command(xmllint, "--noout", "--schema", schema, path).CombinedOutput(); err != nil {
				t.Errorf("%s: xmllint --schema %s: %v\n%s", name, filepath.Base(schema), err, out)
			}
		}
	}
	for _, gate := range []FailOn{FailOnFail, FailOnWarn} {
		validate(t, "sample --fail-on "+string(gate), renderCI(t, FormatJUnit, ciOptions(gate), sample(), failing(), awkward()))
	}
	// Each schema refuses what the readers would: a testcase without a
	// name; ours also one with both a failure and an error, and Jenkins'
	// a skipped count on testsuites or a message on skipped.
	refuse := func(schema, doc, why string) {
		bad := filepath.Join(t.TempDir(), "bad.xml")
		if err := os.WriteFile(bad, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := exec.Command(xmllint, "--noout", "--schema", schema, bad).Run(); err == nil {
			t.Errorf("%s accepts %s", filepath.Base(schema), why)
		}
	}
	for _, schema := range schemas {
		refuse(schema, `<testsuites><testsuite name="a" tests="1"><testcase/></testsuite></testsuites>`, "a testcase with no name")
	}
	refuse(schemas[0], `<testsuites><testsuite name="a" tests="1"><testcase name="c"><failure/><error/></testcase></testsuite></testsuites>`, "a testcase with two outcomes")
	if len(schemas) > 1 {
		refuse(schemas[1], `<testsuites skipped="1"><testsuite name="a" tests="1"><testcase name="c"/></testsuite></testsuites>`, "skipped on testsuites")
		refuse(schemas[1], `<testsuites><testsuite name="a" tests="1"><testcase name="c"><skipped message="m"/></testcase></testsuite></testsuites>`, "a message on skipped")
	}
	for _, doc := range commandGoldens(t, "junit") {
		validate(t, doc.path, doc.text)
	}
}

// schemaDir is where scripts/fetch-schemas.sh puts the schemas it
// fetches.
func schemaDir() string {
	if d := os.Getenv("RELAYCTL_SCHEMA_DIR"); d != "" {
		return d
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "relayctl", "schemas")
}

func fileExists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

// missing skips t for what is not installed here, or fails it where
// RELAYCTL_REQUIRE_SCHEMAS says the run must have it (CI).
func missing(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("RELAYCTL_REQUIRE_SCHEMAS") != "" {
		t.Fatal(why + " (RELAYCTL_REQUIRE_SCHEMAS is set)")
	}
	t.Skip(why)
}

type goldenDoc struct{ path, text string }

// commandGoldens are the documents in format that cmd/root's TestStreams
// pins (its golden files), with the placeholders it puts for what varies
// turned back into values of the right type; refusals (stderr only) are
// left out. They are the commands' real output, so validating them holds
// every command's output to the schema, not only this package's samples.
func commandGoldens(t *testing.T, format string) []goldenDoc {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "cmd", "root", "testdata", "TestStreams", "*."+format+".golden"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatalf("no %s golden files under cmd/root/testdata/TestStreams", format)
	}
	var out []goldenDoc
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		text, _, _ := strings.Cut(string(b), "-- stderr --\n")
		if text == "" {
			continue
		}
		text = strings.NewReplacer(`time="TIME"`, `time="0.000"`, `timestamp="STARTED"`, `timestamp="2026-01-01T00:00:00"`).Replace(text)
		out = append(out, goldenDoc{p, text})
	}
	return out
}

// TestSARIFSchema validates the bytes of -o sarif against the official
// SARIF 2.1.0 JSON schema (OASIS errata01), the copy the Go module
// github.com/owenrumney/go-sarif/v3 embeds in its source: the test reads
// it from the module's directory and validates with gojsonschema.
func TestSARIFSchema(t *testing.T) {
	out := renderCI(t, FormatSARIF, ciOptions(FailOnFail), sample(), failing(), awkward())
	schema := sarifSchemaText(t)
	res, err := gojsonschema.Validate(gojsonschema.NewStringLoader(schema), gojsonschema.NewStringLoader(out))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Errors() {
		t.Errorf("SARIF 2.1.0 schema: %s", e)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct{ ID string }
				}
			}
			Results []struct {
				RuleID    string
				RuleIndex int
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 || len(log.Runs[0].Results) != 5 {
		t.Fatalf("want 1 run with 5 results, got %+v", log.Runs)
	}
	rules := log.Runs[0].Tool.Driver.Rules
	for _, r := range log.Runs[0].Results {
		if rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s: ruleIndex does not point at its rule", r.RuleID)
		}
	}
	// Same document whatever order the targets arrive in.
	if again := renderCI(t, FormatSARIF, ciOptions(FailOnFail), awkward(), failing(), sample()); again != out {
		t.Errorf("SARIF depends on the order of the reports")
	}
	// The documents the commands print (cmd/root's golden files).
	for _, doc := range commandGoldens(t, "sarif") {
		res, err := gojsonschema.Validate(gojsonschema.NewStringLoader(schema), gojsonschema.NewStringLoader(doc.text))
		if err != nil {
			t.Fatalf("%s: %v", doc.path, err)
		}
		for _, e := range res.Errors() {
			t.Errorf("%s: SARIF 2.1.0 schema: %s", doc.path, e)
		}
	}
	// The schema is strict: a document it must refuse is refused.
	bad := strings.Replace(out, `"ruleId"`, `"rule_id"`, 1)
	if res, err := gojsonschema.Validate(gojsonschema.NewStringLoader(schema), gojsonschema.NewStringLoader(bad)); err != nil || res.Valid() {
		t.Errorf("the schema accepted an unknown result property (err %v)", err)
	}
}

// sarifSchemaText is the schema constant of go-sarif's v210 package,
// read from the module's source (go list -m finds it in the module cache).
func sarifSchemaText(t *testing.T) string {
	t.Helper()
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/owenrumney/go-sarif/v3").Output()
	if err != nil || strings.TrimSpace(string(dir)) == "" {
		missing(t, fmt.Sprintf("go-sarif's copy of the SARIF schema is not in the module cache (%v): SARIF schema validation skipped", err))
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(dir)), "pkg", "report", "v210", "sarif", "schema.go"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(src), "`")
	schema, _, ok2 := strings.Cut(rest, "`")
	if !ok || !ok2 || !strings.Contains(schema, "sarif-schema-2.1.0.json") {
		t.Fatal("go-sarif's schema.go no longer holds the SARIF 2.1.0 schema in one raw string")
	}
	return schema
}

// TestSARIFForCodeScanning holds -o sarif to what GitHub code scanning
// needs of an uploaded result beyond the schema: at least one location
// with a physical location whose artifact is a relative URI reference
// (no scheme, not rooted) and a start line, a rule for every ruleId, and
// a partial fingerprint that is unique in the run and stable across runs.
func TestSARIFForCodeScanning(t *testing.T) {
	type loc struct {
		PhysicalLocation *struct {
			ArtifactLocation struct{ URI string }
			Region           struct{ StartLine int }
		}
	}
	type doc struct {
		Runs []struct {
			Tool struct {
				Driver struct{ Rules []struct{ ID string } }
			}
			Results []struct {
				RuleID              string
				Locations           []loc
				PartialFingerprints map[string]string
			}
		}
	}
	parse := func(out string) doc {
		var d doc
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	v6 := sample()
	v6.Target = "2001:db8::1"
	out := renderCI(t, FormatSARIF, ciOptions(FailOnFail), sample(), failing(), awkward(), v6)
	d := parse(out)
	seen := map[string]bool{}
	rules := map[string]bool{}
	for _, r := range d.Runs[0].Tool.Driver.Rules {
		rules[r.ID] = true
	}
	uris := map[string]bool{}
	for _, r := range d.Runs[0].Results {
		if !rules[r.RuleID] {
			t.Errorf("result %s has no rule", r.RuleID)
		}
		if len(r.Locations) == 0 || r.Locations[0].PhysicalLocation == nil {
			t.Fatalf("result %s has no physical location", r.RuleID)
		}
		pl := r.Locations[0].PhysicalLocation
		u, err := url.Parse(pl.ArtifactLocation.URI)
		if err != nil || u.Scheme != "" || u.Host != "" || pl.ArtifactLocation.URI == "" || strings.HasPrefix(pl.ArtifactLocation.URI, "/") {
			t.Errorf("result %s: artifact URI %q is not a relative path (%v)", r.RuleID, pl.ArtifactLocation.URI, err)
		}
		uris[u.Path] = true
		if pl.Region.StartLine < 1 {
			t.Errorf("result %s: start line %d", r.RuleID, pl.Region.StartLine)
		}
		fp := r.PartialFingerprints[fingerprintKey]
		if fp == "" || seen[fp] {
			t.Errorf("result %s: fingerprint %q missing or not unique", r.RuleID, fp)
		}
		seen[fp] = true
	}
	for _, want := range []string{"2001:db8::1", "pipes|and<b>.example"} {
		if !uris[want] {
			t.Errorf("no result points at a path named for %q (have %v)", want, uris)
		}
	}
	// A finding whose message changes keeps its fingerprint.
	changed := failing()
	changed.Checks[0].Findings[0].Message += " (now with 11 lookups)"
	fps := func(d doc) map[string]string {
		m := map[string]string{}
		for _, r := range d.Runs[0].Results {
			m[r.RuleID] = r.PartialFingerprints[fingerprintKey]
		}
		return m
	}
	a, b := fps(parse(renderCI(t, FormatSARIF, ciOptions(FailOnFail), failing()))), fps(parse(renderCI(t, FormatSARIF, ciOptions(FailOnFail), changed)))
	if !maps.Equal(a, b) {
		t.Errorf("fingerprints follow the message text: %v vs %v", a, b)
	}
	// A report read from a file (check message) points at its file, the
	// mbox's for its Nth message, whatever its target.
	msg := sample()
	msg.Target, msg.Source = "<m1@example.com>", "mail/in.mbox#2"
	for _, r := range parse(renderCI(t, FormatSARIF, ciOptions(FailOnFail), msg)).Runs[0].Results {
		if u := r.Locations[0].PhysicalLocation.ArtifactLocation.URI; u != "mail/in.mbox" {
			t.Errorf("result %s of a message read from mail/in.mbox#2 points at %q", r.RuleID, u)
		}
	}
	for in, want := range map[string]string{"a.eml": "a.eml", "b.mbox#12": "b.mbox", "-": "", "c#d.eml": "c#d.eml", "x#": "x#", "": ""} {
		if got := SourceFile(in); got != want {
			t.Errorf("SourceFile(%q) = %q, want %q", in, got, want)
		}
	}
	// Locate points the results at a file and line.
	opt := ciOptions(FailOnFail)
	opt.Locate = func(target, source string) (string, int) { return "ops/relayctl.yaml", 7 }
	for _, r := range parse(renderCI(t, FormatSARIF, opt, failing())).Runs[0].Results {
		pl := r.Locations[0].PhysicalLocation
		if pl.ArtifactLocation.URI != "ops/relayctl.yaml" || pl.Region.StartLine != 7 {
			t.Errorf("result %s points at %s:%d, want ops/relayctl.yaml:7", r.RuleID, pl.ArtifactLocation.URI, pl.Region.StartLine)
		}
	}
}

func TestMarkdownEscapes(t *testing.T) {
	out := renderCI(t, FormatMarkdown, ciOptions(FailOnFail), awkward())
	for _, bad := range []string{"<script>", "<b>", "pipes|and", "\x01", "record `v=spf1", " | <"} {
		if strings.Contains(out, bad) {
			t.Errorf("markdown carries %q unescaped:\n%s", bad, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| ") && strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") != 7 {
			t.Errorf("table row with a stray pipe: %s", line)
		}
	}
}
