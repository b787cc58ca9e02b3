package dmarc_test

import (
	"fmt"

	"github.com/relayctl/relayctl/checks/dmarc"
)

func ExampleParse() {
	rec, err := dmarc.Parse("v=DMARC1; p=reject; sp=quarantine; rua=mailto:agg@example.com!10m")
	fmt.Println(rec.Policy, rec.EffectiveSP(), rec.EffectiveNP(), rec.Percent, rec.RUA[0].Domain, rec.RUA[0].MaxSize, err)

	_, err = dmarc.Parse("v=DMARC1; p=rejct; pct=150")
	fmt.Println(err)
	// Output:
	// reject quarantine quarantine 100 example.com 10485760 <nil>
	// dmarc: col 11: tag p: policy "rejct", want none, quarantine or reject; dmarc: col 20: tag pct: percentage "150", want a whole number from 0 to 100
}

func ExampleWalkNames() {
	fmt.Println(dmarc.WalkNames("a.b.c.d.e.f.g.h.i.j.mail.example.com"))
	// Output:
	// [a.b.c.d.e.f.g.h.i.j.mail.example.com g.h.i.j.mail.example.com h.i.j.mail.example.com i.j.mail.example.com j.mail.example.com mail.example.com example.com com]
}
