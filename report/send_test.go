package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/send"
)

func sendFixtures() []send.Record {
	started := time.Date(2026, 11, 26, 21, 0, 0, 0, time.UTC)
	return []send.Record{
		{Row: 1, Server: "smtp.example.net:587", TLS: send.TLSInfo{Mode: "starttls", Version: "TLS1.3", Cipher: "TLS_AES_128_GCM_SHA256", ServerName: "smtp.example.net", Verified: true},
			Auth: "PLAIN", From: "me@example.net", To: []string{"you@example.org"}, Accepted: []string{"you@example.org"}, Rejected: []send.Rejection{},
			Result: send.ResultSent, Reply: "250 2.0.0 Ok: queued as 4XyZ1abcd", QueueID: "4XyZ1abcd", MessageID: "<a1@example.net>",
			Size: 812, Attempts: 1, Started: started, Duration: 84},
		{Row: 2, Server: "smtp.example.net:587", TLS: send.TLSInfo{Mode: "starttls", Version: "TLS1.3", Verified: true},
			From: "me@example.net", To: []string{"ok@example.org", "nobody@example.org"}, Accepted: []string{"ok@example.org"},
			Rejected: []send.Rejection{{Recipient: "nobody@example.org", Code: 550, Status: "5.1.1", Text: "5.1.1 <nobody@example.org>: User unknown\x1b[31m"}},
			Result:   send.ResultRejected, Failure: send.FailureRecipient, Reply: "250 2.0.0 Ok: queued as 4XyZ2", QueueID: "4XyZ2",
			MessageID: "<a2@example.net>", Attempts: 1, Started: started, Duration: 60},
		{Row: 3, Server: "127.0.0.1:1", TLS: send.TLSInfo{Mode: "none"}, From: "me@example.net", To: []string{"x@example.org"},
			Result: send.ResultFailed, Failure: send.FailureConnect, Error: "connect to 127.0.0.1:1: connection refused",
			Attempts: 3, Started: started, Duration: 3},
		{Row: 4, Server: "smtp.example.net:587", TLS: send.TLSInfo{Mode: "implicit", Version: "TLS1.2", Verified: false},
			From: "", To: []string{"y@example.org"}, Result: send.ResultUnknown, Failure: send.FailureTimeout,
			Error:    "no reply to the final dot within 1m0s (timed out); the server may have queued the message, so it was not sent again",
			Attempts: 1, Started: started, Duration: 60001},
	}
}

func TestSendTable(t *testing.T) {
	recs := sendFixtures()
	for i, r := range recs {
		var b bytes.Buffer
		w, _ := NewSendWriter(FormatTable, &b, Options{}, true)
		w.Write(r)
		w.Close()
		golden(t, []string{"sent", "rejected", "failed", "unknown"}[i], b.String())
		if strings.ContainsRune(b.String(), 0x1b) {
			t.Errorf("an escape from a reply reached the table")
		}
	}
	var b bytes.Buffer
	w, _ := NewSendWriter(FormatTable, &b, Options{}, false)
	for _, r := range recs {
		w.Write(r)
	}
	w.Close()
	golden(t, "batch", b.String())
	// With colour, the result is coloured and nothing else changes.
	var c bytes.Buffer
	cw, _ := NewSendWriter(FormatTable, &c, Options{Color: true}, true)
	cw.Write(recs[1])
	cw.Close()
	if !strings.Contains(c.String(), "\x1b[") || !strings.Contains(c.String(), "rejected") || !strings.Contains(c.String(), "queue id    4XyZ2") {
		t.Errorf("colour table:\n%q", c.String())
	}
	if !strings.HasSuffix(b.String(), "4 messages: 1 sent, 1 rejected, 1 failed, 1 unknown\n") {
		t.Errorf("summary:\n%s", b.String())
	}
}

