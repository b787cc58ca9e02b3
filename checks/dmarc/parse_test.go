package dmarc

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	msgauth "github.com/emersion/go-msgauth/dmarc"
)

func TestParseFullRecord(t *testing.T) {
	txt := "v=DMARC1; p=Reject; sp=quarantine; np=reject; pct=50; " +
		"rua=mailto:agg@example.com!10m, mailto:dmarc@reports.example.net; " +
		"ruf=mailto:forensic@example.com; adkim=s; aspf=r; fo=1:d : s; rf=afrf; ri=3600; t=y; psd=n"
	rec, err := Parse(txt)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := &Record{
		Version: "DMARC1", Policy: PolicyReject, SubdomainPolicy: PolicyQuarantine,
		NonexistentPolicy: PolicyReject, Percent: 50, ADKIM: AlignmentStrict, ASPF: AlignmentRelaxed,
		FailureOptions: []string{"1", "d", "s"}, ReportFormats: []string{"afrf"}, ReportInterval: 3600,
		Testing: "y", PSD: "n",
	}
	got := *rec
	got.RUA, got.RUF, got.Tags, got.Unknown = nil, nil, nil, nil
	if !reflect.DeepEqual(&got, want) {
		t.Errorf("record:\n got %+v\nwant %+v", got, *want)
	}
	if len(rec.RUA) != 2 {
		t.Fatalf("rua: %+v", rec.RUA)
	}
	if u := rec.RUA[0]; u.URI != "mailto:agg@example.com" || u.MaxSize != 10<<20 || u.Domain != "example.com" || u.Address != "agg@example.com" {
		t.Errorf("rua[0] = %+v", u)
	}
	if u := rec.RUA[1]; u.Domain != "reports.example.net" || txt[u.Col-1:u.Col-1+len("mailto:dmarc")] != "mailto:dmarc" {
		t.Errorf("rua[1] = %+v (col points at %q)", u, txt[u.Col-1:])
	}
	if len(rec.RUF) != 1 || rec.RUF[0].Address != "forensic@example.com" {
		t.Errorf("ruf = %+v", rec.RUF)
	}
	if len(rec.Tags) != 14 || rec.Tags[1].Name != "p" || rec.Tags[1].Col != 11 {
		t.Errorf("tags = %+v", rec.Tags)
	}
}

