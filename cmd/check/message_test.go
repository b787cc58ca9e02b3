package check

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/relayctl/relayctl/checks/message"
	"github.com/relayctl/relayctl/checks/send"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

const (
	msgZone = "../../testdata/message/example.com.zone"
	msgKey  = "../../testdata/message/ed25519.pem"
)

// msgPlain is what the tests sign; msgTrace what the receiver adds.
const msgPlain = "From: Alice <alice@example.com>\r\n" +
	"To: Bob <bob@example.net>\r\n" +
	"Subject: Quarterly figures\r\n" +
	"Date: Tue, 1 Dec 2026 10:00:00 +0000\r\n" +
	"Message-ID: <%s@example.com>\r\n" +
	"\r\n" +
	"Hello Bob,\r\n" +
	"the figures are attached.\r\n"

const msgTrace = "Return-Path: <bounce@example.com>\r\n" +
	"Received: from mail.example.com (mail.example.com [192.0.2.10])\r\n" +
	"\tby mx.example.net (Postfix) with ESMTPS id 4dQxYz1abc\r\n" +
	"\tfor <bob@example.net>; Tue, 1 Dec 2026 10:00:05 +0000 (UTC)\r\n"

// sendSigned is the message signed by checks/send's DKIM signer (what
// relayctl send --dkim-key does) as d=example.com with selector sel.
func sendSigned(t *testing.T, id, sel string) string {
	t.Helper()
	pem, err := os.ReadFile(msgKey)
	if err != nil {
		t.Fatal(err)
	}
	k, err := send.ParseDKIMKey(pem)
	if err != nil {
		t.Fatal(err)
	}
	s, err := send.NewDKIMSigner(k, "example.com", sel)
	if err != nil {
		t.Fatal(err)
	}
	m := &send.Message{Data: []byte(fmt.Sprintf(msgPlain, id))}
	if err := s.Sign(m); err != nil {
		t.Fatal(err)
	}
	return msgTrace + string(m.Data)
}

// runMessageCmd runs check message with args and returns the reports
// (ndjson) by target and the exit code.
func runMessageCmd(t *testing.T, args ...string) (map[string]map[string]any, []string, int) {
	t.Helper()
	return runMessageWith(t, "", args...)
}

// runMessageWith is runMessageCmd with the policy file policy ("" for
// none).
func runMessageWith(t *testing.T, policy string, args ...string) (map[string]map[string]any, []string, int) {
	t.Helper()
	ios, _, out, _ := cmdutil.Test()
	cmd := NewCmdMessage(ios, &cmdutil.Globals{Output: "ndjson", Zones: []string{msgZone}, Offline: true, Timeout: 2 * time.Second, FailOn: "fail", PolicyFile: policy}, nil)
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := cmd.ExecuteContext(ctx)
	code, _ := cmdutil.ExitCodeOf(err)
	reps := map[string]map[string]any{}
	var order []string
	sc := bufio.NewScanner(bytes.NewReader(out.Bytes()))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var rep map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rep); err != nil {
			t.Fatalf("%v: %s", err, sc.Text())
		}
		target := rep["target"].(string)
		reps[target] = rep
		order = append(order, target)
	}
	return reps, order, int(code)
}

// checkOf returns a report's check by name.
func checkOf(t *testing.T, rep map[string]any, name string) map[string]any {
	t.Helper()
	for _, c := range rep["checks"].([]any) {
		if m := c.(map[string]any); m["name"] == name {
			return m
		}
	}
	t.Fatalf("no check %s in %v", name, rep)
	return nil
}

func codesOf(c map[string]any) []string {
	var out []string
	for _, f := range c["findings"].([]any) {
		out = append(out, f.(map[string]any)["code"].(string))
	}
	return out
}

