package dmarc

// The parser is our own code. go-msgauth's dmarc.Parse (which the tests
// use to cross-check the tags both know) does not know np, psd or t,
// keeps the last of duplicated tags, accepts v anywhere in the record and
// reports no positions; relayctl needs all of that.

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/relayctl/relayctl/checks/internal/taglist"
)

// Sentinel errors. A *SyntaxError wraps one of them.
var (
	ErrSyntax        = errors.New("dmarc: syntax error")
	ErrMissingPolicy = errors.New("dmarc: p tag missing")
)

// SyntaxError is one problem in a record, at a 1-based byte column
// (0 when it concerns the record as a whole) and tag. Its Err is
// ErrSyntax or ErrMissingPolicy.
type SyntaxError = taglist.SyntaxError[pkg]

// Errors is every problem Parse found, in the order of the record.
type Errors = taglist.Errors[pkg]

// pkg puts "dmarc: " in front of every error message.
type pkg struct{}

func (pkg) Prefix() string { return "dmarc: " }

// recordTags reads a record's tag-list (RFC 6376 §3.2, reused by
// RFC 7489 §6.4). Tag names are matched without regard to case (RFC
// 7489's ABNF literals are case-insensitive) and returned in lower case;
// every tag needs a value.
var recordTags = taglist.Grammar[pkg]{Err: ErrSyntax, FoldCase: true, RequireValue: true}

// Version is the only DMARC version (RFC 7489 §6.3).
const Version = "DMARC1"

// known lists every tag defined by RFC 7489 §6.3 and DMARCbis §5.3 (np,
// psd, t).
var known = map[string]bool{
	"v": true, "p": true, "sp": true, "np": true, "pct": true, "rua": true,
	"ruf": true, "adkim": true, "aspf": true, "fo": true, "rf": true,
	"ri": true, "t": true, "psd": true,
}

// Parse parses a DMARC record (the TXT record's strings already joined).
// It returns the record as far as it could be read, and an Errors value
// listing every problem, or nil. A missing p tag is reported with
// ErrMissingPolicy, and Policy is left empty: receivers treat such a
// record as p=none when it has a valid rua (DMARCbis §4.10.1), and ignore
// it otherwise.
func Parse(txt string) (*Record, error) {
	rec := &Record{
		Percent:        100,
		ADKIM:          AlignmentRelaxed,
		ASPF:           AlignmentRelaxed,
		FailureOptions: []string{"0"},
		ReportFormats:  []string{"afrf"},
		ReportInterval: 86400,
		Testing:        "n",
		PSD:            "u",
	}
	var errs Errors
	fail := func(col int, tag, format string, args ...any) {
		errs = append(errs, &SyntaxError{Col: col, Tag: tag, Msg: fmt.Sprintf(format, args...), Err: ErrSyntax})
	}

	tags, tagErrs := recordTags.Split(txt)
	errs = append(errs, tagErrs...)
	seen := map[string]int{}
	for i, t := range tags {
		if err := recordTags.Duplicate(seen, t); err != nil {
			errs = append(errs, err)
			continue
		}
		rec.Tags = append(rec.Tags, t)
		if i == 0 && t.Name != "v" {
			fail(t.Col, t.Name, "the record must start with v=DMARC1 (RFC 7489 §6.4)")
		}
		if !known[t.Name] {
			rec.Unknown = append(rec.Unknown, t)
			continue
		}
		if err := parseTag(rec, t, i); err != nil {
			if err.Col == 0 {
				err.Col = t.Col
			}
			err.Tag = t.Name
			errs = append(errs, err)
		}
	}
	if len(tags) == 0 && len(errs) == 0 {
		fail(0, "", "empty record")
	}
	if _, ok := seen["v"]; !ok && len(tags) > 0 {
		fail(0, "v", "no v=DMARC1 tag")
	}
	if _, ok := seen["p"]; !ok && len(tags) > 0 {
		errs = append(errs, &SyntaxError{Tag: "p", Msg: "required tag p is missing", Err: ErrMissingPolicy})
	}
	if len(errs) == 0 {
		return rec, nil
	}
	return rec, errs
}

