package spamd

import (
	"strings"
)

// Report is spamd's answer to a REPORT request.
type Report struct {
	// Server is the spamd asked (HOST:PORT).
	Server string `json:"server"`
	// Protocol is the version spamd answered with ("SPAMD/1.1").
	Protocol string `json:"protocol"`
	// Size is the size of the message sent, in bytes.
	Size int `json:"size"`
	// Spam is spamd's verdict: the score is at or over the threshold.
	Spam bool `json:"spam"`
	// Score is the message's score; Threshold the score at which spamd
	// calls a message spam (required_score, 5.0 by default).
	Score     float64 `json:"score"`
	Threshold float64 `json:"threshold"`
	// Rules are the rules that hit, in the order the report lists them.
	Rules []Rule `json:"rules"`
	// Table says whether the report had a rule table. A site may change
	// the report's template; without a table Rules is empty even when
	// rules hit, and Text is all there is.
	Table bool `json:"table"`
	// Text is the report as spamd sent it (at most MaxReportSize bytes).
	Text string `json:"-"`
}

// Rule is one rule that hit: its points (negative for rules that speak
// for the message), its name and its description.
type Rule struct {
	Name        string  `json:"name"`
	Points      float64 `json:"points"`
	Description string  `json:"description"`
}

// parseTable finds the rule table in a report and reads its rows. The
// table looks like this (the header line is translated in other
// languages; the dashes are not):
//
//	 pts rule name              description
//	---- ---------------------- --------------------------------------------------
//	-0.0 NO_RELAYS              Informational: message was not relayed via SMTP
//	 0.1 TVD_PH_SEC             BODY: Message includes a phrase commonly used in phishing
//	                            mails
//	1000 GTUBE                  BODY: Generic Test for Unsolicited Bulk Email
//
// The dashes give the columns: a row starts left of the rule-name column
// (points are right-aligned under theirs); a line indented to the name
// column or beyond continues the previous row's description. A blank
// line, or a line that is neither, ends the table.
func parseTable(text string) ([]Rule, bool) {
	lines := strings.Split(text, "\n")
	start, nameCol := -1, 0
	for i, l := range lines {
		if c, ok := separator(strings.TrimRight(l, " \t\r")); ok {
			start, nameCol = i+1, c
			break
		}
	}
	if start < 0 {
		return nil, false
	}
	rules := []Rule{}
	for _, l := range lines[start:] {
		l = strings.ToValidUTF8(strings.TrimRight(l, " \t\r"), "?")
		if l == "" {
			break
		}
		indent := len(l) - len(strings.TrimLeft(l, " \t"))
		if indent >= nameCol {
			if len(rules) == 0 {
				break
			}
			last := &rules[len(rules)-1]
			last.Description = strings.TrimSpace(last.Description + " " + strings.TrimSpace(l))
			continue
		}
		r, ok := parseRow(l)
		if !ok {
			break
		}
		rules = append(rules, r)
	}
	return rules, true
}

// separator reports whether l is the table's line of dashes ("----
// ------ ---…": at least three runs, at the left margin) and returns the
// column where the second run, the rule names, starts.
func separator(l string) (int, bool) {
	if !strings.HasPrefix(l, "---") || strings.Trim(l, "- ") != "" {
		return 0, false
	}
	runs := strings.Fields(l)
	if len(runs) < 3 {
		return 0, false
	}
	return strings.Index(l, " "+runs[1]) + 1, true
}

// parseRow reads "points NAME description".
func parseRow(l string) (Rule, bool) {
	f := strings.Fields(l)
	if len(f) < 2 || !validRuleName(f[1]) {
		return Rule{}, false
	}
	pts, err := parsePoints(f[0])
	if err != nil {
		return Rule{}, false
	}
	rest := strings.TrimSpace(l)
	rest = strings.TrimSpace(rest[len(f[0]):])
	desc := strings.TrimSpace(rest[len(f[1]):])
	return Rule{Name: f[1], Points: pts, Description: desc}, true
}

// validRuleName: SpamAssassin rule names are letters, digits and '_'.
func validRuleName(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