// Messages signed here and altered, each checked by the command against
// the zone file with --offline: the verdict of the signature and the
// finding naming the cause.
func TestCheckMessageVerdicts(t *testing.T) {
	dir := t.TempDir()
	write := func(name, raw string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(raw), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	length, err := os.ReadFile("../../testdata/message/length.eml")
	if err != nil {
		t.Fatal(err)
	}
	pem, _ := os.ReadFile(msgKey)
	k, _ := send.ParseDKIMKey(pem)
	var expiring strings.Builder
	if err := dkim.Sign(&expiring, strings.NewReader(fmt.Sprintf(msgPlain, "expired")), &dkim.SignOptions{
		Domain: "example.com", Selector: "s1", Signer: k, Expiration: time.Now().Add(time.Hour),
		HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed,
	}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		id, raw, result, code string
	}{
		{"pass", sendSigned(t, "pass", "s1"), "pass", ""},
		{"header", strings.Replace(sendSigned(t, "header", "s1"), "Subject: Quarterly", "Subject: [EXT] Quarterly", 1), "fail", "dkim.signature-mismatch"},
		{"body", sendSigned(t, "body", "s1") + "-- \r\nfooter\r\n", "fail", "dkim.body-hash-mismatch"},
		{"whitespace", strings.Replace(sendSigned(t, "whitespace", "s1"), "Hello Bob,", "Hello \t Bob,   ", 1), "pass", ""},
		{"q4", string(length) + "Appended after signing.\r\n", "pass", "dkim.body-length-unsigned"},
		{"revoked", sendSigned(t, "revoked", "old"), "fail", "dkim.revoked-key"},
		{"missing", sendSigned(t, "missing", "nokey"), "permerror", "dkim.key-missing"},
		{"expired", msgTrace + expiring.String(), "fail", "dkim.signature-expired"},
	}
	var args []string
	for _, c := range cases {
		args = append(args, write(c.id+".eml", c.raw))
	}
	reps, order, code := runMessageCmd(t, append(args, "--now", time.Now().Add(2*time.Hour).UTC().Format(time.RFC3339))...)
	if code != 1 || len(order) != len(cases) {
		t.Fatalf("exit %d, reports %v", code, order)
	}
	for i, c := range cases {
		target := "<" + c.id + "@example.com>"
		if order[i] != target {
			t.Errorf("report %d is %s, want %s", i, order[i], target)
		}
		rep := reps[target]
		dk := checkOf(t, rep, "dkim")
		sigs := dk["data"].(map[string]any)["signatures"].([]any)
		if len(sigs) != 1 {
			t.Fatalf("%s: %v", c.id, sigs)
		}
		sig := sigs[0].(map[string]any)
		if sig["result"] != c.result || sig["aligned"] != true {
			t.Errorf("%s: signature %v", c.id, sig)
		}
		cs := codesOf(dk)
		if c.code != "" && !strings.Contains(strings.Join(cs, " "), c.code) {
			t.Errorf("%s: findings %v, want %s", c.id, cs, c.code)
		}
		if c.code == "" && dk["status"] != "ok" {
			t.Errorf("%s: dkim %v %v", c.id, dk["status"], cs)
		}
		// SPF passes aligned for every one of them (from the Received
		// field Postfix would add), so DMARC passes.
		spf := checkOf(t, rep, "spf")["data"].(map[string]any)
		if spf["result"] != "pass" || spf["ip"] != "192.0.2.10" || spf["aligned"] != true {
			t.Errorf("%s: spf %v", c.id, spf)
		}
		if dm := checkOf(t, rep, "dmarc")["data"].(map[string]any); dm["result"] != "pass" || dm["policy"] != "reject" {
			t.Errorf("%s: dmarc %v", c.id, dm)
		}
	}

	// The same unchanged message without --now: x= is an hour ahead.
	reps, _, code = runMessageCmd(t, args[len(args)-1])
	if sig := checkOf(t, reps["<expired@example.com>"], "dkim")["data"].(map[string]any)["signatures"].([]any)[0].(map[string]any); sig["result"] != "pass" || code != 0 {
		t.Errorf("x= ahead: %v exit %d", sig, code)
	}
}

// --ignore and --fail-on apply as in every command.
func TestCheckMessageGate(t *testing.T) {
	p := filepath.Join(t.TempDir(), "m.eml")
	os.WriteFile(p, []byte(sendSigned(t, "gate", "nokey")), 0o644)
	ios, _, _, _ := cmdutil.Test()
	g := &cmdutil.Globals{Output: "json", Zones: []string{msgZone}, Offline: true, Timeout: 2 * time.Second, FailOn: "fail", Ignore: []string{"dkim.*"}}
	cmd := NewCmdMessage(ios, g, nil)
	cmd.SetArgs([]string{p})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	if code, _ := cmdutil.ExitCodeOf(cmd.Execute()); code != 0 {
		t.Errorf("--ignore dkim.*: exit %d", code)
	}
}

// Flags: values reach the options; bad ones are usage errors (exit 2).
func TestCheckMessageFlags(t *testing.T) {
	ios, _, _, _ := cmdutil.Test()
	var got *MessageOptions
	capture := func(_ context.Context, o *MessageOptions) error { got = o; return nil }
	cmd := NewCmdMessage(ios, &cmdutil.Globals{}, capture)
	cmd.SetArgs([]string{"a.eml", "--ip", "::ffff:192.0.2.1", "--helo", "mail.example.com", "--mail-from", "<>",
		"--authserv-id", "mx.example.net", "--authserv-id", "mx2.example.net", "--now", "2026-01-01T00:00:00Z",
		"--slow", "90s", "--bulk", "--spamd", "127.0.0.1"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	c := got.Check
	if c.IP.String() != "192.0.2.1" || c.HELO != "mail.example.com" || !c.MailFromSet || c.MailFrom != "" ||
		strings.Join(c.AuthServIDs, ",") != "mx.example.net,mx2.example.net" || !c.Now.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) ||
		c.Slow != 90*time.Second || !c.Bulk || c.Spamd != "127.0.0.1:783" {
		t.Errorf("options %+v", c)
	}
	for _, args := range [][]string{
		{"--ip", "192.0.2"},
		{"--mail-from", "no-at-sign"},
		{"--helo", "a b"},
		{"--now", "yesterday"},
		{"--slow", "soon"},
		{"--slow", "-1m"},
		{"--spamd", "127.0.0.1:99999"},
		{"--spamd", "[spamd.example]:783"},
	} {
		cmd := NewCmdMessage(ios, &cmdutil.Globals{}, capture)
		cmd.SetArgs(append([]string{"a.eml"}, args...))
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		if code, _ := cmdutil.ExitCodeOf(cmd.Execute()); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	// Without flags: the default threshold, no spamd, not enforced.
	cmd = NewCmdMessage(ios, &cmdutil.Globals{}, capture)
	cmd.SetArgs([]string{"a.eml"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if c := got.Check; c.Slow != message.DefaultSlow || c.Bulk || c.Spamd != "" {
		t.Errorf("defaults %+v", c)
	}
}

// With no argument the message is read from standard input; an mbox
// gives one report per message, in order, and a bad message among them
// gets its own report while the others get theirs (exit 3: one input
// could not be checked).
func TestCheckMessageStdinAndMbox(t *testing.T) {
	ios, in, out, _ := cmdutil.Test()
	in.WriteString(sendSigned(t, "stdin", "s1"))
	g := &cmdutil.Globals{Output: "json", Zones: []string{msgZone}, Offline: true, Timeout: 2 * time.Second, FailOn: "fail"}
	cmd := NewCmdMessage(ios, g, nil)
	cmd.SetArgs(nil)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	var rep map[string]any
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || rep["target"] != "<stdin@example.com>" || rep["status"] != "ok" {
		t.Fatalf("stdin: %v %v", err, out.String())
	}

	var mbox strings.Builder
	for _, m := range []string{sendSigned(t, "one", "s1"), "\x00\x01 not a message\n", sendSigned(t, "three", "s1")} {
		mbox.WriteString("From bounce@example.com Tue Dec  1 10:00:05 2026\n")
		mbox.WriteString(strings.ReplaceAll(m, "\r\n", "\n"))
		mbox.WriteString("\n")
	}
	p := filepath.Join(t.TempDir(), "box.mbox")
	os.WriteFile(p, []byte(mbox.String()), 0o644)
	reps, order, code := runMessageCmd(t, p)
	if code != 3 || len(order) != 3 || order[0] != "<one@example.com>" || order[2] != "<three@example.com>" || !strings.HasSuffix(order[1], "box.mbox#2") {
		t.Fatalf("exit %d, reports %v", code, order)
	}
	if e, _ := reps[order[1]]["error"].(string); !strings.Contains(e, "not a message") {
		t.Errorf("bad message: %v", reps[order[1]])
	}
	for _, id := range []string{order[0], order[2]} {
		if reps[id]["status"] != "ok" {
			t.Errorf("%s: %v", id, reps[id]["status"])
		}
	}
}

// The policy file's ignores and severity overrides apply to check
// message's reports: an ignored code leaves the findings (kept under
// "ignored"), an overridden one takes the file's severity.
func TestCheckMessagePolicy(t *testing.T) {
	dir := t.TempDir()
	msg := filepath.Join(dir, "body.eml")
	if err := os.WriteFile(msg, []byte(sendSigned(t, "body", "s1")+"-- \r\nfooter\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	reps, _, _ := runMessageWith(t, "", msg)
	if codes := codesOf(checkOf(t, reps["<body@example.com>"], "dkim")); !slices.Contains(codes, "dkim.body-hash-mismatch") {
		t.Fatalf("without a policy: dkim findings %v, want dkim.body-hash-mismatch", codes)
	}
	pol := filepath.Join(dir, "p.yaml")
	if err := os.WriteFile(pol, []byte("ignore:\n  - {code: dkim.body-hash-mismatch, until: 2999-01-01, reason: the list footer}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	reps, _, _ = runMessageWith(t, pol, msg)
	dk := checkOf(t, reps["<body@example.com>"], "dkim")
	if codes := codesOf(dk); slices.Contains(codes, "dkim.body-hash-mismatch") {
		t.Errorf("ignored code still reported: %v", codes)
	}
	if ig, _ := dk["ignored"].([]any); !slices.Contains(ig, any("dkim.body-hash-mismatch")) {
		t.Errorf("ignored = %v, want dkim.body-hash-mismatch", dk["ignored"])
	}
	// A mistyped code is bad usage, with its place and the code meant.
	if err := os.WriteFile(pol, []byte("ignore:\n  - {code: dkim.body-hash-mismach, until: 2999-01-01, reason: x}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, code := runMessageWith(t, pol, msg); code != 2 {
		t.Errorf("typo: exit %d, want 2", code)
	}
}
