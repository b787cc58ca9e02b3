package report

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/relayctl/relayctl/checks"
)

// SARIF 2.1.0 (OASIS, "Static Analysis Results Interchange Format"), the
// subset relayctl fills in: one run whose driver lists a rule per finding
// code seen, and one result per finding. A result's location is logical
// (§3.33: the target, and the check) and physical (§3.29) as well:
// GitHub code scanning refuses a result without a file to show it on, so
// the physical location is the file Options.Locate names (the policy file
// line that speaks of the domain, or the message file read) or else a
// path named for the target. A partial fingerprint (§3.27.17) of target,
// check and code keeps an alert the same alert from one run to the next
// whatever the message says.
const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	toolURI      = "https://github.com/relayctl/relayctl"
)

// NewSARIF returns the -o sarif writer: one SARIF log on Close, for GitHub
// code scanning and other SARIF readers (docs/ci.md).
func NewSARIF(w io.Writer, opt Options) Writer {
	return &document{w: w, opt: opt, render: renderSARIF}
}

type sarifLog struct {
	Version string     `json:"version"`
	Schema  string     `json:"$schema"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string        `json:"id"`
	ShortDescription *sarifMessage `json:"shortDescription,omitempty"`
	FullDescription  *sarifMessage `json:"fullDescription,omitempty"`
	Help             *sarifMessage `json:"help,omitempty"`
	HelpURI          string        `json:"helpUri,omitempty"`
}

type sarifMessage struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool                `json:"executionSuccessful"`
	Notifications       []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID       string            `json:"ruleId"`
	RuleIndex    int               `json:"ruleIndex"`
	Level        string            `json:"level"`
	Message      sarifMessage      `json:"message"`
	Locations    []sarifLocation   `json:"locations"`
	Fingerprints map[string]string `json:"partialFingerprints,omitempty"`
}

type sarifLocation struct {
	Physical         *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations"`
}

type sarifPhysical struct {
	Artifact sarifArtifact `json:"artifactLocation"`
	Region   sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

// fingerprintKey names relayctl's partial fingerprint; the version
// changes if what it hashes ever does.
const fingerprintKey = "relayctlFinding/v1"

type sarifLogical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

// sarifLevel maps a severity to a result's level (§3.27.10).
func sarifLevel(s checks.Severity) string {
	switch s {
	case checks.SeverityFail:
		return "error"
	case checks.SeverityWarn:
		return "warning"
	}
	return "note"
}

// sarifPlace is the physical location of every result about rep: the
// file Options.Locate names, else the source's file, else a path named
// for the target. It is worked out once a report (Locate may ask the
// file system).
func sarifPlace(opt Options, rep checks.Report) *sarifPhysical {
	path, line := "", 1
	if opt.Locate != nil {
		path, line = opt.Locate(rep.Target, rep.Source)
	}
	if path == "" {
		path, line = SourceFile(rep.Source), 1
	}
	if path == "" {
		path = rep.Target
	}
	return &sarifPhysical{Artifact: sarifArtifact{URI: artifactURI(path)}, Region: sarifRegion{StartLine: max(line, 1)}}
}

// sarifWhere is a result's one location: place, and the target's check
// (or the target alone, for check "") as its logical location.
func sarifWhere(place *sarifPhysical, target, check string) []sarifLocation {
	l := sarifLogical{Name: target, FullyQualifiedName: target, Kind: "module"}
	if check != "" {
		l = sarifLogical{Name: check, FullyQualifiedName: target + "/" + check, Kind: "member"}
	}
	return []sarifLocation{{Physical: place, LogicalLocations: []sarifLogical{l}}}
}

// SourceFile is the file of a report's source: the source without the
// "#N" that numbers a message of an mbox; "" for standard input ("-") or
// no source.
func SourceFile(source string) string {
	if i := strings.LastIndexByte(source, '#'); i > 0 && strings.Trim(source[i+1:], "0123456789") == "" && i+1 < len(source) {
		source = source[:i]
	}
	if source == "-" {
		return ""
	}
	return source
}

// artifactURI writes path as a relative URI reference (RFC 3986 §4.2):
// each segment percent-encoded, and a colon too, so that an IPv6 address
// or a name with a colon cannot read as a scheme. An empty path (a
// report with no target) is "-", what relayctl calls standard input.
func artifactURI(path string) string {
	if path == "" {
		return "-"
	}
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = strings.ReplaceAll(url.PathEscape(s), ":", "%3A")
	}
	return strings.Join(segs, "/")
}

