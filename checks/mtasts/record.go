package mtasts

import "strings"

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
	_, rest, _ := strings.Cut(txt, ";")
	col := len(txt) - len(rest) + 1
	if !strings.Contains(txt, ";") {
		rest, col = "", len(txt)+1
	}
	seen := map[string]bool{}
	parts := strings.Split(rest, ";")
	for i, part := range parts {
		pcol := col
		col += len(part) + 1
		lead := len(part) - len(strings.TrimLeft(part, " \t"))
		f := strings.TrimRight(part[lead:], " \t")
		pcol += lead
		if f == "" {
			if i == len(parts)-1 {
				continue // a final ";" is allowed
			}
			add(pcol, "", `empty field (two ";" in a row)`)
			continue
		}
		name, value, ok := strings.Cut(f, "=")
		if !ok {
			add(pcol, "", "field "+quote(f)+` has no "="`)
			continue
		}
		if strings.TrimRight(name, " \t") != name || strings.TrimLeft(value, " \t") != value {
			add(pcol, name, `no space is allowed around "="`)
			name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		}
		if seen[name] {
			add(pcol, name, "field appears more than once")
			continue
		}
		seen[name] = true
		switch name {
		case "id":
			rec.ID = value
			if value == "" || len(value) > maxIDLen || !allAlnum(value) {
				add(pcol+3, "id", quote(value)+" must be 1 to 32 letters and digits (a date such as 20240131T1200 works)")
			}
		case "v":
			add(pcol, "v", "version given twice")
		default:
			if !validExtName(name) {
				add(pcol, name, "not a valid field name")
				continue
			}
			if !validExtValue(value) {
				add(pcol+len(name)+1, name, "value "+quote(value)+" is empty or holds spaces, \"=\", \";\" or control characters")
			}
			rec.Extensions = append(rec.Extensions, Field{Name: name, Value: value})
		}
	}
	if !seen["id"] {
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

// validExtValue checks sts-ext-value: visible ASCII except "=" and ";".
func validExtValue(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x21 || c > 0x7e || c == '=' || c == ';' {
			return false
		}
	}
	return true
}