func TestParseDefaults(t *testing.T) {
	rec, err := Parse("v=DMARC1;p=none")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Percent != 100 || rec.ADKIM != "r" || rec.ASPF != "r" || rec.ReportInterval != 86400 ||
		rec.Testing != "n" || rec.PSD != "u" || !reflect.DeepEqual(rec.FailureOptions, []string{"0"}) {
		t.Errorf("defaults not applied: %+v", rec)
	}
	if rec.EffectiveSP() != PolicyNone || rec.EffectiveNP() != PolicyNone {
		t.Errorf("sp/np should inherit p")
	}
	rec, _ = Parse("v=DMARC1; p=reject; sp=quarantine")
	if rec.EffectiveNP() != PolicyQuarantine {
		t.Errorf("np should inherit sp, got %s", rec.EffectiveNP())
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		txt     string
		col     int
		tag     string
		contain string
	}{
		{"v=DMARC1; p=rejct", 11, "p", `policy "rejct"`},
		{"v=DMARC1; p=none; sp=all", 19, "sp", `policy "all"`},
		{"v=DMARC1; p=none; np=0", 19, "np", "policy"},
		{"v=DMARC1; p=none; pct=101", 19, "pct", "0 to 100"},
		{"v=DMARC1; p=none; pct=-1", 19, "pct", "percentage"},
		{"v=DMARC1; p=none; pct=1000", 19, "pct", "percentage"},
		{"v=DMARC1; p=none; adkim=x", 19, "adkim", "alignment"},
		{"v=DMARC1; p=none; aspf=relaxed", 19, "aspf", "alignment"},
		{"v=DMARC1; p=none; fo=2", 19, "fo", "failure option"},
		{"v=DMARC1; p=none; fo=0::1", 19, "fo", "failure option"},
		{"v=DMARC1; p=none; ri=1h", 19, "ri", "interval"},
		{"v=DMARC1; p=none; ri=99999999999", 19, "ri", "interval"},
		{"v=DMARC1; p=none; t=yes", 19, "t", "test mode"},
		{"v=DMARC1; p=none; psd=maybe", 19, "psd", "psd"},
		{"v=DMARC1; p=none; rf=a_b", 19, "rf", "report format"},
		{"v=DMARC1; p=none; rua=dmarc@example.com", 23, "rua", "no scheme: write mailto:dmarc@example.com"},
		{"v=DMARC1; p=none; rua=mailto:a@example.com,,mailto:b@example.com", 44, "rua", "empty report URI"},
		{"v=DMARC1; p=none; rua=mailto:a@example.com, mailto:nobody", 45, "rua", "address"},
		{"v=DMARC1; p=none; rua=mailto:a@example.com!10x", 23, "rua", "size limit"},
		{"v=DMARC1; p=none; rua=mailto:a@example.com!", 23, "rua", "size limit"},
		{"v=DMARC1; p=none; rua=mailto:a@-bad-.com", 23, "rua", "invalid domain"},
		{"v=DMARC1; p=none; ruf=", 19, "ruf", "empty value"},
		{"v=DMARC1; p=none; p=reject", 19, "p", "duplicate tag (first at col 11)"},
		{"p=none; v=DMARC1", 1, "p", "must start with v=DMARC1"},
		{"p=none; v=DMARC1", 9, "v", "v must be the first tag"},
		{"v=dmarc1; p=none", 1, "v", `version "dmarc1"`},
		{"v=DMARC2; p=none", 1, "v", "version"},
		{"v=DMARC1; p=none; bogus", 19, "", `"bogus" is not a tag=value pair`},
		{"v=DMARC1; p=none; 1x=y", 19, "", "invalid tag name"},
		{"v=DMARC1; p=none; rua=mailto:a@example.com\x01", 43, "rua", "not allowed"},
		{"v=DMARC1; rua=mailto:a@example.com", 0, "p", "missing"},
		{"", 0, "", "empty record"},
	}
	for _, tt := range tests {
		rec, err := Parse(tt.txt)
		if rec == nil {
			t.Errorf("Parse(%q) returned a nil record", tt.txt)
		}
		var es Errors
		if !errors.As(err, &es) {
			t.Errorf("Parse(%q) error = %v, want Errors", tt.txt, err)
			continue
		}
		found := false
		for _, e := range es {
			if e.Col == tt.col && e.Tag == tt.tag && strings.Contains(e.Msg, tt.contain) {
				found = true
			}
		}
		if !found {
			t.Errorf("Parse(%q):\n got %v\nwant col %d tag %q containing %q", tt.txt, err, tt.col, tt.tag, tt.contain)
		}
	}
}

func TestParseMissingPolicyIsDistinct(t *testing.T) {
	_, err := Parse("v=DMARC1; rua=mailto:a@example.com")
	if !errors.Is(err, ErrMissingPolicy) {
		t.Fatalf("err = %v, want ErrMissingPolicy", err)
	}
	if errors.Is(err, ErrSyntax) {
		t.Errorf("a record whose only problem is the missing p should not also carry ErrSyntax: %v", err)
	}
	_, err = Parse("v=DMARC1; p=bogus")
	if !errors.Is(err, ErrSyntax) || errors.Is(err, ErrMissingPolicy) {
		t.Errorf("err = %v, want ErrSyntax only", err)
	}
}