// fingerprint is the partial fingerprint of the n-th finding (from 0)
// with code in target's check.
func fingerprint(target, check, code string, n int) string {
	h := sha256.Sum256([]byte(target + "\x00" + check + "\x00" + code + "\x00" + strconv.Itoa(n)))
	return hex.EncodeToString(h[:16])
}

func renderSARIF(w io.Writer, opt Options, reps []checks.Report) error {
	run := sarifRun{
		Tool:        sarifTool{Driver: sarifDriver{Name: "relayctl", Version: opt.Version, InformationURI: toolURI, Rules: []sarifRule{}}},
		Invocations: []sarifInvocation{{ExecutionSuccessful: true}},
		Results:     []sarifResult{},
	}
	inv := &run.Invocations[0]
	codes := map[string]bool{}
	for _, rep := range reps {
		place := sarifPlace(opt, rep)
		if rep.Error != "" {
			inv.Notifications = append(inv.Notifications, sarifNotification{Level: "error",
				Message: sarifMessage{Text: rep.Error}, Locations: sarifWhere(place, rep.Target, "")})
		}
		for _, c := range rep.Checks {
			if c.Status == checks.StatusError {
				inv.Notifications = append(inv.Notifications, sarifNotification{Level: "error",
					Message: sarifMessage{Text: cmp.Or(c.Error, c.Summary, "the check reached no verdict")}, Locations: sarifWhere(place, rep.Target, c.Name)})
			}
			seen := map[string]int{}
			for _, f := range c.Findings {
				codes[f.Code] = true
				msg := f.Message
				if f.Hint != "" {
					msg += " (" + f.Hint + ")"
				}
				n := seen[f.Code]
				seen[f.Code]++
				run.Results = append(run.Results, sarifResult{RuleID: f.Code, Level: sarifLevel(f.Severity),
					Message: sarifMessage{Text: msg}, Locations: sarifWhere(place, rep.Target, c.Name),
					Fingerprints: map[string]string{fingerprintKey: fingerprint(rep.Target, c.Name, f.Code, n)}})
			}
		}
	}
	inv.ExecutionSuccessful = len(inv.Notifications) == 0

	ids := make([]string, 0, len(codes))
	for c := range codes {
		ids = append(ids, c)
	}
	slices.Sort(ids)
	index := map[string]int{}
	for i, id := range ids {
		index[id] = i
		r := sarifRule{ID: id}
		if opt.Codes != nil {
			if ci, ok := opt.Codes(id); ok {
				r.ShortDescription = &sarifMessage{Text: ci.Meaning}
				if ci.Why != "" {
					r.FullDescription = &sarifMessage{Text: ci.Meaning + ". " + ci.Why}
				}
				r.Help = ruleHelp(ci)
				r.HelpURI = ci.HelpURI
			}
		}
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, r)
	}
	for i := range run.Results {
		run.Results[i].RuleIndex = index[run.Results[i].RuleID]
	}
	// Deterministic order whatever order the targets finished in: by
	// target and check, then rule, then message.
	slices.SortStableFunc(run.Results, func(a, b sarifResult) int {
		return cmp.Or(
			cmp.Compare(a.Locations[0].LogicalLocations[0].FullyQualifiedName, b.Locations[0].LogicalLocations[0].FullyQualifiedName),
			cmp.Compare(a.RuleID, b.RuleID),
			cmp.Compare(a.Message.Text, b.Message.Text))
	})
	b, err := json.MarshalIndent(sarifLog{Version: sarifVersion, Schema: sarifSchema, Runs: []sarifRun{run}}, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// ruleHelp is a rule's help (§3.49.14): the fix, then an example of what
// yields the finding, in text and in Markdown (GitHub shows the latter).
func ruleHelp(ci CodeInfo) *sarifMessage {
	text := "Fix: " + ci.Fix
	md := "**Fix:** " + ci.Fix
	if ci.Example != "" {
		text += "\nExample: " + ci.Example
		md += "\n\n**Example:** " + ci.Example
	}
	if ci.HelpURI != "" {
		text += "\nSee " + ci.HelpURI
		md += "\n\nSee " + ci.HelpURI
	}
	return &sarifMessage{Text: text, Markdown: md}
}
