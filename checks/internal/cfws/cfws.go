// Package cfws splits structured header field bodies into the lexical
// tokens of RFC 5322 §3.2: words, comments (which nest, §3.2.2), quoted
// strings (§3.2.4), domain literals (§3.4.1), angle-bracketed paths and
// single special characters. The trace parser (Received, Received-SPF)
// and the Authentication-Results parser both read their fields through
// it, so a comment or a quoted string is understood the same way in both.
//
// Lexing is one pass over the input and never recurses: a comment nested
// a million deep costs what a flat one of the same length costs.
package cfws

import (
	"strconv"
	"strings"
)

// Kind is what a token is.
type Kind uint8

const (
	Word    Kind = iota // a run of characters that are neither space nor special
	Comment             // "(…)": Text is the inside, nested comments included as written
	Quoted              // "\"…\"": Text is the content with quoted-pairs undone
	Literal             // "[…]": Text is the inside
	Angle               // "<…>": Text is the inside
	Special             // one character of the grammar's specials: Text is that character
)

// Token is one lexical unit. Pos and End are byte offsets into the input
// (End exclusive), so s[Pos:End] is the token as written.
type Token struct {
	Kind Kind
	Text string
	Pos  int
	End  int
}

// Error is a lexical error at a 0-based byte offset, or a field longer
// than the caller's bound (TooLong, Pos 0).
type Error struct {
	Pos     int
	Msg     string
	TooLong bool
}

func (e *Error) Error() string { return "offset " + strconv.Itoa(e.Pos) + ": " + e.Msg }

// IsSpace reports whether c is folding white space (RFC 5322 §3.2.2 FWS,
// with the line breaks of a folded field).
func IsSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// Lex splits s into tokens. specials are the characters that stand alone
// (";" for Received, ";=./" for Authentication-Results); "(", "\"" and
// the openers in brackets ("[<" or a subset) always start their own
// token. An unterminated comment, quoted string or bracket is an error at
// the offset where it opened; the tokens before it are returned with it.
func Lex(s, specials, brackets string) ([]Token, *Error) {
	var toks []Token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case IsSpace(c):
			i++
		case c == '(':
			end, err := skipComment(s, i)
			if err != nil {
				return toks, err
			}
			toks = append(toks, Token{Kind: Comment, Text: s[i+1 : end-1], Pos: i, End: end})
			i = end
		case c == '"':
			text, end, err := quoted(s, i)
			if err != nil {
				return toks, err
			}
			toks = append(toks, Token{Kind: Quoted, Text: text, Pos: i, End: end})
			i = end
		case strings.IndexByte(brackets, c) >= 0:
			closer := byte(']')
			kind := Literal
			if c == '<' {
				closer, kind = '>', Angle
			}
			j := strings.IndexByte(s[i+1:], closer)
			if j < 0 {
				return toks, &Error{Pos: i, Msg: "unterminated " + string(c)}
			}
			end := i + 1 + j + 1
			toks = append(toks, Token{Kind: kind, Text: s[i+1 : end-1], Pos: i, End: end})
			i = end
		case strings.IndexByte(specials, c) >= 0:
			toks = append(toks, Token{Kind: Special, Text: s[i : i+1], Pos: i, End: i + 1})
			i++
		default:
			j := i
			for j < len(s) && !IsSpace(s[j]) && s[j] != '(' && s[j] != '"' &&
				strings.IndexByte(specials, s[j]) < 0 && strings.IndexByte(brackets, s[j]) < 0 {
				j++
			}
			toks = append(toks, Token{Kind: Word, Text: s[i:j], Pos: i, End: j})
			i = j
		}
	}
	return toks, nil
}

// LexField unfolds a field body and lexes it as Lex does, refusing one
// longer than max bytes unfolded before reading any of it.
func LexField(value string, max int, specials, brackets string) (string, []Token, *Error) {
	s := Unfold(value)
	if len(s) > max {
		return s, nil, &Error{Msg: "field longer than " + strconv.Itoa(max>>10) + " KiB", TooLong: true}
	}
	toks, err := Lex(s, specials, brackets)
	return s, toks, err
}

// Lower folds A-Z to a-z and nothing else, so an offset into the result
// is one into s (strings.ToLower may change the length of text that is
// not valid UTF-8 or not ASCII).
func Lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// IsDigits reports whether s is one or more ASCII digits.
func IsDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// skipComment returns the offset just past the comment opening at s[i],
// honouring nesting and quoted-pairs (RFC 5322 §3.2.2).
func skipComment(s string, i int) (int, *Error) {
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return j + 1, nil
			}
		}
	}
	return 0, &Error{Pos: i, Msg: "unterminated comment"}
}

// quoted reads the quoted string opening at s[i] (RFC 5322 §3.2.4) and
// returns its content with quoted-pairs undone.
func quoted(s string, i int) (string, int, *Error) {
	var b strings.Builder
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			if j+1 < len(s) {
				j++
				b.WriteByte(s[j])
			}
		case '"':
			return b.String(), j + 1, nil
		default:
			b.WriteByte(s[j])
		}
	}
	return "", 0, &Error{Pos: i, Msg: "unterminated quoted string"}
}

// StripComments returns s with its comments replaced by a space, for
// fields (a date) whose grammar allows CFWS anywhere. Quoted strings are
// kept as written.
func StripComments(s string) string {
	if strings.IndexByte(s, '(') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			end, err := skipComment(s, i)
			if err != nil {
				end = len(s)
			}
			b.WriteByte(' ')
			i = end - 1
		case '"':
			_, end, err := quoted(s, i)
			if err != nil {
				end = len(s)
			}
			b.WriteString(s[i:end])
			i = end - 1
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// Unfold joins the lines of a folded field (RFC 5322 §2.2.3) by deleting
// every CR and LF, so the white space that followed each line break is
// what stays. Offsets shift; parsers that report positions lex the
// unfolded text.
func Unfold(s string) string {
	if strings.IndexAny(s, "\r\n") < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\r' || s[i] == '\n' {
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