// parseTag validates one known tag's value into rec. i is the tag's
// position in the record.
func parseTag(rec *Record, t Tag, i int) *SyntaxError {
	bad := func(format string, args ...any) *SyntaxError {
		return &SyntaxError{Msg: fmt.Sprintf(format, args...), Err: ErrSyntax}
	}
	v := t.Value
	switch t.Name {
	case "v":
		if i != 0 {
			return bad("v must be the first tag (RFC 7489 §6.4)")
		}
		// The version is case-sensitive: %x44 %x4d %x41 %x52 %x43 %x31.
		if v != Version {
			return bad("version %q, want DMARC1", v)
		}
		rec.Version = v
	case "p", "sp", "np":
		p, ok := parsePolicy(v)
		if !ok {
			return bad("policy %q, want none, quarantine or reject", v)
		}
		switch t.Name {
		case "p":
			rec.Policy = p
		case "sp":
			rec.SubdomainPolicy = p
		default:
			rec.NonexistentPolicy = p
		}
	case "pct":
		// dmarc-percent = "pct" *WSP "=" *WSP 1*3DIGIT, 0 to 100.
		n, ok := digits(v, 3)
		if !ok || n > 100 {
			return bad("percentage %q, want a whole number from 0 to 100", v)
		}
		rec.Percent = int(n)
	case "ri":
		// dmarc-ainterval = "ri" *WSP "=" *WSP 1*32DIGIT (seconds, 32 bits).
		n, ok := digits(v, 10)
		if !ok || n > 1<<32-1 {
			return bad("interval %q, want a number of seconds", v)
		}
		rec.ReportInterval = uint32(n)
	case "adkim", "aspf":
		var a Alignment
		switch strings.ToLower(v) {
		case "r":
			a = AlignmentRelaxed
		case "s":
			a = AlignmentStrict
		default:
			return bad("alignment %q, want r (relaxed) or s (strict)", v)
		}
		if t.Name == "adkim" {
			rec.ADKIM = a
		} else {
			rec.ASPF = a
		}
	case "fo":
		// dmarc-fo = "fo" *WSP "=" *WSP ( "0" / "1" / "d" / "s" )
		//            *(*WSP ":" *WSP ( "0" / "1" / "d" / "s" ))
		var opts []string
		for _, o := range strings.Split(v, ":") {
			o = strings.ToLower(strings.Trim(o, " \t"))
			switch o {
			case "0", "1", "d", "s":
				opts = append(opts, o)
			default:
				return bad("failure option %q, want 0, 1, d or s separated by colons", o)
			}
		}
		rec.FailureOptions = opts
	case "rf":
		var fmts []string
		for _, f := range strings.Split(v, ":") {
			f = strings.ToLower(strings.Trim(f, " \t"))
			if !isKeyword(f) {
				return bad("report format %q, want afrf", f)
			}
			fmts = append(fmts, f)
		}
		rec.ReportFormats = fmts
	case "rua", "ruf":
		uris, err := parseURIList(v, t.ValueCol)
		if err != nil {
			return err
		}
		if t.Name == "rua" {
			rec.RUA = uris
		} else {
			rec.RUF = uris
		}
	case "t":
		switch strings.ToLower(v) {
		case "y", "n":
			rec.Testing = strings.ToLower(v)
		default:
			return bad("test mode %q, want y or n", v)
		}
	case "psd":
		switch strings.ToLower(v) {
		case "y", "n", "u":
			rec.PSD = strings.ToLower(v)
		default:
			return bad("psd %q, want y, n or u", v)
		}
	}
	return nil
}

func parsePolicy(v string) (Policy, bool) {
	switch p := Policy(strings.ToLower(v)); p {
	case PolicyNone, PolicyQuarantine, PolicyReject:
		return p, true
	}
	return "", false
}

// digits parses 1 to max ASCII digits.
func digits(s string, max int) (uint64, bool) {
	if s == "" || len(s) > max {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// isKeyword matches RFC 5321's Keyword: a letter or digit, then letters,
// digits and hyphens, not ending in a hyphen.
func isKeyword(s string) bool {
	if s == "" || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '-') {
			return false
		}
	}
	return true
}
