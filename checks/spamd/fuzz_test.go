package spamd

import (
	"bufio"
	"bytes"
	"math"
	"testing"
)

// Whatever a server sends, the reply reader returns a reply or an error,
// within its bounds, and never panics.
func FuzzReadReply(f *testing.F) {
	for _, s := range []string{
		report("True ; 1001.9 / 5.0", table),
		"SPAMD/1.5 0 PONG\r\n",
		"SPAMD/1.0 76 Bad header line: x\r\n",
		"SPAMD/1.1 0 EX_OK\nSpam: No ; 0 / 5\n\n",
		"SPAMD/1.1 0 EX_OK\r\nContent-length: 5\r\n\r\nab",
		"\x00\xff\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, method := range []string{"REPORT", "PING"} {
			br := bufio.NewReaderSize(bytes.NewReader(data), maxLine)
			r, err := readReply(br, method)
			if err != nil {
				continue
			}
			if len(r.body) > MaxReportSize {
				t.Fatalf("%s: body of %d bytes", method, len(r.body))
			}
			if r.spam != nil && (math.IsNaN(r.spam.score) || math.IsInf(r.spam.score, 0)) {
				t.Fatalf("%s: score %v", method, r.spam.score)
			}
		}
	})
}

// Any report text gives rules with valid names and finite points.
func FuzzParseTable(f *testing.F) {
	f.Add(table)
	f.Add("---- ---- ----\n 1.0 A b\n      c\n")
	f.Fuzz(func(t *testing.T, text string) {
		rules, ok := parseTable(text)
		if !ok && rules != nil {
			t.Fatal("rules without a table")
		}
		for _, r := range rules {
			if !validRuleName(r.Name) || math.IsNaN(r.Points) || math.IsInf(r.Points, 0) {
				t.Fatalf("rule %+v", r)
			}
		}
	})
}
