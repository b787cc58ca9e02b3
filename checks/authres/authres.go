// Package authres reads Authentication-Results header fields (RFC 8601)
// and the ARC-Authentication-Results fields of an ARC set (RFC 8617
// §4.1.1): what each verifier on the way says it checked (DKIM, SPF,
// DMARC, ARC, and methods this package does not know), and whether the
// verifier is one the caller trusts.
//
// RFC 8601 §5: a field is believed only when its authserv-id names a
// verifier the reader trusts, because anyone upstream can write one.
// Untrusted fields are still read and reported, with Trusted false.
//
// The result values are go-msgauth's authres.ResultValue, so results read
// here can be given to that package's Format. Its Parse is not used: it
// splits the field on every ';' and every space, so a comment or a quoted
// reason containing either breaks it; it ignores comments and
// "method/version"; it drops header.s, header.b and the ptype of every
// property; and it refuses a field whose authserv-id is followed by a
// comment (authres_test.go pins these cases).
package authres

import (
	"errors"
	"strconv"
	"strings"

	msgauth "github.com/emersion/go-msgauth/authres"

	"github.com/relayctl/relayctl/checks/internal/cfws"
)

// MaxFieldLen bounds the unfolded body of one field; a longer one is
// reported, not read.
const MaxFieldLen = 64 << 10

// Sentinel errors; every *SyntaxError wraps one of them.
var (
	ErrSyntax   = errors.New("authres: syntax error")
	ErrVersion  = errors.New("authres: unsupported version")
	ErrInstance = errors.New("authres: bad ARC instance")
	ErrTooLong  = errors.New("authres: field too long")
)

type pkg struct{}

func (pkg) Prefix() string { return "authres" }

// SyntaxError is a problem at a 1-based byte column of the unfolded field
// body. Error() starts "authres: "; Message() is the same without it.
type SyntaxError = cfws.SyntaxError[pkg]

func syntaxError(pos int, kind error, msg string) *SyntaxError { return cfws.At[pkg](pos, kind, msg) }

// Value is a result value (RFC 8601 §2.7): pass, fail, none, softfail,
// neutral, temperror, permerror, policy, …, always in lower case.
type Value = msgauth.ResultValue

// Header is one Authentication-Results field.
type Header struct {
	// AuthServID names the verifier (RFC 8601 §2.5); "" when the field
	// has none (Office 365 writes its fields without one), which no
	// trusted list can match.
	AuthServID string `json:"authserv_id"`
	// Version is the authres-version, 1 when absent (RFC 8601 §2.2).
	Version int `json:"version"`
	// NoResult is the "; none" form: the verifier checked nothing.
	NoResult bool     `json:"no_result,omitempty"`
	Results  []Result `json:"results"`
	// Trusted is set by Trust: AuthServID is in the caller's list.
	Trusted bool `json:"trusted"`
	// Raw is the field body as given.
	Raw string `json:"raw"`
}

// ARCHeader is an ARC-Authentication-Results field: the instance of the
// ARC set it belongs to and the Authentication-Results payload that
// hop's verifier recorded.
type ARCHeader struct {
	Instance int `json:"instance"`
	Header
}

// Result is one resinfo: a method's verdict and the properties it names.
type Result struct {
	// Method is the method name in lower case ("dkim", "spf", "dmarc",
	// "arc", "iprev", "auth", "compauth", …); MethodVersion its "/n".
	Method        string `json:"method"`
	MethodVersion string `json:"method_version,omitempty"`
	Value         Value  `json:"result"`
	Reason        string `json:"reason,omitempty"`
	// Props are the ptype.property=value pairs in order; a pair without
	// a ptype (Office 365's "action=none") has Type "".
	Props []Prop `json:"props,omitempty"`
	// Comments are the comments in the resinfo, without parentheses.
	Comments []string `json:"comments,omitempty"`
	// Col is the 1-based column of the method in the unfolded field.
	Col int `json:"col"`

	// The properties of the methods RFC 8601 §2.7 defines, set by method.
	DKIM  *DKIM  `json:"dkim,omitempty"`
	SPF   *SPF   `json:"spf,omitempty"`
	DMARC *DMARC `json:"dmarc,omitempty"`
	ARC   *ARC   `json:"arc,omitempty"`
}

