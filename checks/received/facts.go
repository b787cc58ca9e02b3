package received

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/relayctl/relayctl/checks/internal/cfws"
)

// Field is one header field of a message: its name as written and its
// body (folded or not).
type Field struct {
	Name  string
	Value string
}

// Source says which field a fact was read from.
type Source struct {
	// Field is the field name: "Received", "Return-Path", "Received-SPF".
	Field string `json:"field"`
	// Index is the field's place among the fields of that name in header
	// order, 0 the topmost.
	Index int `json:"index"`
	// Note says why this field and not another, when there was a choice.
	Note string `json:"note,omitempty"`
}

func (s Source) String() string { return s.Field + "[" + strconv.Itoa(s.Index) + "]" }

// Fact is one thing the trace says, with where it says it. Source is nil
// when no field said it.
type Fact[T any] struct {
	Value  T       `json:"value"`
	Source *Source `json:"source,omitempty"`
}

// Known reports whether some field gave the fact.
func (f Fact[T]) Known() bool { return f.Source != nil }

// Facts are the SMTP facts of the receiving hop as the receiver recorded
// them.
type Facts struct {
	// ClientIP is the address of the client the receiver accepted the
	// message from (see TraceFacts for which Received field that is).
	ClientIP Fact[netip.Addr] `json:"client_ip"`
	// HELO is the name that client gave in HELO/EHLO.
	HELO Fact[string] `json:"helo"`
	// MailFrom is the MAIL FROM address; "" with a Source for the null
	// reverse-path "<>".
	MailFrom Fact[string] `json:"mail_from"`
	// SPF is the receiver's Received-SPF verdict; SPFErr why it could not
	// be read in full (SPF still holds what could).
	SPF    Fact[*SPF] `json:"spf"`
	SPFErr error      `json:"-"`
}

// Options tune TraceFacts.
type Options struct {
	// Internal are the receiver's own networks beyond the ones no
	// receiver reaches the Internet from (loopback, RFC 1918, RFC 6598,
	// link-local, RFC 4193): hops from them are the receiver's own.
	Internal []netip.Prefix
}

// TraceFacts reads the receiving hop's SMTP facts from a message's
// header fields in header order.
//
// The receiving hop is the Received field that records the connection
// from outside. Above it (newer) a receiver often adds hops of its own:
// a content filter or LMTP delivery "from localhost [127.0.0.1]", a
// relay between its hosts on private addresses, a local pickup or
// "from userid by" line with no address at all. So the rule is: walking
// from the topmost Received field down, skip fields whose from clause has
// no address literal; the first one whose literal is public is the
// receiving hop. If none is public (mail inside one private network, or
// a test on loopback), the first one whose literal is not loopback is;
// failing that, the first with any literal. Options.Internal adds
// networks to treat as private (Office 365's internal hops use public
// addresses, for one). The rule cannot tell a receiver's hop on a public
// address from the sender's: Received-SPF client-ip, when the receiver
// wrote one, is a second opinion the caller may compare.
//
// HELO comes from the same Received field, or from Received-SPF helo=
// when it has none. MAIL FROM comes from the topmost Return-Path (RFC 5321
// §4.4: the final delivery adds it), or from Received-SPF envelope-from,
// or from the hop's "(envelope-from …)" comment. SPF is the topmost
// Received-SPF above the receiving hop; one below it was written before
// the receiver got the message and is not the receiver's verdict.
func TraceFacts(fields []Field, opt Options) Facts { return NewTrace(fields).Facts(opt) }

// Trace is a message's header fields, in header order, with each
// Received field parsed once for both the SMTP facts (Facts) and the
// delivery path (Path).
type Trace struct {
	fields   []Field
	received []parsedReceived // header order, newest first
}

type parsedReceived struct {
	pos, index int // the field's place among all fields, among Received
	h          *Header
	err        error
}

// NewTrace parses the Received fields of fields.
func NewTrace(fields []Field) *Trace {
	t := &Trace{fields: fields}
	for pos, fl := range fields {
		if strings.EqualFold(strings.TrimSpace(fl.Name), "received") {
			h, err := Parse(fl.Value)
			t.received = append(t.received, parsedReceived{pos, len(t.received), h, err})
		}
	}
	return t
}