func TestSendJSONShapes(t *testing.T) {
	recs := sendFixtures()
	var b bytes.Buffer
	w, _ := NewSendWriter(FormatJSON, &b, Options{}, true)
	w.Write(recs[2])
	w.Close()
	var obj map[string]any
	if err := json.Unmarshal(b.Bytes(), &obj); err != nil {
		t.Fatal(err)
	}
	// Arrays are never null; the message id's angle brackets are not escaped.
	if _, ok := obj["accepted"].([]any); !ok {
		t.Errorf("accepted is %T", obj["accepted"])
	}
	if _, ok := obj["rejected"].([]any); !ok {
		t.Errorf("rejected is %T", obj["rejected"])
	}
	b.Reset()
	w, _ = NewSendWriter(FormatJSON, &b, Options{}, true)
	w.Write(recs[0])
	w.Close()
	if !strings.Contains(b.String(), `"message_id": "<a1@example.net>"`) {
		t.Errorf("escaped: %s", b.String())
	}
	b.Reset()
	w, _ = NewSendWriter(FormatJSON, &b, Options{}, false)
	for _, r := range recs {
		w.Write(r)
	}
	w.Close()
	var arr []map[string]any
	if err := json.Unmarshal(b.Bytes(), &arr); err != nil || len(arr) != 4 {
		t.Errorf("array: %v %d", err, len(arr))
	}
	b.Reset()
	w, _ = NewSendWriter(FormatNDJSON, &b, Options{}, false)
	for _, r := range recs {
		w.Write(r)
	}
	w.Close()
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines", len(lines))
	}
	for i, l := range lines {
		if err := json.Unmarshal([]byte(l), &obj); err != nil || obj["row"].(float64) != float64(i+1) {
			t.Errorf("line %d: %v %v", i+1, err, obj["row"])
		}
	}
}

func TestSendTallyExit(t *testing.T) {
	cases := []struct {
		results []send.Result
		want    Exit
	}{
		{[]send.Result{send.ResultSent, send.ResultSent}, ExitOK},
		{[]send.Result{send.ResultSent, send.ResultFailed}, ExitIncomplete},
		{[]send.Result{send.ResultUnknown}, ExitIncomplete},
		{[]send.Result{send.ResultPartial, send.ResultFailed}, ExitGate},
		{[]send.Result{send.ResultTested, send.ResultSent}, ExitOK},
		{[]send.Result{send.ResultFailed, send.ResultRejected, send.ResultUnknown}, ExitGate},
		{nil, ExitOK},
	}
	for _, c := range cases {
		var tally SendTally
		for _, r := range c.results {
			tally.Add(send.Record{Result: r})
		}
		if tally.Exit() != c.want {
			t.Errorf("%v: %d, want %d", c.results, tally.Exit(), c.want)
		}
	}
}

// The table shows what a record adds for MX delivery, --quit-after and
// DKIM: deliveries per domain, notes, the stop, the signature.
func TestSendTableExtras(t *testing.T) {
	rec := send.Record{From: "me@example.net", To: []string{"a@a.example", "b@b.example"}, Result: send.ResultPartial,
		StoppedAfter: "", Notes: []string{"the TLS certificate of mx.a.example was not verified"},
		DKIM: &send.DKIMInfo{Domain: "example.net", Selector: "s1", Algorithm: "ed25519-sha256"},
		Deliveries: []send.Delivery{
			{Domain: "a.example", Server: "192.0.2.1:25", TLS: send.TLSInfo{Mode: "starttls", Version: "TLS1.3"}, Result: send.ResultSent, QueueID: "Q1"},
			{Domain: "b.example", Result: send.ResultRejected, Error: "550 no such user"},
		}}
	var b bytes.Buffer
	w, _ := NewSendWriter(FormatTable, &b, Options{}, true)
	w.Write(rec)
	for _, want := range []string{"delivery    a.example  sent  192.0.2.1:25 (starttls TLS1.3, certificate NOT verified)  queued as Q1\n",
		"delivery    b.example  rejected  550 no such user\n", "note        the TLS certificate of mx.a.example was not verified\n",
		"dkim        d=example.net s=s1 a=ed25519-sha256\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
	b.Reset()
	w, _ = NewSendWriter(FormatTable, &b, Options{}, true)
	w.Write(send.Record{Result: send.ResultTested, StoppedAfter: "rcpt"})
	if !strings.Contains(b.String(), "result      tested\n") || !strings.Contains(b.String(), "stopped     rcpt\n") {
		t.Errorf("tested:\n%s", b.String())
	}
}