// Prop is one property (RFC 8601 §2.3).
type Prop struct {
	Type  string `json:"type"` // smtp, header, body, policy
	Name  string `json:"name"`
	Value string `json:"value"`
}

// DKIM is what a dkim result names (RFC 8601 §2.7.1, RFC 6008 header.b).
type DKIM struct {
	Domain     string `json:"header_d,omitempty"`
	Identifier string `json:"header_i,omitempty"`
	Selector   string `json:"header_s,omitempty"`
	Signature  string `json:"header_b,omitempty"` // the first characters of b=
	Algorithm  string `json:"header_a,omitempty"`
}

// SPF is what an spf result names (RFC 8601 §2.7.2).
type SPF struct {
	MailFrom string `json:"smtp_mailfrom,omitempty"`
	HELO     string `json:"smtp_helo,omitempty"`
}

// DMARC is what a dmarc result names (RFC 7489 §11.2).
type DMARC struct {
	From string `json:"header_from,omitempty"`
}

// ARC is what an arc result names (RFC 8617 §10.2): the value is the
// chain validation status; Instance is the "i=" many verifiers put in
// the comment (0 when absent).
type ARC struct {
	Chain      Value  `json:"chain"`
	OldestPass int    `json:"oldest_pass,omitempty"`
	RemoteIP   string `json:"remote_ip,omitempty"`
	Instance   int    `json:"instance,omitempty"`
}

// Prop returns the value of the property "ptype.name" ("header.d"), ""
// when absent.
func (r Result) Prop(name string) string {
	typ, prop, ok := strings.Cut(name, ".")
	if !ok {
		typ, prop = "", name // a property without a ptype ("action")
	}
	for _, p := range r.Props {
		if strings.EqualFold(p.Type, typ) && strings.EqualFold(p.Name, prop) {
			return p.Value
		}
	}
	return ""
}

// Trust sets Trusted: the authserv-id is one of ids (compared without
// case and a trailing dot, RFC 8601 §2.5 uses domain names). A field
// without an authserv-id is never trusted.
func (h *Header) Trust(ids []string) {
	h.Trusted = false
	id := strings.TrimSuffix(h.AuthServID, ".")
	if id == "" {
		return
	}
	for _, t := range ids {
		if strings.EqualFold(strings.TrimSuffix(strings.TrimSpace(t), "."), id) {
			h.Trusted = true
			return
		}
	}
}

// Entry is one field of a message as read by ParseAll.
type Entry struct {
	// Index is the field's place among the Authentication-Results fields
	// in header order, 0 the topmost.
	Index  int     `json:"index"`
	Header *Header `json:"header"`
	Err    error   `json:"-"`
}

// ParseAll reads every Authentication-Results field body of a message in
// header order and marks those whose authserv-id is in trusted. A field
// that cannot be read in full is kept with its error.
func ParseAll(values []string, trusted []string) []Entry {
	out := make([]Entry, len(values))
	for i, v := range values {
		h, err := Parse(v)
		h.Trust(trusted)
		out[i] = Entry{Index: i, Header: h, Err: err}
	}
	return out
}

// Trusted returns the results of the trusted fields, in header order.
func Trusted(entries []Entry) []Result {
	var out []Result
	for _, e := range entries {
		if e.Header.Trusted {
			out = append(out, e.Header.Results...)
		}
	}
	return out
}

// ParseARC reads an ARC-Authentication-Results field body: "i=N;" then
// an Authentication-Results payload (RFC 8617 §4.1.1). It always
// returns an *ARCHeader with Raw set; Instance is 0 when unreadable.
func ParseARC(value string) (*ARCHeader, error) {
	a := &ARCHeader{Header: Header{Raw: value, Version: 1}}
	segs, err := segments(value)
	if err != nil {
		return a, err
	}
	inst := segs[0]
	k, v, next := pairAt(inst.toks, 0)
	n, convErr := strconv.Atoi(v)
	// RFC 8617 §4.2.1: instances run from 1 to 50.
	if next != len(inst.toks) || k != "i" || convErr != nil || n < 1 || n > 50 || v[0] == '+' || len(segs) < 2 {
		return a, syntaxError(inst.pos, ErrInstance, "expected i=1 to i=50 and ';' first")
	}
	a.Instance = n
	return a, a.Header.read(segs[1:])
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strconv.Quote(s)
}