// Facts is TraceFacts of the trace's fields.
func (t *Trace) Facts(opt Options) Facts {
	var f Facts
	fields, hops := t.fields, t.received
	var spfPos []int
	returnPath := -1
	counts := map[string]int{}
	for pos, fl := range fields {
		name := strings.ToLower(strings.TrimSpace(fl.Name))
		counts[name]++
		switch name {
		case "received-spf":
			spfPos = append(spfPos, pos)
		case "return-path":
			if returnPath < 0 {
				returnPath = pos
			}
		}
	}

	// The receiving hop: the first public literal, else the first
	// non-loopback one, else the first literal.
	chosen, rank := -1, 0
	for i, r := range hops {
		a := r.h.From.IP
		if !a.IsValid() {
			continue
		}
		k := 1
		switch {
		case !internal(a, opt.Internal):
			k = 3
		case !a.IsLoopback():
			k = 2
		}
		if k > rank {
			chosen, rank = i, k
		}
		if k == 3 {
			break
		}
	}
	var skipped []string
	for _, r := range hops[:max(chosen, 0)] {
		switch {
		case r.h.From.IP.IsValid():
			skipped = append(skipped, "Received["+strconv.Itoa(r.index)+"] "+r.h.From.IP.String())
		case r.err != nil && r.h.From.Text == "":
			skipped = append(skipped, "Received["+strconv.Itoa(r.index)+"] unreadable")
		}
	}
	var hop *Header
	limit := len(fields) // Received-SPF above this position is the receiver's
	if chosen >= 0 {
		r := hops[chosen]
		hop, limit = r.h, r.pos
		note := "the newest Received with a public address literal"
		switch rank {
		case 2:
			note = "no Received has a public address literal; the newest with a non-loopback one"
		case 1:
			note = "only loopback address literals; the newest of them"
		}
		if len(skipped) > 0 {
			note += "; skipped: " + strings.Join(skipped, ", ")
		}
		src := &Source{Field: "Received", Index: r.index, Note: note}
		f.ClientIP = Fact[netip.Addr]{Value: hop.From.IP, Source: src}
		if hop.From.HELO != "" {
			f.HELO = Fact[string]{Value: hop.From.HELO, Source: &Source{Field: "Received", Index: r.index}}
		}
	}

	// Received-SPF: the topmost above the receiving hop.
	if len(spfPos) > 0 && spfPos[0] < limit {
		spf, err := ParseSPF(fields[spfPos[0]].Value)
		f.SPF = Fact[*SPF]{Value: spf, Source: &Source{Field: "Received-SPF", Index: 0}}
		f.SPFErr = err
	}
	spf := f.SPF.Value
	if !f.HELO.Known() && spf != nil && spf.HELO != "" {
		f.HELO = Fact[string]{Value: spf.HELO, Source: &Source{Field: "Received-SPF", Index: f.SPF.Source.Index, Note: "helo="}}
	}

	switch {
	case returnPath >= 0:
		src := &Source{Field: "Return-Path", Index: 0}
		if n := counts["return-path"]; n > 1 {
			src.Note = "the topmost of " + strconv.Itoa(n) + " Return-Path fields"
		}
		f.MailFrom = Fact[string]{Value: reversePath(fields[returnPath].Value), Source: src}
	case spf != nil && spf.EnvelopeFrom != "":
		f.MailFrom = Fact[string]{Value: strings.TrimSuffix(strings.TrimPrefix(spf.EnvelopeFrom, "<"), ">"),
			Source: &Source{Field: "Received-SPF", Index: f.SPF.Source.Index, Note: "envelope-from=; no Return-Path"}}
	case hop != nil && hop.EnvelopeFrom != "":
		f.MailFrom = Fact[string]{Value: strings.Trim(hop.EnvelopeFrom, "<>"),
			Source: &Source{Field: "Received", Index: f.ClientIP.Source.Index, Note: "(envelope-from) comment; no Return-Path"}}
	}
	return f
}

// reversePath reads a Return-Path body (RFC 5322 §3.6.7: "<addr>" or
// "<>", comments allowed) as the bare address, "" for the null path.
func reversePath(v string) string {
	v = strings.TrimSpace(cfws.StripComments(v))
	if i, j := strings.IndexByte(v, '<'), strings.LastIndexByte(v, '>'); i >= 0 && j > i {
		return strings.TrimSpace(v[i+1 : j])
	}
	return v
}

func internal(a netip.Addr, extra []netip.Prefix) bool {
	if a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsUnspecified() {
		return true
	}
	// RFC 6598 shared address space (carrier-grade NAT)
	if netip.PrefixFrom(netip.AddrFrom4([4]byte{100, 64, 0, 0}), 10).Contains(a) {
		return true
	}
	for _, p := range extra {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
