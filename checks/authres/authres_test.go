package authres

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	msgauth "github.com/emersion/go-msgauth/authres"
)

func mustParse(t *testing.T, v string) *Header {
	t.Helper()
	h, err := Parse(v)
	if err != nil {
		t.Fatalf("Parse(%q): %v", v, err)
	}
	if h.Raw != v {
		t.Fatalf("Raw not kept")
	}
	return h
}

func TestParseGmailForm(t *testing.T) {
	h := mustParse(t, "mx.example.com;\r\n"+
		"       dkim=pass header.i=@example.net header.s=sel1 header.b=AbCdEf12;\r\n"+
		"       arc=pass (i=2 spf=pass spfdomain=example.net dkim=pass dkdomain=example.net dmarc=pass fromdomain=example.net);\r\n"+
		"       spf=pass (mx.example.com: domain of bounce@example.net designates 192.0.2.10 as permitted sender) smtp.mailfrom=bounce@example.net;\r\n"+
		"       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.net")
	if h.AuthServID != "mx.example.com" || h.Version != 1 || len(h.Results) != 4 {
		t.Fatalf("got %+v", h)
	}
	dkim, arc, spf, dmarc := h.Results[0], h.Results[1], h.Results[2], h.Results[3]
	if want := (&DKIM{Identifier: "@example.net", Selector: "sel1", Signature: "AbCdEf12"}); dkim.Method != "dkim" || dkim.Value != msgauth.ResultPass || !reflect.DeepEqual(dkim.DKIM, want) {
		t.Errorf("dkim = %+v %+v", dkim, dkim.DKIM)
	}
	if arc.ARC == nil || arc.ARC.Chain != "pass" || arc.ARC.Instance != 2 {
		t.Errorf("arc = %+v %+v", arc, arc.ARC)
	}
	if spf.SPF == nil || spf.SPF.MailFrom != "bounce@example.net" || !strings.Contains(spf.Comments[0], "designates 192.0.2.10") {
		t.Errorf("spf = %+v", spf)
	}
	if dmarc.DMARC == nil || dmarc.DMARC.From != "example.net" || dmarc.Comments[0] != "p=REJECT sp=REJECT dis=NONE" {
		t.Errorf("dmarc = %+v", dmarc)
	}
	if dkim.Col != strings.Index(strings.ReplaceAll(h.Raw, "\r\n", ""), "dkim=")+1 {
		t.Errorf("dkim col %d", dkim.Col)
	}
}

