package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/relayctl/relayctl/checks"
)

// NewJUnit returns the -o junit writer: one JUnit XML document, the shape
// GitLab's and Jenkins' test report readers take (docs/contract.md), with
// one testsuite per target and one testcase per check. A check the gate
// fails (--fail-on: fail, or warn too when the gate is warn) carries a
// failure element; a check with no verdict an error element; a check with
// nothing to judge (status info, no finding above info) is skipped.
// encoding/xml escapes the text and replaces what XML 1.0 cannot carry
// (§2.2) with U+FFFD.
func NewJUnit(w io.Writer, opt Options) Writer {
	return &document{w: w, opt: opt, render: renderJUnit}
}

// junitCounts are the attributes testsuites and testsuite share. Jenkins'
// schema (the one its JUnit plugin and GitLab read) has no skipped
// attribute on testsuites, so only a testsuite counts its skipped cases.
type junitCounts struct {
	Name     string `xml:"name,attr"`
	Tests    int    `xml:"tests,attr"`
	Failures int    `xml:"failures,attr"`
	Errors   int    `xml:"errors,attr"`
	Time     string `xml:"time,attr"`
}

func (c *junitCounts) add(o junitCounts) {
	c.Tests += o.Tests
	c.Failures += o.Failures
	c.Errors += o.Errors
}

type junitSuites struct {
	XMLName xml.Name `xml:"testsuites"`
	junitCounts
	Suites []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	junitCounts
	Skipped    int             `xml:"skipped,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Skipped   *junitSkipped `xml:"skipped"`
	Error     *junitMessage `xml:"error"`
	Failure   *junitMessage `xml:"failure"`
	SystemOut string        `xml:"system-out,omitempty"`
}

// junitSkipped is a skipped element: text only, which is all Jenkins'
// schema allows it (no message attribute).
type junitSkipped struct {
	Text string `xml:",chardata"`
}

type junitMessage struct {
	Message string `xml:"message,attr,omitempty"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

func renderJUnit(w io.Writer, opt Options, reps []checks.Report) error {
	doc := junitSuites{junitCounts: junitCounts{Name: "relayctl"}}
	var total int64
	for _, rep := range reps {
		s := junitSuite{
			junitCounts: junitCounts{Name: rep.Command + " " + rep.Target, Time: seconds(rep.DurationMS)},
			Properties: []junitProperty{
				{Name: "command", Value: rep.Command},
				{Name: "target", Value: rep.Target},
				{Name: "status", Value: string(rep.Status)},
			},
		}
		if !rep.Started.IsZero() {
			s.Timestamp = rep.Started.UTC().Format("2006-01-02T15:04:05")
		}
		if rep.Error != "" {
			// The target could not be checked at all: one testcase says so.
			s.Cases = append(s.Cases, junitCase{Name: "target", Classname: rep.Target, Time: seconds(0),
				Error: &junitMessage{Message: rep.Error, Type: "error", Text: rep.Error}})
		}
		for _, c := range rep.Checks {
			s.Cases = append(s.Cases, junitTestcase(rep.Target, c, opt.FailOn))
		}
		for _, tc := range s.Cases {
			s.Tests++
			switch {
			case tc.Failure != nil:
				s.Failures++
			case tc.Error != nil:
				s.Errors++
			case tc.Skipped != nil:
				s.Skipped++
			}
		}
		doc.add(s.junitCounts)
		total += rep.DurationMS
		doc.Suites = append(doc.Suites, s)
	}
	doc.Time = seconds(total)
	b, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s%s\n", xml.Header, b)
	return err
}

// junitTestcase is one check as a testcase: failure when the gate fails
// it, error when it reached no verdict, skipped when it had nothing to
// judge; its findings are in the failure's text, or in system-out when
// they do not fail it.
func junitTestcase(target string, c checks.Result, failOn FailOn) junitCase {
	tc := junitCase{Name: c.Name, Classname: target, Time: seconds(c.DurationMS)}
	text := junitFindings(c)
	switch {
	case gated(c, failOn):
		msg := c.Summary
		if f := firstAtLeast(c.Findings, checks.SeverityWarn); f != nil {
			msg = f.Code + ": " + f.Message
		}
		tc.Failure = &junitMessage{Message: msg, Type: string(c.Status), Text: text}
	case c.Status == checks.StatusError:
		tc.Error = &junitMessage{Message: c.Error, Type: "error", Text: text}
	case c.Status == checks.StatusInfo && firstAtLeast(c.Findings, checks.SeverityWarn) == nil:
		tc.Skipped = &junitSkipped{Text: c.Summary}
		tc.SystemOut = text
	default:
		tc.SystemOut = text
	}
	return tc
}

// firstAtLeast returns the first finding (worst first) of severity warn
// or fail when least is warn, fail when it is fail.
func firstAtLeast(fs []checks.Finding, least checks.Severity) *checks.Finding {
	for i, f := range fs {
		if severityRank(f.Severity) <= severityRank(least) {
			return &fs[i]
		}
	}
	return nil
}

// junitFindings spells a check's summary, error and findings, one block
// per finding: severity and code, message, hint and reference.
func junitFindings(c checks.Result) string {
	var b strings.Builder
	if c.Summary != "" {
		fmt.Fprintf(&b, "%s\n", c.Summary)
	}
	if c.Error != "" && c.Error != c.Summary {
		fmt.Fprintf(&b, "error: %s\n", c.Error)
	}
	for _, f := range c.Findings {
		fmt.Fprintf(&b, "[%s] %s: %s\n", f.Severity, f.Code, f.Message)
		if f.Hint != "" {
			fmt.Fprintf(&b, "  hint: %s\n", f.Hint)
		}
		if f.Ref != "" {
			fmt.Fprintf(&b, "  ref: %s\n", f.Ref)
		}
	}
	if len(c.Ignored) > 0 {
		fmt.Fprintf(&b, "ignored: %s\n", strings.Join(c.Ignored, ", "))
	}
	return b.String()
}

// seconds is a duration in milliseconds as JUnit's time attribute: seconds
// with three decimals.
func seconds(ms int64) string {
	return fmt.Sprintf("%d.%03d", ms/1000, ms%1000)
}
