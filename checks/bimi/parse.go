package bimi

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/relayctl/relayctl/checks/internal/textutil"
)

// ErrSyntax is wrapped by Errors.
var ErrSyntax = errors.New("bimi: invalid record")

// SyntaxError is one problem in a record, with its 1-based column.
type SyntaxError struct {
	Col int    `json:"col"`
	Tag string `json:"tag,omitempty"`
	Msg string `json:"message"`
}

func (e *SyntaxError) Error() string {
	s := fmt.Sprintf("bimi: col %d: ", e.Col)
	if e.Tag != "" {
		s += "tag " + e.Tag + ": "
	}
	return s + e.Msg
}

// Errors is every problem found in a record.
type Errors []*SyntaxError

func (es Errors) Error() string {
	var s []string
	for _, e := range es {
		s = append(s, e.Error())
	}
	return strings.Join(s, "; ")
}

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
	col := 1
	parts := strings.Split(txt, ";")
	seen := map[string]bool{}
	for i, part := range parts {
		pcol := col
		col += len(part) + 1
		lead := len(part) - len(strings.TrimLeft(part, " \t\r\n"))
		f := strings.TrimRight(part[lead:], " \t\r\n")
		pcol += lead
		if f == "" {
			if i == len(parts)-1 && i > 0 {
				continue
			}
			add(pcol, "", `empty tag (two ";" in a row, or nothing at all)`)
			continue
		}
		name, value, ok := strings.Cut(f, "=")
		if !ok {
			add(pcol, "", fmt.Sprintf("%q has no \"=\"", textutil.Clip(f, 80)))
			continue
		}
		vlead := len(value) - len(strings.TrimLeft(value, " \t\r\n"))
		vcol := pcol + len(name) + 1 + vlead
		name, value = strings.TrimRight(name, " \t\r\n"), strings.TrimSpace(value)
		if !validTagName(name) {
			add(pcol, "", fmt.Sprintf("%q is not a tag name", textutil.Clip(name, 80)))
			continue
		}
		if seen[name] {
			add(pcol, name, "the tag appears more than once")
			continue
		}
		seen[name] = true
		rec.Tags = append(rec.Tags, Tag{Name: name, Value: value, Col: pcol})
		if i == 0 {
			if name != "v" || !strings.EqualFold(value, "BIMI1") {
				add(pcol, "v", `the record must start with "v=BIMI1"`)
			} else {
				rec.Version = value
			}
			continue
		}
		switch name {
		case "v":
			add(pcol, "v", "v= must be the first tag")
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
	if rec.Version != "" && !seen["l"] {
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

// validTagName checks a tag-name (RFC 6376 §3.2): ALPHA *(ALNUM / "_").
func validTagName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alpha := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if i == 0 && !alpha || !alpha && !(c >= '0' && c <= '9') && c != '_' {
			return false
		}
	}
	return true
}
