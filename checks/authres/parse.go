package authres

import (
	"errors"
	"strconv"
	"strings"

	"github.com/relayctl/relayctl/checks/internal/cfws"
)

// segment is the tokens between two top-level ';' and the offset where
// it starts.
type segment struct {
	pos  int
	toks []cfws.Token
}

// segments lexes a field body and splits it at the ';' outside comments
// and quoted strings; there is always at least one segment.
func segments(value string) ([]segment, error) {
	_, toks, lexErr := cfws.LexField(value, MaxFieldLen, ";", "")
	if lexErr != nil {
		return nil, cfws.FromLex[pkg](lexErr, ErrTooLong, ErrSyntax)
	}
	segs := []segment{{pos: 0}}
	for _, t := range toks {
		if t.Kind == cfws.Special {
			segs = append(segs, segment{pos: t.End})
			continue
		}
		cur := &segs[len(segs)-1]
		if len(cur.toks) == 0 {
			cur.pos = t.Pos
		}
		cur.toks = append(cur.toks, t)
	}
	return segs, nil
}

// Parse reads an Authentication-Results field body (what follows
// "Authentication-Results:"), folded or not. It always returns a *Header
// with Raw set and what could be read; the error, a *SyntaxError, says
// what could not and where. Results before and after an unreadable one
// are kept.
func Parse(value string) (*Header, error) {
	h := &Header{Raw: value, Version: 1}
	segs, err := segments(value)
	if err != nil {
		return h, err
	}
	return h, h.read(segs)
}

// read reads the authres-payload (RFC 8601 §2.2) split into segments.
func (h *Header) read(segs []segment) error {
	first := segs[0]
	rest := segs[1:]
	switch {
	case len(first.toks) == 0:
		return syntaxError(first.pos, ErrSyntax, "no authserv-id")
	case isPair(first.toks):
		// No authserv-id: Office 365 starts with the first resinfo.
		rest = segs
	default:
		if err := h.servID(first); err != nil {
			if errors.Is(err, ErrVersion) {
				return err
			}
			_ = h.payload(rest)
			return err
		}
	}
	return h.payload(rest)
}

// servID reads "authserv-id [CFWS authres-version]" (RFC 8601 §2.2).
func (h *Header) servID(seg segment) error {
	var words []cfws.Token
	for _, t := range seg.toks {
		if t.Kind != cfws.Comment {
			words = append(words, t)
		}
	}
	if len(words) == 0 {
		return syntaxError(seg.pos, ErrSyntax, "no authserv-id")
	}
	h.AuthServID = words[0].Text
	if len(words) == 1 {
		return nil
	}
	v := words[1]
	if len(words) > 2 || v.Kind != cfws.Word || !cfws.IsDigits(v.Text) {
		return syntaxError(v.Pos, ErrSyntax, "unexpected "+quote(v.Text)+" after the authserv-id")
	}
	n, _ := strconv.Atoi(v.Text)
	h.Version = n
	if n != 1 {
		// RFC 8601 §2.2: version 1 is the only one; a reader must not
		// guess at another's meaning.
		return syntaxError(v.Pos, ErrVersion, "authres-version "+v.Text+", only 1 is defined")
	}
	return nil
}

// payload reads the resinfos (or the "none" of no-result) after the
// authserv-id. An unreadable resinfo is skipped and the first error
// returned once every other has been read.
func (h *Header) payload(segs []segment) error {
	var err error
	for _, seg := range segs {
		if len(seg.toks) == 0 {
			continue // a trailing ';', or ";;"
		}
		if t := seg.toks[0]; len(seg.toks) == 1 && t.Kind == cfws.Word && strings.EqualFold(t.Text, "none") {
			h.NoResult = true // RFC 8601 §2.2 no-result
			continue
		}
		r, rerr := resinfo(seg)
		if rerr != nil && err == nil {
			err = rerr
		}
		if r.Method != "" {
			h.Results = append(h.Results, r)
		}
	}
	if err == nil && len(h.Results) == 0 && !h.NoResult {
		// RFC 8601 §2.2: no-result or at least one resinfo.
		err = &SyntaxError{Msg: "no results and no \"none\"", Err: ErrSyntax}
	}
	return err
}

// pair is one key=value of a resinfo.
type pair struct {
	key, value string
	pos        int
}

// pairs reads the key=value pairs of a resinfo, allowing CFWS around '='
// (RFC 8601 §2.2 methodspec, reasonspec, propspec) and a quoted value.
// A '=' inside the value is kept: SRS addresses have them. Comments go to
// comments.
func pairs(toks []cfws.Token) (ps []pair, comments []string, bad *cfws.Token) {
	for i := 0; i < len(toks); {
		t := toks[i]
		if t.Kind == cfws.Comment {
			comments = append(comments, t.Text)
			i++
			continue
		}
		k, v, next := pairAt(toks, i)
		if next == i {
			if bad == nil {
				bad = &toks[i]
			}
			i++ // read on: one stray word does not hide the pairs after it
			continue
		}
		ps = append(ps, pair{key: k, value: v, pos: t.Pos})
		i = next
	}
	return ps, comments, bad
}

