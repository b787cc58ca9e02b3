package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/relayctl/relayctl/checks"
)

// SARIF 2.1.0 (OASIS, "Static Analysis Results Interchange Format"), the
// subset relayctl fills in: one run whose driver lists a rule per finding
// code seen, and one result per finding. A domain is no file, so a
// result's location is a logical one (§3.33): the target, and the check.
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
	Help             *sarifMessage `json:"help,omitempty"`
	HelpURI          string        `json:"helpUri,omitempty"`
}

type sarifMessage struct {
	Text string `json:"text"`
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
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifLocation struct {
	LogicalLocations []sarifLogical `json:"logicalLocations"`
}

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

func sarifWhere(target, check string) []sarifLocation {
	l := sarifLogical{Name: target, FullyQualifiedName: target, Kind: "module"}
	if check != "" {
		l = sarifLogical{Name: check, FullyQualifiedName: target + "/" + check, Kind: "member"}
	}
	return []sarifLocation{{LogicalLocations: []sarifLogical{l}}}
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
		if rep.Error != "" {
			inv.Notifications = append(inv.Notifications, sarifNotification{Level: "error",
				Message: sarifMessage{Text: rep.Error}, Locations: sarifWhere(rep.Target, "")})
		}
		for _, c := range rep.Checks {
			if c.Status == checks.StatusError {
				inv.Notifications = append(inv.Notifications, sarifNotification{Level: "error",
					Message: sarifMessage{Text: cmp.Or(c.Error, c.Summary, "the check reached no verdict")}, Locations: sarifWhere(rep.Target, c.Name)})
			}
			for _, f := range c.Findings {
				codes[f.Code] = true
				msg := f.Message
				if f.Hint != "" {
					msg += " (" + f.Hint + ")"
				}
				run.Results = append(run.Results, sarifResult{RuleID: f.Code, Level: sarifLevel(f.Severity),
					Message: sarifMessage{Text: msg}, Locations: sarifWhere(rep.Target, c.Name)})
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
				r.Help = &sarifMessage{Text: ci.Fix}
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
