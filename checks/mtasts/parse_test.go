package mtasts

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseRecord(t *testing.T) {
	good := []struct {
		txt, id string
		ext     int
	}{
		{"v=STSv1; id=20160831085700Z;", "20160831085700Z", 0},
		{"v=STSv1;id=1", "1", 0},
		{"v=STSv1;  id=abc  ;  ext.x-y=val ;", "abc", 1},
		{"v=STSv1; id=" + strings.Repeat("9", 32), strings.Repeat("9", 32), 0},
	}
	for _, tc := range good {
		rec, err := ParseRecord(tc.txt)
		if err != nil || rec.ID != tc.id || len(rec.Extensions) != tc.ext || rec.Version != "STSv1" {
			t.Errorf("%q: %+v, %v", tc.txt, rec, err)
		}
	}
	bad := []struct{ txt, want string }{
		{"v=STSv1; id=" + strings.Repeat("9", 33), "col 13: id: "},
		{"v=STSv1; id=2024-01-31", "1 to 32 letters and digits"},
		{"v=STSv1;", "id: the required id field is missing"},
		{"v=STSv1; id=1; id=2", "appears more than once"},
		{"v=STSv1; id =1", `no space is allowed around "="`},
		{"v=STSv1; id=1;; x=y", `empty field`},
		{"v=STSv1; id=1; _bad=1", `not a valid field name`},
		{"v=STSv1; id=1; ext=", `is empty`},
		{"v=STSv1 id=1", `the version must be followed by ";"`},
		{"v=stsv1; id=1", `must start with exactly "v=STSv1;"`},
		{"v=STSv1; noequals", `has no "="`},
	}
	for _, tc := range bad {
		_, err := ParseRecord(tc.txt)
		var es Errors
		if !errors.As(err, &es) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want it to contain %q", tc.txt, err, tc.want)
		}
	}
}

func TestRecordClassification(t *testing.T) {
	for txt, want := range map[string][2]bool{
		"v=STSv1; id=1":   {true, true},
		"v=STSv1 ; id=1":  {false, true},
		"v = stsv1; id=1": {false, true},
		"v=spf1 -all":     {false, false},
		"":                {false, false},
	} {
		if IsRecord(txt) != want[0] || looksLikeRecord(txt) != want[1] {
			t.Errorf("%q: IsRecord %v looksLike %v, want %v", txt, IsRecord(txt), looksLikeRecord(txt), want)
		}
	}
}

func TestParsePolicyLineEndings(t *testing.T) {
	for name, body := range map[string]string{
		"CRLF":            "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 86400\r\n",
		"LF":              "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 86400\n",
		"no final EOL":    "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 86400",
		"order, blanks":   "mx: mail.example.com\n\nmax_age: 86400\nmode: enforce\nversion: STSv1\n\n",
		"trailing spaces": "version: STSv1  \nmode:enforce\t\nmx:   MAIL.example.com\nmax_age: 86400 \n",
	} {
		p, err := ParsePolicy([]byte(body))
		if err != nil || p.Version != "STSv1" || p.Mode != ModeEnforce || p.MaxAge != 86400 || !slices.Equal(p.MX, []string{"mail.example.com"}) {
			t.Errorf("%s: %+v, %v", name, p, err)
		}
	}
}

func TestParsePolicyErrors(t *testing.T) {
	base := "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 86400\n"
	cases := []struct{ body, want string }{
		{strings.Replace(base, "STSv1", "stsv1", 1), `line 1: version: "stsv1" is not "STSv1"`},
		{strings.Replace(base, "enforce", "Enforce", 1), `line 2: mode: "Enforce" is not enforce`},
		{strings.Replace(base, "86400", "31557601", 1), "max_age:"},
		{strings.Replace(base, "86400", "-1", 1), "max_age:"},
		{strings.Replace(base, "86400", "12345678901", 1), "max_age:"},
		{strings.Replace(base, "mail.example.com", "mail.*.example.com", 1), "wildcard may only be a whole first label"},
		{strings.Replace(base, "mail.example.com", "*mail.example.com", 1), "wildcard"},
		{strings.Replace(base, "mail.example.com", "mail.example.com.", 1), "trailing dot"},
		{strings.Replace(base, "mail.example.com", "mail_1.example.com", 1), "is not a host name"},
		{strings.Replace(base, "mail.example.com", "localhost", 1), "single label"},
		{strings.Replace(base, "mail.example.com", "", 1), "mx: empty value"},
		{base + "mode: testing\n", "line 5: mode: field given again (first on line 2)"},
		{" " + base, "line 1: the line starts with white space"},
		{"version : STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\n", `no space is allowed before ":"`},
		{"version: STSv1\nmode: enforce\nmax_age: 1\n", "no mx field"},
		{"version: STSv1\nmx: a.example\n", "mode: the required field is missing"},
		{"<html><body>Not found</body></html>", `is not a "key: value" field`},
		{"version: STSv1\r\r\nmode: none\nmax_age: 1\n", "stray carriage return"},
		{"version: STSv1\nmode: none\nmax_age: 1\n\xff: x\n", "not UTF-8"},
	}
	for _, tc := range cases {
		_, err := ParsePolicy([]byte(tc.body))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.body, err, tc.want)
		}
	}
}

func TestParsePolicyModeNoneNeedsNoMX(t *testing.T) {
	p, err := ParsePolicy([]byte("version: STSv1\nmode: none\nmax_age: 0\nx-note: retiring\n"))
	if err != nil || p.Mode != ModeNone || p.MaxAge != 0 || len(p.Extensions) != 1 || p.Extensions[0].Value != "retiring" {
		t.Errorf("%+v, %v", p, err)
	}
}

func TestMatchMX(t *testing.T) {
	cases := []struct {
		pattern, host string
		want          bool
	}{
		{"mail.example.com", "mail.example.com", true},
		{"mail.example.com", "MAIL.Example.COM.", true},
		{"mail.example.com", "mail2.example.com", false},
		{"*.example.com", "mx1.example.com", true},
		{"*.example.com", "example.com", false},
		{"*.example.com", "a.b.example.com", false},
		{"*.example.com", ".example.com", false},
		{"*.example.com", "mx1.example.com.evil", false},
		{"*.example.com", "mx1.notexample.com", false},
		{"*.", "a", false},
		{"", "", false},
	}
	for _, tc := range cases {
		if got := MatchMX(tc.pattern, tc.host); got != tc.want {
			t.Errorf("MatchMX(%q, %q) = %v", tc.pattern, tc.host, got)
		}
	}
}
