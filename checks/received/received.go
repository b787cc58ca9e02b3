package received

import (
	"net/netip"
	"strings"
	"time"

	"github.com/relayctl/relayctl/checks/internal/cfws"
)

// MaxFieldLen bounds the unfolded body of one field. A real Received
// field is a few hundred bytes; one past this is reported, not read.
const MaxFieldLen = 64 << 10

// Header is one Received field as read.
type Header struct {
	From From   `json:"from"`
	By   string `json:"by,omitempty"`   // the receiving host, as it named itself
	Via  string `json:"via,omitempty"`  // the link (RFC 5321 §4.4 Via), rarely written
	With string `json:"with,omitempty"` // the protocol ("ESMTPS", "esmtpsa", "Microsoft SMTP Server", "LMTP")
	ID   string `json:"id,omitempty"`   // the receiver's queue or message id
	For  string `json:"for,omitempty"`  // the one recipient, without angle brackets

	// EnvelopeFrom is the "(envelope-from <…>)" comment Exim, Sendmail
	// and some Postfix builds add; "" when absent, "<>" for the null path.
	EnvelopeFrom string `json:"envelope_from,omitempty"`

	// Date is the date-time after the last ';'; zero when unreadable.
	Date time.Time `json:"date"`

	// TLS says whether the hop ran over TLS: from the protocol (RFC 3848
	// ESMTPS and the other S types of the IANA mail-transmission-types
	// registry) or from the comment an MTA adds ("using TLSv1.3 with
	// cipher …", "version=TLS1_2, cipher=…"). TLSVersion and TLSCipher
	// are what the comment names, when it does.
	TLS        State  `json:"tls"`
	TLSVersion string `json:"tls_version,omitempty"`
	TLSCipher  string `json:"tls_cipher,omitempty"`

	// Authenticated says whether the client authenticated (ESMTPA,
	// ESMTPSA, "(Authenticated sender: …)", Sendmail's "(authenticated
	// bits=…)"); AuthUser is the name when the header shows it.
	Authenticated State  `json:"authenticated"`
	AuthUser      string `json:"auth_user,omitempty"`

	// Comments are the top-level comments, without their parentheses.
	Comments []string `json:"comments,omitempty"`

	// Raw is the field body exactly as given.
	Raw string `json:"raw"`
}

// From is the from clause: who the receiver says connected.
type From struct {
	// Name is the name the clause starts with. Postfix, Sendmail,
	// OpenSMTPD, Courier, Gmail and Exchange write the client's HELO
	// argument there; Exim and qmail write the reverse-DNS name (or the
	// address, or "unknown") and put the HELO name in the comment.
	Name string `json:"name,omitempty"`
	// HELO is the name the client gave in HELO/EHLO: "helo=" (Exim) or
	// "(HELO …)" (qmail) when the comment has it, otherwise Name.
	HELO string `json:"helo,omitempty"`
	// RDNS is the reverse-DNS name the receiver recorded; "" when it
	// recorded none ("unknown") or the form does not say.
	RDNS string `json:"rdns,omitempty"`
	// IP is the address literal of the TCP-info (RFC 5321 §4.4), or of
	// the clause itself when it has no TCP-info; invalid when none.
	IP netip.Addr `json:"ip,omitzero"`
	// Text is the clause as written, "" when the field has no from clause.
	Text string `json:"text,omitempty"`
}

// Parse reads one Received field body (what follows "Received:"),
// folded or not. It always returns a *Header with Raw set and what could
// be read; the error, a *SyntaxError, says what could not and where.
func Parse(value string) (*Header, error) {
	h := &Header{Raw: value}
	s, toks, lexErr := cfws.LexField(value, MaxFieldLen, ";", "[<")
	if lexErr != nil {
		return h, lexError(lexErr)
	}
	last := -1
	for i, t := range toks {
		if t.Kind == cfws.Special {
			last = i
		}
	}
	var err error
	stamp := toks
	if last < 0 {
		err = syntaxError(len(s), ErrNoDate, "no ';' before a date-time")
	} else {
		stamp = toks[:last]
		// Courier writes "…; date id X": clause keywords after the date
		// belong to the stamp.
		dateEnd, rest := len(s), toks[last+1:]
		for i, t := range rest {
			if t.Kind == cfws.Word && isKeyword(t.Text) {
				dateEnd = t.Pos
				stamp = append(stamp[:last:last], rest[i:]...)
				break
			}
		}
		dateStart := toks[last].End
		t, problem := parseDate(s[dateStart:dateEnd])
		if problem != "" {
			for dateStart < dateEnd && cfws.IsSpace(s[dateStart]) {
				dateStart++
			}
			err = syntaxError(dateStart, ErrBadDate, "date-time: "+problem)
		} else {
			h.Date = t
		}
	}
	if cerr := h.clauses(s, stamp); cerr != nil && err == nil {
		err = cerr
	}
	h.security(s, stamp)
	return h, err
}

