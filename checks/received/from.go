package received

import (
	"net/netip"
	"strings"

	"github.com/relayctl/relayctl/checks/internal/cfws"
)

// from reads the from clause: its name (or address literal) and the
// TCP-info comments after it. RFC 5321 §4.4 puts "(name [literal])" in
// one comment; MTAs vary it:
//
//	Postfix, Sendmail, OpenSMTPD, Courier   helo (rdns [192.0.2.1])     "unknown" when no rDNS
//	Sendmail with ident                     helo (user@rdns [192.0.2.1])
//	OpenSMTPD, IPv6                         helo (rdns 2001:db8::1)
//	Exim                                    rdns ([192.0.2.1]:port helo=h) or [192.0.2.1] (port=p helo=h)
//	qmail                                   rdns (HELO h) (192.0.2.1)  "unknown" when no rDNS
//	Zimbra mailboxd LMTP                    host (LHLO h) (192.0.2.1)
//	Exchange, Office 365                    helo (192.0.2.1)
//	Gmail                                   helo (rdns. [192.0.2.1])
func (h *Header) from(s string, body []cfws.Token) {
	f := &h.From
	first, lastTok := body[0], body[0]
	var literal netip.Addr
	switch first.Kind {
	case cfws.Literal:
		f.Name = "[" + first.Text + "]"
		literal = parseLiteral(first.Text)
	case cfws.Word, cfws.Quoted, cfws.Angle:
		f.Name = strings.TrimSuffix(first.Text, ".")
		if first.Kind == cfws.Word {
			// "from 192.0.2.1 by …": an address without its brackets,
			// which webmail front ends write, counts as a literal.
			literal = parseLiteral(first.Text)
		}
	}
	bare := first.Kind == cfws.Literal || literal.IsValid()
	var helo, rdns string
	var ip netip.Addr
	heloForm := false
	for _, t := range body[1:] {
		if t.Kind != cfws.Comment {
			break
		}
		c := tcpInfo(t.Text)
		if c.ip.IsValid() || c.helo != "" || lastTok == first {
			lastTok = t // Text ends with the TCP-info, not a TLS comment after it
		}
		if c.helo != "" {
			helo, heloForm = c.helo, true
		}
		if c.ip.IsValid() && !ip.IsValid() {
			ip, rdns = c.ip, c.name
		}
	}
	f.Text = s[first.Pos:lastTok.End]
	f.IP = ip
	if !f.IP.IsValid() {
		f.IP = literal
	}
	if heloForm {
		// Exim and qmail: the clause's own name is the receiver's
		// reverse lookup (or the bare address, or "unknown").
		f.HELO = helo
		if !bare && !unknownName(f.Name) {
			f.RDNS = f.Name
		}
		return
	}
	// A bare address with no TCP-info is Exim's "[192.0.2.1] (port=…)"
	// for a client that sent no HELO: the receiver's record, not a claim.
	if !bare || ip.IsValid() {
		f.HELO = f.Name
	}
	if !unknownName(rdns) {
		f.RDNS = rdns
	}
}

// tcpInfoComment is what one comment of a from clause says.
type tcpInfoComment struct {
	name string // the name before the address
	ip   netip.Addr
	helo string // "helo=x" (Exim), "HELO x" (qmail), "LHLO x" (Zimbra's LMTP)
}

func tcpInfo(text string) tcpInfoComment {
	var c tcpInfoComment
	toks, err := cfws.Lex(text, "", "[<")
	if err != nil {
		toks = toks[:0]
		for _, w := range strings.Fields(text) {
			toks = append(toks, cfws.Token{Kind: cfws.Word, Text: w})
		}
	}
	prev := ""
	for i, t := range toks {
		switch t.Kind {
		case cfws.Literal:
			if a := parseLiteral(t.Text); a.IsValid() && !c.ip.IsValid() {
				c.ip, c.name = a, prev
			}
			prev = ""
		case cfws.Word:
			lw := cfws.Lower(t.Text)
			switch {
			case strings.HasPrefix(lw, "helo="):
				c.helo = strings.TrimSuffix(t.Text[len("helo="):], ")")
			case (lw == "helo" || lw == "ehlo" || lw == "lhlo") && i+1 < len(toks) && toks[i+1].Kind == cfws.Word:
				c.helo = toks[i+1].Text
			case strings.Contains(lw, "="), strings.HasPrefix(lw, ":"):
				// port=, ident=, or the ":port" after an Exim literal
			default:
				if a := parseLiteral(t.Text); a.IsValid() {
					if !c.ip.IsValid() {
						c.ip, c.name = a, prev
					}
					prev = ""
					continue
				}
				if prev == "" && !c.ip.IsValid() {
					prev = t.Text
				}
			}
		case cfws.Angle:
			if prev == "" && !c.ip.IsValid() {
				prev = "<" + t.Text + ">" // OpenSMTPD's "<unknown>"
			}
		}
	}
	if i := strings.LastIndexByte(c.name, '@'); i >= 0 {
		c.name = c.name[i+1:] // Sendmail's ident "user@rdns"
	}
	c.name = strings.TrimSuffix(c.name, ".")
	return c
}

// unknownName reports whether a name stands for "no name": Postfix and
// qmail write "unknown" when the reverse lookup failed, OpenSMTPD
// "<unknown>".
func unknownName(s string) bool {
	return s == "" || strings.EqualFold(s, "unknown") || strings.EqualFold(s, "<unknown>")
}

// parseLiteral reads an address literal's inside (RFC 5321 §4.1.3:
// "192.0.2.1", "IPv6:2001:db8::1") and the forms MTAs write without the
// tag ("2001:db8::1", "::ffff:192.0.2.1"), with an optional zone. An
// IPv4-mapped address is returned as IPv4.
func parseLiteral(s string) netip.Addr {
	if rest, ok := cutPrefixFold(s, "IPv6:"); ok {
		s = rest
	}
	if len(s) < 2 || len(s) > 64 {
		return netip.Addr{}
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}
	}
	return a.WithZone("").Unmap()
}