// pairAt reads the pair starting at toks[i], returning the key in lower
// case, the value, and the index after it (i when there is no pair).
func pairAt(toks []cfws.Token, i int) (key, value string, next int) {
	if i >= len(toks) || toks[i].Kind != cfws.Word {
		return "", "", i
	}
	// skip returns the index of the next token that is not a comment.
	skip := func(j int) int {
		for j < len(toks) && toks[j].Kind == cfws.Comment {
			j++
		}
		return j
	}
	k, v, eq := strings.Cut(toks[i].Text, "=")
	j := i + 1
	if !eq {
		// "key = value" or "key =value"
		j = skip(j)
		if j >= len(toks) || toks[j].Kind != cfws.Word || toks[j].Text[0] != '=' {
			return "", "", i
		}
		v = toks[j].Text[1:]
		j++
	}
	if k == "" {
		return "", "", i
	}
	if v == "" {
		// "key= value", "key=\"quoted\""
		j2 := skip(j)
		if j2 < len(toks) && (toks[j2].Kind == cfws.Quoted || toks[j2].Kind == cfws.Word && !strings.Contains(toks[j2].Text, "=")) {
			v, j = toks[j2].Text, j2+1
		}
	}
	return strings.ToLower(k), v, j
}

func isPair(toks []cfws.Token) bool {
	i := 0
	for i < len(toks) && toks[i].Kind == cfws.Comment {
		i++
	}
	_, _, next := pairAt(toks, i)
	return next > i
}

// resinfo reads one "methodspec [reasonspec] *propspec" (RFC 8601 §2.2).
func resinfo(seg segment) (Result, error) {
	ps, comments, bad := pairs(seg.toks)
	if len(ps) == 0 {
		at := seg.pos
		if bad != nil {
			at = bad.Pos
		}
		return Result{}, syntaxError(at, ErrSyntax, "expected method=result")
	}
	m := ps[0]
	r := Result{Col: m.pos + 1, Comments: comments}
	r.Method, r.MethodVersion, _ = strings.Cut(m.key, "/")
	r.Method, r.MethodVersion = strings.TrimSpace(r.Method), strings.TrimSpace(r.MethodVersion)
	r.Value = Value(strings.ToLower(m.value))
	if r.Method == "" || r.Value == "" || !keyword(r.Method) || !keyword(string(r.Value)) {
		return Result{}, syntaxError(m.pos, ErrSyntax, "expected method=result, got "+quote(m.key+"="+m.value))
	}
	for _, p := range ps[1:] {
		if p.key == "reason" {
			r.Reason = p.value
			continue
		}
		typ, name, ok := strings.Cut(p.key, ".")
		if !ok {
			typ, name = "", p.key
		}
		r.Props = append(r.Props, Prop{Type: typ, Name: name, Value: p.value})
	}
	r.typed()
	if bad != nil {
		// What follows the pairs read is not a pair: keep the result,
		// report the stray text.
		return r, syntaxError(bad.Pos, ErrSyntax, "expected ptype.property=value, got "+quote(bad.Text))
	}
	return r, nil
}

// typed fills the struct of a method RFC 8601 §2.7 defines.
func (r *Result) typed() {
	switch r.Method {
	case "dkim":
		r.DKIM = &DKIM{Domain: r.Prop("header.d"), Identifier: r.Prop("header.i"), Selector: r.Prop("header.s"),
			Signature: r.Prop("header.b"), Algorithm: r.Prop("header.a")}
	case "spf":
		r.SPF = &SPF{MailFrom: r.Prop("smtp.mailfrom"), HELO: r.Prop("smtp.helo")}
	case "dmarc":
		r.DMARC = &DMARC{From: r.Prop("header.from")}
	case "arc":
		a := &ARC{Chain: r.Value, RemoteIP: r.Prop("smtp.remote-ip")}
		a.OldestPass, _ = strconv.Atoi(r.Prop("header.oldest-pass"))
		for _, c := range r.Comments {
			// Gmail and others: "arc=pass (i=2 spf=pass …)"
			for _, f := range strings.Fields(c) {
				if v, ok := strings.CutPrefix(strings.ToLower(f), "i="); ok {
					a.Instance, _ = strconv.Atoi(strings.TrimRight(v, ",;"))
				}
			}
		}
		r.ARC = a
	}
}

// keyword reports whether s is an RFC 8601 §2.2 Keyword (letters, digits
// and '-', RFC 5321 Ldh-str) — loosely: '_' too, which some write.
func keyword(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return s != ""
}