var keywords = [...]string{"from", "by", "via", "with", "id", "for"}

func isKeyword(w string) bool {
	for _, k := range keywords {
		if strings.EqualFold(w, k) {
			return true
		}
	}
	return false
}

// clauses splits the stamp into its clauses (RFC 5321 §4.4 From-domain,
// By-domain, Opt-info) and reads each. A keyword starts a clause; the
// token after it is its value whatever it reads like; everything up to
// the next keyword (comments, words of unregistered clauses) belongs to
// it. Only comments may come before the first clause (qmail's "(qmail
// 123 invoked by uid 89)", Sendmail's "(from user@localhost)").
func (h *Header) clauses(s string, stamp []cfws.Token) error {
	var err error
	seen := map[string]bool{}
	for i := 0; i < len(stamp); {
		t := stamp[i]
		if t.Kind == cfws.Special {
			i++ // the separators of OpenSMTPD's old multi-';' form
			continue
		}
		if t.Kind == cfws.Comment {
			h.Comments = append(h.Comments, t.Text)
			if rest, ok := cutPrefixFold(strings.TrimSpace(t.Text), "from "); ok && h.From.Text == "" {
				h.From.Name, h.From.Text = strings.TrimSpace(rest), t.Text // Sendmail's local submission
			}
			i++
			continue
		}
		if t.Kind != cfws.Word || !isKeyword(t.Text) {
			if err == nil {
				err = syntaxError(t.Pos, ErrSyntax, "expected a from, by, via, with, id or for clause at "+quote(t.Text))
			}
			i++
			continue
		}
		j := i + 2
		for j < len(stamp) && !(stamp[j].Kind == cfws.Word && isKeyword(stamp[j].Text)) {
			j++
		}
		if j > len(stamp) {
			j = len(stamp)
		}
		kw, body := strings.ToLower(t.Text), stamp[i+1:j]
		for _, b := range body {
			if b.Kind == cfws.Comment {
				h.Comments = append(h.Comments, b.Text)
				h.envelopeFrom(b.Text)
			}
		}
		v := 0 // the value: the first token that is not a comment
		for v < len(body) && body[v].Kind == cfws.Comment {
			v++
		}
		if v == len(body) || body[v].Kind == cfws.Special {
			if err == nil {
				err = syntaxError(t.End, ErrSyntax, "clause "+kw+" without a value")
			}
		} else if !seen[kw] {
			seen[kw] = true
			h.clause(kw, s, body[v:])
		}
		i = j
	}
	// "with local" (Exim, Sendmail): a local process handed the message
	// in without SMTP, and the from name is its login, not a HELO name.
	if strings.EqualFold(h.With, "local") && !h.From.IP.IsValid() {
		h.From.HELO = ""
	}
	return err
}

func (h *Header) clause(kw, s string, body []cfws.Token) {
	v := body[0]
	switch kw {
	case "from":
		h.from(s, body)
	case "by":
		h.By = hostName(v)
	case "via":
		h.Via = strings.Join(leadingWords(body), " ") // Exchange: "via Frontend Transport"
	case "with":
		h.With = protocol(body)
	case "id":
		h.ID = v.Text
		if v.Kind == cfws.Angle {
			h.ID = "<" + v.Text + ">"
		}
	case "for":
		h.For = v.Text
	}
}

// protocol is the with clause's value: its first word, or the three
// words of Exchange's "Microsoft SMTP Server".
func protocol(body []cfws.Token) string {
	words := leadingWords(body)
	switch {
	case len(words) == 0:
		return ""
	case strings.EqualFold(words[0], "Microsoft") && len(words) >= 3:
		return strings.Join(words[:3], " ")
	}
	return words[0]
}

// leadingWords are the words of a clause body up to the first token that
// is not a word, comments before the first word skipped (the qmail TLS
// patch writes "with (cipher encrypted) SMTP").
func leadingWords(body []cfws.Token) []string {
	var words []string
	for _, t := range body {
		if t.Kind == cfws.Word {
			words = append(words, t.Text)
		} else if len(words) > 0 {
			break
		}
	}
	return words
}

func (h *Header) envelopeFrom(comment string) {
	if rest, ok := cutPrefixFold(strings.TrimSpace(comment), "envelope-from "); ok && h.EnvelopeFrom == "" {
		rest = strings.TrimSpace(rest)
		if i := strings.IndexAny(rest, " ;"); i >= 0 {
			rest = rest[:i]
		}
		if rest == "<>" {
			h.EnvelopeFrom = rest
		} else {
			h.EnvelopeFrom = strings.Trim(rest, "<>")
		}
	}
}

// hostName is a domain or address-literal value as written, without the
// trailing root dot some MTAs print.
func hostName(t cfws.Token) string {
	if t.Kind == cfws.Literal {
		return "[" + t.Text + "]"
	}
	return strings.TrimSuffix(t.Text, ".")
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}
