package mtasts

import (
	"slices"
	"strings"

	"github.com/relayctl/relayctl/checks/internal/taglist"
)

// recordFields reads the fields of an MTA-STS record after its version
// (RFC 8461 §3.1: *WSP ";" *WSP between fields, none around "=", a final
// ";" allowed, no empty field).
var recordFields = taglist.Grammar[pkg]{Err: ErrRecordSyntax, NoEmpty: true, Fields: true}

// pkg names this package in the taglist errors it converts.
type pkg struct{}

func (pkg) Prefix() string { return "mtasts: " }

// recordPrefix is what every MTA-STS record starts with; senders discard
// TXT records at _mta-sts that do not (RFC 8461 §3.1).
const recordPrefix = "v=STSv1;"

// IsRecord reports whether a TXT record counts as an MTA-STS record for
// senders: it starts with "v=STSv1;" exactly (RFC 8461 §3.1).
func IsRecord(txt string) bool { return strings.HasPrefix(txt, recordPrefix) }

// looksLikeRecord reports whether a TXT record was meant as an MTA-STS
// record even if senders would discard it ("v=stsv1", "v=STSv1 id=…",
// "v = STSv1;").
func looksLikeRecord(txt string) bool {
	s := strings.ToLower(strings.TrimLeft(txt, " \t"))
	s = strings.TrimLeft(strings.TrimPrefix(s, "v"), " \t")
	if !strings.HasPrefix(s, "=") {
		return false
	}
	return strings.HasPrefix(strings.TrimLeft(s[1:], " \t"), "sts")
}

// ParseRecord parses an _mta-sts TXT record (RFC 8461 §3.1):
//
//	v=STSv1; id=20240101T000000; [ext=value;]...
//
// The version comes first, exactly as written; id is 1 to 32 letters and
// digits; other fields are extensions. The error is Errors (with the
// 1-based column of each problem) or nil; the record is returned with
// what could be read either way.
func ParseRecord(txt string) (*Record, error) {
	rec := &Record{}
	var errs Errors
	add := func(col int, field, msg string) {
		errs = append(errs, &SyntaxError{Col: col, Field: field, Msg: msg})
	}
	if !IsRecord(txt) {
		if strings.HasPrefix(txt, "v=STSv1") {
			add(8, "v", `the version must be followed by ";"`)
		} else {
			add(1, "v", `the record must start with exactly "v=STSv1;" (case and spacing matter)`)
		}
		if !looksLikeRecord(txt) {
			return rec, errs
		}
		// Go on reading the fields of a near miss so the user learns
		// everything at once.
	}
	rec.Version = "STSv1"
	tags, terrs := recordFields.Read(taglist.AfterVersion(txt))
	for _, e := range terrs {
		add(e.Col, e.Tag, e.Msg)
	}
	for _, t := range tags {
		switch t.Name {
		case "id":
			rec.ID = t.Value
			if t.Value == "" || len(t.Value) > maxIDLen || !allAlnum(t.Value) {
				add(t.ValueCol, "id", quote(t.Value)+" must be 1 to 32 letters and digits (a date such as 20240131T1200 works)")
			}
		case "v":
			add(t.Col, "v", "version given twice")
		default:
			if !taglist.ExtValue(t.Value) {
				add(t.ValueCol, t.Name, "value "+quote(t.Value)+" is empty or holds spaces, \"=\", \";\" or control characters")
			}
			rec.Extensions = append(rec.Extensions, Field{Name: t.Name, Value: t.Value})
		}
	}
	slices.SortStableFunc(errs, func(a, b *SyntaxError) int { return a.Col - b.Col })
	if !taglist.Has(tags, "id") {
		add(len(txt)+1, "id", "the required id field is missing")
	}
	return rec, errs.orNil()
}

func allAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) {
			return false
		}
	}
	return true
}
