package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks/bounce"
)

func bounceRecords() []bounce.Record {
	return []bounce.Record{
		{Source: "box/a.eml", Recipient: "ann@far.example", Reason: "userunknown", Hard: true, Status: "5.1.1",
			ReplyCode: 550, Action: "failed", Diagnostic: "550 5.1.1 <ann@far.example>: User unknown", Agent: "postfix"},
		{Source: "box/b.mbox#2", Recipient: "ben@near.example", Reason: "mailboxfull", Status: "4.2.2",
			Diagnostic: "452 4.2.2 Mailbox full\x1b[31m", Agent: "exim"},
		{Source: "box/c.eml", Recipient: "cat@isp.example", Reason: "feedback", Agent: "arf", FeedbackType: "abuse"},
	}
}

func bounceSummary(recs []bounce.Record) *bounce.Summary {
	s := &bounce.Summary{Messages: 4, Bounces: 2, Feedback: 1, NotBounce: 1}
	for i := range recs {
		s.AddRecord(&recs[i])
	}
	s.Finish()
	return s
}

func renderBounce(t *testing.T, f Format, opt Options, summaryOnly bool) string {
	t.Helper()
	var out bytes.Buffer
	w, err := NewBounceWriter(f, &out, opt, summaryOnly)
	if err != nil {
		t.Fatal(err)
	}
	recs := bounceRecords()
	for i := range recs {
		if err := w.Write(&recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(bounceSummary(recs)); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestBounceTable(t *testing.T) {
	plain := renderBounce(t, FormatTable, Options{}, false)
	golden(t, "plain", plain)
	if strings.Contains(plain, "\x1b") {
		t.Error("an escape sequence from a diagnostic reached the table")
	}
	golden(t, "color", renderBounce(t, FormatTable, Options{Color: true}, false))
	golden(t, "summary", renderBounce(t, FormatTable, Options{}, true))
}

func TestBounceJSON(t *testing.T) {
	var recs []map[string]any
	if err := json.Unmarshal([]byte(renderBounce(t, FormatJSON, Options{}, false)), &recs); err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[0]["recipient"] != "ann@far.example" || recs[0]["hard"] != true ||
		recs[2]["feedback_type"] != "abuse" || recs[1]["source"] != "box/b.mbox#2" {
		t.Errorf("records: %v", recs)
	}
	if _, ok := recs[1]["hard"]; !ok {
		t.Error("hard is always present")
	}

	lines := strings.Split(strings.TrimSpace(renderBounce(t, FormatNDJSON, Options{}, false)), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d NDJSON lines", len(lines))
	}
	if !strings.Contains(lines[0], `"diagnostic":"550 5.1.1 <ann@far.example>: User unknown"`) {
		t.Errorf("HTML-escaped or changed: %s", lines[0])
	}

	var s map[string]any
	if err := json.Unmarshal([]byte(renderBounce(t, FormatJSON, Options{}, true)), &s); err != nil {
		t.Fatal(err)
	}
	if s["messages"] != float64(4) || s["hard"] != float64(1) || s["soft"] != float64(1) {
		t.Errorf("summary: %v", s)
	}
	var empty bytes.Buffer
	w, _ := NewBounceWriter(FormatJSON, &empty, Options{}, false)
	if err := w.Close(&bounce.Summary{}); err != nil || empty.String() != "[]\n" {
		t.Errorf("no records: %q %v", empty.String(), err)
	}
}
