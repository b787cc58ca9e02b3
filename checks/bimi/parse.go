package bimi

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/internal/taglist"
	"github.com/relayctl/relayctl/internal/textutil"
)

// recordTags reads an assertion record: DKIM's tag-list (RFC 6376 §3.2)
// without empty tags.
var recordTags = taglist.Grammar[pkg]{Err: ErrSyntax, NoEmpty: true}

// pkg names this package in the taglist errors it converts.
type pkg struct{}

func (pkg) Prefix() string { return "bimi: " }

// ErrSyntax is wrapped by Errors.
var ErrSyntax = errors.New("bimi: invalid record")

// SyntaxError is one problem in a record, with its 1-based column.
type SyntaxError struct {
	Col int    `json:"col"`
	Tag string `json:"tag,omitempty"`
	Msg string `json:"message"`
}

func (e *SyntaxError) Error() string { return "bimi: " + e.Message() }

// Message is the error for a person: column, tag and what is wrong,
// without the package prefix (checks.Messager).
func (e *SyntaxError) Message() string {
	s := fmt.Sprintf("col %d: ", e.Col)
	if e.Tag != "" {
		s += "tag " + e.Tag + ": "
	}
	return s + e.Msg
}

// Errors is every problem found in a record.
type Errors []*SyntaxError

func (es Errors) Error() string { return checks.JoinErrors(es) }

// Message is every error's Message, joined with "; ".
func (es Errors) Message() string { return checks.JoinMessages(es) }

func (es Errors) Unwrap() error { return ErrSyntax }

// IsRecord reports whether a TXT record is a BIMI assertion record for
// receivers: its first tag is v=BIMI1 (§7.2 steps 4 and 7). The ABNF
// literal is case-insensitive, so v=bimi1 counts too.
func IsRecord(txt string) bool {
	name, value, ok := firstTag(txt)
	return ok && name == "v" && strings.EqualFold(value, "BIMI1")
}

// looksLikeRecord reports whether a TXT record was meant as BIMI though
// receivers discard it.
func looksLikeRecord(txt string) bool {
	s := strings.ToLower(txt)
	return strings.Contains(s, "bimi") || strings.HasPrefix(strings.TrimSpace(s), "l=")
}

func firstTag(txt string) (name, value string, ok bool) {
	first, _, _ := strings.Cut(txt, ";")
	n, v, ok := strings.Cut(first, "=")
	return strings.TrimSpace(n), strings.TrimSpace(v), ok
}

// imageSuffixes are formats that are not SVG: an l= URI ending in one of
// them is a permanent error (§4.3.2).
var imageSuffixes = []string{".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".ico", ".tif", ".tiff", ".avif", ".heic"}

// Parse parses a BIMI assertion record. The syntax is DKIM's tag list
// (RFC 6376 §3.2: "name=value" separated by ";", white space around
// either allowed); v=BIMI1 must come first; l= is required, empty (a
// declination) or one https URI; a= is empty or one https URI; lps=
// is true or false; avp= is personal or brand; a tag may appear once;
// unknown tags are listed. The error is Errors (with columns) or nil;
// the record holds what could be read either way.
func Parse(txt string) (*Record, error) {
	rec := &Record{Tags: []Tag{}}
	var errs Errors
	add := func(col int, tag, msg string) {
		errs = append(errs, &SyntaxError{Col: col, Tag: tag, Msg: msg})
	}
	tags, terrs := recordTags.Read(txt, 1)
	for _, e := range terrs {
		add(e.Col, e.Tag, e.Msg)
	}
	for i, t := range tags {
		name, value, vcol := t.Name, t.Value, t.ValueCol
		rec.Tags = append(rec.Tags, Tag{Name: name, Value: value, Col: t.Col})
		// The first tag of the record, not merely the first that could
		// be read, must be v=BIMI1.
		if i == 0 && !strings.Contains(txt[:t.Col-1], ";") {
			if name != "v" || !strings.EqualFold(value, "BIMI1") {
				add(t.Col, "v", `the record must start with "v=BIMI1"`)
			} else {
				rec.Version = value
			}
			continue
		}
		switch name {
		case "v":
			add(t.Col, "v", "v= must be the first tag")
		case "l":
			rec.Location = value
			if msg := checkURI(value, true); msg != "" {
				add(vcol, "l", msg)
			}
		case "a":
			rec.Authority = value
			if msg := checkURI(value, false); msg != "" {
				add(vcol, "a", msg)
			}
		case "lps":
			switch value {
			case "true":
				rec.LPS = true
			case "false":
			default:
				add(vcol, "lps", fmt.Sprintf("%q is not true or false", textutil.Clip(value, 80)))
			}
		case "avp":
			switch value {
			case "brand", "personal":
				rec.AVP = value
			default:
				add(vcol, "avp", fmt.Sprintf("%q is not brand or personal", textutil.Clip(value, 80)))
			}
		default:
			rec.Unknown = append(rec.Unknown, name)
		}
	}
	slices.SortStableFunc(errs, func(a, b *SyntaxError) int { return a.Col - b.Col })
	if rec.Version != "" && !taglist.Has(tags, "l") {
		add(len(txt)+1, "l", "the required l= tag is missing (write l= empty to decline)")
	}
	if len(errs) == 0 {
		return rec, nil
	}
	return rec, errs
}

// checkURI checks an l= or a= value: empty, or one https URI with a
// fully qualified host; for l=, not a path naming another image format.
func checkURI(v string, logo bool) string {
	if v == "" {
		return ""
	}
	if strings.Contains(v, ",") {
		return "one URI only (a comma inside a URI must be written %2C)"
	}
	if strings.ContainsAny(v, " \t") {
		return fmt.Sprintf("%q holds white space", textutil.Clip(v, 80))
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" {
		return fmt.Sprintf("%q is not a URI", textutil.Clip(v, 80))
	}
	if !strings.EqualFold(u.Scheme, "https") {
		return fmt.Sprintf("%q must use https", textutil.Clip(v, 80))
	}
	if u.Hostname() == "" || !strings.Contains(u.Hostname(), ".") || u.User != nil {
		return fmt.Sprintf("%q needs a fully qualified host name", textutil.Clip(v, 80))
	}
	if logo {
		ext := strings.ToLower(path.Ext(u.Path))
		for _, s := range imageSuffixes {
			if ext == s {
				return fmt.Sprintf("%q names a %s image; BIMI indicators must be SVG", textutil.Clip(v, 80), strings.TrimPrefix(ext, "."))
			}
		}
	}
	return ""
}
