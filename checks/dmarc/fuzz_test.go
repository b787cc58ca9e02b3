package dmarc

import (
	"testing"

	msgauth "github.com/emersion/go-msgauth/dmarc"

	"github.com/relayctl/relayctl/checks/internal/taglist/taglisttest"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"v=DMARC1; p=reject; sp=quarantine; np=reject; pct=50; rua=mailto:a@example.com!10m,mailto:b@example.net; ruf=mailto:f@example.com; adkim=s; aspf=r; fo=1:d; rf=afrf; ri=3600; t=y; psd=n",
		"v=DMARC1; p=none",
		"p=none; v=DMARC1",
		"v=DMARC1; p=none; p=reject",
		"v=DMARC1; rua=mailto:%40@x.example?subject=a!1g",
		"v=DMARC1;;; p = none ;",
		"v=DMARC1; p=none; rua=https://example.com/r!",
		"v=DMARC1; p=none; rua=,",
		"=",
		";",
		"v=DMARC1; p=\x00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rec, err := Parse(s)
		if rec == nil {
			t.Fatal("nil record")
		}
		taglisttest.CheckErrors[pkg](t, s, err, ErrSyntax, ErrMissingPolicy)
		for _, tag := range rec.Tags {
			if tag.Col < 1 || tag.Col > len(s) {
				t.Fatalf("tag %s col %d outside the record", tag.Name, tag.Col)
			}
		}
		if err != nil {
			return
		}
		if rec.Version != Version || rec.Policy == "" || rec.Percent < 0 || rec.Percent > 100 {
			t.Fatalf("accepted an invalid record %q: %+v", s, rec)
		}
		if !isDMARC(s) {
			t.Fatalf("Parse accepts %q but discovery would discard it", s)
		}
		// Cross-check the tags go-msgauth knows, when it reads the record too.
		if theirs, err := msgauth.Parse(s); err == nil {
			crossCheck(t, s, rec, theirs)
		}
	})
}
