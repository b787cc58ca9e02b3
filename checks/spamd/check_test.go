package spamd

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/relayctl/relayctl/checks"
)

func codes(res checks.Result) []string {
	var c []string
	for _, f := range res.Findings {
		c = append(c, f.Code+" "+string(f.Severity)+" "+f.Message)
	}
	return c
}

// Check turns spamd's answer into findings: the verdict first, then
// every rule hit in spamd's order.
func TestCheck(t *testing.T) {
	ctx := context.Background()

	f := startFake(t, answer(report("True ; 1001.9 / 5.0", table)))
	res := Check(ctx, &Client{Addr: f.addr}, testMsg)
	want := []string{
		"spamd.spam fail SpamAssassin calls the message spam: it scores 1001.9, at or over the threshold of 5.0",
		"spamd.rule info MISSING_DATE: 2.7 points: Missing Date: header",
		"spamd.rule info NO_RELAYS: -0.0 points: Informational: message was not relayed via SMTP",
		"spamd.rule info BAYES_00: -1.9 points: BODY: Bayes spam probability is 0 to 1% [score: 0.0000]",
		"spamd.rule info TVD_PH_SEC: 0.1 points: BODY: Message includes a phrase commonly used in phishing mails",
		"spamd.rule info GTUBE: 1000.0 points: BODY: Generic Test for Unsolicited Bulk Email",
		"spamd.rule info ADVANCE_FEE_4_NEW_MONEY: 1.0 points: Advance Fee fraud and lots of money",
		"spamd.rule info no_desc_rule: 0.0 points",
	}
	if got := codes(res); !reflect.DeepEqual(got, want) {
		t.Errorf("findings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if res.Status != checks.StatusFail || res.Name != "spamd "+f.addr || res.Summary != "spam: score 1001.9, threshold 5.0" {
		t.Errorf("status %s name %q summary %q", res.Status, res.Name, res.Summary)
	}
	if res.Findings[0].Hint == "" {
		t.Error("no hint on spamd.spam")
	}
	// The data is the report, rules and all; the raw text stays out of JSON.
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Data struct {
			Spam      bool    `json:"spam"`
			Score     float64 `json:"score"`
			Threshold float64 `json:"threshold"`
			Rules     []Rule  `json:"rules"`
			Size      int     `json:"size"`
			Server    string  `json:"server"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if d := back.Data; !d.Spam || d.Score != 1001.9 || d.Threshold != 5 || len(d.Rules) != 7 || d.Rules[2].Points != -1.9 || d.Size != len(testMsg) || d.Server != f.addr {
		t.Errorf("JSON data %+v", back.Data)
	}
	if bytes.Contains(b, []byte("A preamble")) {
		t.Error("the report text is in the JSON")
	}

	f = startFake(t, answer(report("False ; 2.7 / 5.0", table[:strings.Index(table, "-0.0")])))
	res = Check(ctx, &Client{Addr: f.addr}, testMsg)
	want = []string{
		"spamd.score info SpamAssassin scores the message 2.7, under the threshold of 5.0",
		"spamd.rule info MISSING_DATE: 2.7 points: Missing Date: header",
	}
	if got := codes(res); !reflect.DeepEqual(got, want) || res.Status != checks.StatusOK || res.Summary != "not spam: score 2.7, threshold 5.0" {
		t.Errorf("not spam: status %s summary %q findings %q", res.Status, res.Summary, got)
	}
}

func TestCheckNotScanned(t *testing.T) {
	f := startFake(t, answer(report("True ; 6 / 5", table)))
	res := Check(context.Background(), &Client{Addr: f.addr, MaxSize: 20}, testMsg)
	want := []string{"spamd.not-scanned warn the message is 63 bytes, over the 20-byte limit (spamc's default --max-size); it was not sent to spamd"}
	if got := codes(res); !reflect.DeepEqual(got, want) || res.Status != checks.StatusWarn {
		t.Errorf("status %s findings %q", res.Status, got)
	}
	if d, ok := res.Data.(*NotScanned); !ok || *d != (NotScanned{Server: f.addr, Size: 63, MaxSize: 20}) {
		t.Errorf("data %#v", res.Data)
	}
	if f.conns.Load() != 0 {
		t.Error("a message over the limit was sent")
	}
}

// A spamd that answers badly gives status error with its reason, in
// words for a person (no package prefix).
func TestCheckError(t *testing.T) {
	f := startFake(t, answer("SPAMD/1.0 76 Bad header line: x\r\n"))
	res := Check(context.Background(), &Client{Addr: f.addr}, testMsg)
	if res.Status != checks.StatusError || res.Error != "spamd answered 76 (EX_PROTOCOL): Bad header line: x" || len(res.Findings) != 0 || res.Findings == nil {
		t.Errorf("status %s error %q findings %v", res.Status, res.Error, res.Findings)
	}
	f = startFake(t, answer("garbage\r\n"))
	res = Check(context.Background(), &Client{Addr: f.addr}, testMsg)
	if res.Status != checks.StatusError || res.Error != `not a spamd reply: "garbage"` {
		t.Errorf("status %s error %q", res.Status, res.Error)
	}
}