func TestParseErrorMessageHasPosition(t *testing.T) {
	_, err := Parse("v=DMARC1; p=rejct")
	if got, want := err.Error(), `dmarc: col 11: tag p: policy "rejct", want none, quarantine or reject`; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestParseLenientSpacing(t *testing.T) {
	for _, txt := range []string{
		"v=DMARC1;p=reject",
		"v = DMARC1 ; p = reject ;",
		"v=DMARC1;\tp=reject;;",
		"V=DMARC1; P=REJECT",
	} {
		rec, err := Parse(txt)
		if err != nil || rec.Policy != PolicyReject {
			t.Errorf("Parse(%q) = %+v, %v", txt, rec, err)
		}
	}
}

func TestParseUnknownTags(t *testing.T) {
	rec, err := Parse("v=DMARC1; p=none; rau=mailto:x@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Unknown) != 1 || rec.Unknown[0].Name != "rau" || rec.Unknown[0].Col != 19 {
		t.Errorf("unknown = %+v", rec.Unknown)
	}
}

func TestParseURIForms(t *testing.T) {
	rec, err := Parse("v=DMARC1; p=none; rua=mailto:d%40x@example.com?subject=hi!5k, https://r.example.net/dmarc")
	if err != nil {
		t.Fatal(err)
	}
	if rec.RUA[0].MaxSize != 5<<10 || rec.RUA[0].Domain != "example.com" {
		t.Errorf("rua[0] = %+v", rec.RUA[0])
	}
	if rec.RUA[1].Scheme != "https" || rec.RUA[1].Domain != "" {
		t.Errorf("rua[1] = %+v", rec.RUA[1])
	}
	rec, err = Parse("v=DMARC1; p=none; rua=mailto:A@Example.COM")
	if err != nil || rec.RUA[0].Domain != "example.com" {
		t.Errorf("upper-case domain: %+v %v", rec.RUA, err)
	}
}

// TestCrossCheckMsgauth compares the tags both parsers know on records
// go-msgauth reads.
func TestCrossCheckMsgauth(t *testing.T) {
	for _, txt := range []string{
		"v=DMARC1; p=none",
		"v=DMARC1; p=reject; sp=none; pct=20; adkim=s; aspf=s",
		"v=DMARC1; p=quarantine; rua=mailto:a@example.com,mailto:b@example.org; ruf=mailto:f@example.com; fo=1; ri=600",
		"v=DMARC1; p=reject; pct=0; rf=afrf",
	} {
		ours, err := Parse(txt)
		if err != nil {
			t.Fatalf("Parse(%q): %v", txt, err)
		}
		theirs, err := msgauth.Parse(txt)
		if err != nil {
			t.Fatalf("msgauth.Parse(%q): %v", txt, err)
		}
		crossCheck(t, txt, ours, theirs)
	}
}

func crossCheck(t *testing.T, txt string, ours *Record, theirs *msgauth.Record) {
	t.Helper()
	if string(ours.Policy) != string(theirs.Policy) || string(ours.SubdomainPolicy) != string(theirs.SubdomainPolicy) {
		t.Errorf("%q: policy %s/%s, msgauth %s/%s", txt, ours.Policy, ours.SubdomainPolicy, theirs.Policy, theirs.SubdomainPolicy)
	}
	if theirs.Percent != nil && *theirs.Percent != ours.Percent {
		t.Errorf("%q: pct %d, msgauth %d", txt, ours.Percent, *theirs.Percent)
	}
	if string(ours.ADKIM) != string(theirs.DKIMAlignment) || string(ours.ASPF) != string(theirs.SPFAlignment) {
		t.Errorf("%q: alignment %s/%s, msgauth %s/%s", txt, ours.ADKIM, ours.ASPF, theirs.DKIMAlignment, theirs.SPFAlignment)
	}
	if len(ours.RUA) != len(theirs.ReportURIAggregate) || len(ours.RUF) != len(theirs.ReportURIFailure) {
		t.Errorf("%q: %d rua/%d ruf, msgauth %d/%d", txt, len(ours.RUA), len(ours.RUF), len(theirs.ReportURIAggregate), len(theirs.ReportURIFailure))
	}
	if theirs.ReportInterval != 0 && int64(ours.ReportInterval) != int64(theirs.ReportInterval.Seconds()) {
		t.Errorf("%q: ri %d, msgauth %v", txt, ours.ReportInterval, theirs.ReportInterval)
	}
}