func TestParseRFC8601Forms(t *testing.T) {
	for _, c := range []struct {
		name, in string
		id       string
		version  int
		none     bool
		results  []Result
	}{
		{
			name: "no-result", in: "example.org 1; none", id: "example.org", version: 1, none: true,
		},
		{
			name: "version and comment after the authserv-id", in: "example.com (a comment) 1 (another); spf=pass smtp.mailfrom=example.net",
			id: "example.com", version: 1,
			results: []Result{{Method: "spf", Value: "pass", Props: []Prop{{"smtp", "mailfrom", "example.net"}}, SPF: &SPF{MailFrom: "example.net"}}},
		},
		{
			name: "quoted reason with ';' and spaces, comment with ';'",
			in:   `example.com; dkim=fail reason="signature verification failed; body hash" (2048-bit key; unprotected) header.d=example.net header.s=s1`,
			id:   "example.com", version: 1,
			results: []Result{{Method: "dkim", Value: "fail", Reason: "signature verification failed; body hash",
				Props:    []Prop{{"header", "d", "example.net"}, {"header", "s", "s1"}},
				Comments: []string{"2048-bit key; unprotected"}, DKIM: &DKIM{Domain: "example.net", Selector: "s1"}}},
		},
		{
			name: "CFWS around '=' and a method version",
			in:   "example.com; dkim/1 = pass (ok) header.d = example.net; auth=pass (cram-md5) smtp.auth=sender@example.net",
			id:   "example.com", version: 1,
			results: []Result{
				{Method: "dkim", MethodVersion: "1", Value: "pass", Props: []Prop{{"header", "d", "example.net"}}, Comments: []string{"ok"}, DKIM: &DKIM{Domain: "example.net"}},
				{Method: "auth", Value: "pass", Props: []Prop{{"smtp", "auth", "sender@example.net"}}, Comments: []string{"cram-md5"}},
			},
		},
		{
			name: "unknown method, SRS mailfrom, upper case result",
			in:   "mx.example.com; x-custom=PASS policy.x=1; spf=softfail smtp.mailfrom=SRS0=AbCd=XY=example.org=user@fwd.example.net smtp.helo=fwd.example.net",
			id:   "mx.example.com", version: 1,
			results: []Result{
				{Method: "x-custom", Value: "pass", Props: []Prop{{"policy", "x", "1"}}},
				{Method: "spf", Value: "softfail", Props: []Prop{{"smtp", "mailfrom", "SRS0=AbCd=XY=example.org=user@fwd.example.net"}, {"smtp", "helo", "fwd.example.net"}},
					SPF: &SPF{MailFrom: "SRS0=AbCd=XY=example.org=user@fwd.example.net", HELO: "fwd.example.net"}},
			},
		},
		{
			name: "office 365: no authserv-id, unregistered props",
			in:   "spf=pass (sender IP is 192.0.2.10) smtp.mailfrom=example.net; dkim=none (message not signed) header.d=none;dmarc=pass action=none header.from=example.net;compauth=pass reason=100",
			id:   "", version: 1,
			results: []Result{
				{Method: "spf", Value: "pass", Props: []Prop{{"smtp", "mailfrom", "example.net"}}, Comments: []string{"sender IP is 192.0.2.10"}, SPF: &SPF{MailFrom: "example.net"}},
				{Method: "dkim", Value: "none", Props: []Prop{{"header", "d", "none"}}, Comments: []string{"message not signed"}, DKIM: &DKIM{Domain: "none"}},
				{Method: "dmarc", Value: "pass", Props: []Prop{{"", "action", "none"}, {"header", "from", "example.net"}}, DMARC: &DMARC{From: "example.net"}},
				{Method: "compauth", Value: "pass", Reason: "100"},
			},
		},
		{
			name: "quoted authserv-id and arc props",
			in:   `"mx.example.com"; arc=fail smtp.remote-ip=192.0.2.1 header.oldest-pass=2; iprev=pass policy.iprev=192.0.2.1`,
			id:   "mx.example.com", version: 1,
			results: []Result{
				{Method: "arc", Value: "fail", Props: []Prop{{"smtp", "remote-ip", "192.0.2.1"}, {"header", "oldest-pass", "2"}}, ARC: &ARC{Chain: "fail", RemoteIP: "192.0.2.1", OldestPass: 2}},
				{Method: "iprev", Value: "pass", Props: []Prop{{"policy", "iprev", "192.0.2.1"}}},
			},
		},
		{
			name: "trailing ';' and empty resinfos",
			in:   "example.com;; dmarc=none;",
			id:   "example.com", version: 1,
			results: []Result{{Method: "dmarc", Value: "none", DMARC: &DMARC{}}},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := mustParse(t, c.in)
			if h.AuthServID != c.id || h.Version != c.version || h.NoResult != c.none {
				t.Errorf("id %q version %d none %v", h.AuthServID, h.Version, h.NoResult)
			}
			for i := range h.Results {
				h.Results[i].Col = 0
			}
			if len(h.Results) != len(c.results) {
				t.Fatalf("results %+v", h.Results)
			}
			for i := range c.results {
				if !reflect.DeepEqual(h.Results[i], c.results[i]) {
					t.Errorf("result %d:\n got  %+v\n want %+v", i, h.Results[i], c.results[i])
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		in      string
		kind    error
		col     int
		results int // still read
	}{
		{"", ErrSyntax, 1, 0},
		{"(only a comment); dkim=pass", ErrSyntax, 1, 1},
		{"example.com 2; dkim=pass", ErrVersion, 13, 0},
		{"example.com one two; dkim=pass", ErrSyntax, 13, 1},
		{"example.com; dkim=pass (unclosed", ErrSyntax, 24, 0},
		{"example.com; dkim; spf=pass", ErrSyntax, 14, 1},
		{"example.com; spf=pass smtp.mailfrom=a@example.net stray; dmarc=fail", ErrSyntax, 51, 2},
		{"example.com; d@kim=pass", ErrSyntax, 14, 0},
		{`example.com; dkim=pass reason="open`, ErrSyntax, 31, 0},
	} {
		h, err := Parse(c.in)
		var se *SyntaxError
		if !errors.As(err, &se) || !errors.Is(err, c.kind) || se.Col != c.col {
			t.Errorf("%q: err %v, want %v at col %d", c.in, err, c.kind, c.col)
		}
		if h == nil || h.Raw != c.in || len(h.Results) != c.results {
			t.Errorf("%q: header %+v, want %d results kept", c.in, h, c.results)
		}
	}
}

func TestErrorText(t *testing.T) {
	_, err := Parse("example.com; dkim")
	if got, want := err.Error(), "authres: col 14: expected method=result"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got := err.(*SyntaxError).Message(); strings.HasPrefix(got, "authres") {
		t.Errorf("Message() has the package name: %q", got)
	}
}

func TestTrust(t *testing.T) {
	values := []string{
		"mx.example.com; spf=pass smtp.mailfrom=example.net",
		"MX.Example.COM.; dkim=pass header.d=example.net",
		"forged.example.org; dmarc=pass header.from=example.net",
		"spf=pass smtp.mailfrom=example.net",
		"garbage",
	}
	entries := ParseAll(values, []string{"mx.example.com"})
	want := []bool{true, true, false, false, false}
	for i, e := range entries {
		if e.Header.Trusted != want[i] || e.Index != i {
			t.Errorf("entry %d (%q): trusted %v, want %v", i, values[i], e.Header.Trusted, want[i])
		}
	}
	if entries[4].Err == nil || entries[4].Header.Raw != "garbage" {
		t.Errorf("unreadable field not kept with its error: %+v", entries[4])
	}
	got := Trusted(entries)
	if len(got) != 2 || got[0].Method != "spf" || got[1].Method != "dkim" {
		t.Errorf("Trusted = %+v", got)
	}
	h := entries[0].Header
	h.Trust(nil)
	if h.Trusted {
		t.Error("trusted with an empty list")
	}
}

func TestParseARC(t *testing.T) {
	a, err := ParseARC("i=2; mx.example.com;\r\n dkim=pass header.d=example.net header.s=s1;\r\n arc=pass (i=1) header.oldest-pass=0;\r\n spf=pass smtp.mailfrom=example.net")
	if err != nil {
		t.Fatal(err)
	}
	if a.Instance != 2 || a.AuthServID != "mx.example.com" || len(a.Results) != 3 || a.Results[1].ARC.Instance != 1 {
		t.Errorf("got %+v", a)
	}
	a, err = ParseARC(" i = 1 ; example.com ; none")
	if err != nil || a.Instance != 1 || !a.NoResult {
		t.Errorf("spaced form: %+v %v", a, err)
	}
	for _, v := range []string{"", "i=0; x; none", "i=51; x; none", "i=+1; x; none", "i=1", "j=1; x; none", "i=1 x; y; none", "i=a; x; none", "x; dkim=pass"} {
		a, err := ParseARC(v)
		if !errors.Is(err, ErrInstance) && !(v == "" && errors.Is(err, ErrSyntax)) {
			t.Errorf("%q: err %v, want ErrInstance", v, err)
		}
		if a == nil || a.Raw != v || a.Instance != 0 {
			t.Errorf("%q: %+v", v, a)
		}
	}
}

// go-msgauth's Parse on the fields this package reads: what it gets
// wrong is why it is not used. If one of these starts passing, go-msgauth
// may now serve.
func TestGoMsgauthGaps(t *testing.T) {
	// A comment with a ';' splits a resinfo.
	_, rs, err := msgauth.Parse("example.com; dkim=pass (2048-bit key; unprotected) header.d=example.net")
	if err == nil && len(rs) == 1 {
		if d, ok := rs[0].(*msgauth.DKIMResult); ok && d.Domain == "example.net" {
			t.Error("go-msgauth now reads a comment containing ';'")
		}
	}
	// A comment after the authserv-id is taken for a version.
	if _, _, err := msgauth.Parse("example.com (comment); spf=pass"); err == nil {
		t.Error("go-msgauth now reads a comment after the authserv-id")
	}
	// A quoted reason with spaces is cut at the first space.
	_, rs, err = msgauth.Parse(`example.com; dkim=fail reason="bad signature" header.d=example.net`)
	if err == nil && len(rs) == 1 {
		if d, ok := rs[0].(*msgauth.DKIMResult); ok && d.Reason == "bad signature" {
			t.Error("go-msgauth now reads a quoted reason with spaces")
		}
	}
	// Ours reads all three.
	for _, v := range []string{
		"example.com; dkim=pass (2048-bit key; unprotected) header.d=example.net",
		"example.com (comment); spf=pass",
		`example.com; dkim=fail reason="bad signature" header.d=example.net`,
	} {
		mustParse(t, v)
	}
}

func TestProp(t *testing.T) {
	h := mustParse(t, "dmarc=pass action=none header.from=example.net")
	r := h.Results[0]
	if r.Prop("action") != "none" || r.Prop("header.from") != "example.net" || r.Prop("HEADER.FROM") != "example.net" || r.Prop("header.d") != "" {
		t.Errorf("Prop: %+v", r.Props)
	}
}

func TestStrayWordKeepsLaterProps(t *testing.T) {
	h, err := Parse("example.com; spf=pass stray smtp.mailfrom=a@example.net smtp.helo=h.example.net")
	if !errors.Is(err, ErrSyntax) || len(h.Results) != 1 {
		t.Fatalf("err %v results %+v", err, h.Results)
	}
	if s := h.Results[0].SPF; s.MailFrom != "a@example.net" || s.HELO != "h.example.net" {
		t.Errorf("SPF = %+v", s)
	}
	h = mustParse(t, "(leading comment) spf=pass smtp.mailfrom=example.net")
	if h.AuthServID != "" || len(h.Results) != 1 {
		t.Errorf("no authserv-id after a comment: %+v", h)
	}
}

func TestHeaderJSON(t *testing.T) {
	h := mustParse(t, "mx.example.com; dkim=pass header.d=example.net header.s=s1; arc=pass (i=3)")
	h.Trust([]string{"mx.example.com"})
	b, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		ID      string `json:"authserv_id"`
		Trusted bool   `json:"trusted"`
		Results []struct {
			Method string         `json:"method"`
			Result string         `json:"result"`
			DKIM   map[string]any `json:"dkim"`
			ARC    map[string]any `json:"arc"`
		} `json:"results"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.ID != "mx.example.com" || !m.Trusted || len(m.Results) != 2 || m.Results[0].DKIM["header_s"] != "s1" ||
		m.Results[1].ARC["chain"] != "pass" || m.Results[1].ARC["instance"] != float64(3) || m.Results[0].ARC != nil {
		t.Errorf("JSON %s", b)
	}
}
