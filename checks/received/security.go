package received

import (
	"strings"

	"github.com/relayctl/relayctl/checks/internal/cfws"
)

// State is a yes/no that the header may leave open.
type State uint8

const (
	Unknown State = iota // the header does not say
	No
	Yes
)

func (s State) String() string {
	switch s {
	case No:
		return "no"
	case Yes:
		return "yes"
	}
	return "unknown"
}

// MarshalText makes a State "yes", "no" or "unknown" in JSON.
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// classify reads a with-protocol. The IANA mail-transmission-types
// registry (RFC 3848, RFC 6531) names SMTP, ESMTP and LMTP, each with the
// UTF8 prefix and with the suffixes S (TLS), A (authenticated) and SA;
// Gmail writes SMTPS for TLS on connect, Exim the same names in lower
// case, Exchange HTTP(S) for its internal hops. A type outside these
// (Exim's "local", Exchange's "mapi") says nothing either way.
func classify(proto string) (tls, auth State) {
	p := strings.ToUpper(strings.TrimSpace(proto))
	switch p {
	case "":
		return Unknown, Unknown
	case "HTTP":
		return No, Unknown
	case "HTTPS":
		return Yes, Unknown
	case "SSMTP":
		return Yes, No
	case "MICROSOFT SMTP SERVER":
		// Exchange writes "(TLS)" or "(version=…)" after it when the hop
		// used TLS; the comment decides.
		return No, Unknown
	}
	p = strings.TrimPrefix(p, "UTF8")
	for _, base := range []string{"ESMTP", "SMTP", "LMTP"} {
		rest, ok := strings.CutPrefix(p, base)
		if !ok {
			continue
		}
		switch rest {
		case "":
			return No, No
		case "S":
			return Yes, No
		case "A":
			return No, Yes
		case "SA":
			return Yes, Yes
		}
	}
	return Unknown, Unknown
}

// security sets TLS and Authenticated from the protocol and then from
// what the MTAs write in comments, which wins over a protocol that says
// no (Postfix without smtpd_tls_received_header writes "ESMTP" and a
// "(using TLS…)" comment only when configured; Exchange writes TLS only
// in its comment).
func (h *Header) security(s string, stamp []cfws.Token) {
	h.TLS, h.Authenticated = classify(h.With)
	var text strings.Builder
	for i, t := range stamp {
		if t.Kind == cfws.Comment {
			h.tlsComment(t.Text)
			h.authComment(t.Text)
			continue
		}
		if t.Kind == cfws.Word {
			text.WriteString(t.Text)
			text.WriteByte(' ')
			// Exim 4.92+: "with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384"
			// OpenSMTPD with "received-auth": "… id X (TLSv1.3:…) auth=yes user=x"
			switch lw := cfws.Lower(t.Text); {
			case lw == "auth=yes":
				h.Authenticated = Yes
			case lw == "auth=no" && h.Authenticated != Yes:
				h.Authenticated = No
			case strings.HasPrefix(lw, "user=") && h.AuthUser == "":
				h.AuthUser = t.Text[len("user="):]
			}
			if strings.EqualFold(t.Text, "tls") && i+1 < len(stamp) && stamp[i+1].Kind == cfws.Word && !strings.Contains(stamp[i+1].Text, "=") && !isKeyword(stamp[i+1].Text) && h.TLSCipher == "" {
				h.TLS, h.TLSCipher = Yes, stamp[i+1].Text
			}
		}
	}
	// OpenSMTPD before 5.4 wrote "TLS version=… cipher=… bits=… verify=…;"
	// as a clause of its own.
	if w := text.String(); strings.Contains(cfws.Lower(w), "version=tls") || strings.Contains(cfws.Lower(w), "version=ssl") {
		h.tlsComment(w)
	}
}

func (h *Header) tlsComment(c string) {
	lc := cfws.Lower(c)
	set := func(version, cipher string) {
		h.TLS = Yes
		if h.TLSVersion == "" {
			h.TLSVersion = version
		}
		if h.TLSCipher == "" {
			h.TLSCipher = cipher
		}
	}
	switch {
	case strings.HasPrefix(lc, "using tls"), strings.HasPrefix(lc, "using ssl"):
		// Postfix: "using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)"
		f := strings.Fields(c)
		cipher := ""
		if len(f) >= 5 && strings.EqualFold(f[2], "with") && strings.EqualFold(f[3], "cipher") {
			cipher = f[4]
		}
		set(f[1], cipher)
	case strings.Contains(lc, "version=tls"), strings.Contains(lc, "version=ssl"):
		// Exchange "version=TLS1_2, cipher=…", Sendmail "version=TLSv1.3 cipher=… bits=…"
		set(paramValue(c, "version="), paramValue(c, "cipher="))
	case tlsVersionWord(lc):
		// Exim "(TLS1.3)", older Exim and OpenSMTPD "(TLSv1.2:ECDHE-RSA-AES256-GCM-SHA384:256[:NO])"
		parts := strings.Split(strings.TrimSpace(c), ":")
		cipher := ""
		if len(parts) > 1 {
			cipher = parts[1]
		}
		set(parts[0], cipher)
	case strings.Contains(lc, "tls: "):
		// Courier: "AUTH: LOGIN user, TLS: TLSv1/SSLv3,256bits,AES256-SHA"
		rest := c[strings.Index(lc, "tls: ")+len("tls: "):]
		parts := strings.Split(rest, ",")
		cipher := ""
		if len(parts) >= 3 {
			cipher = strings.TrimSpace(parts[2])
		}
		set(strings.TrimSpace(parts[0]), strings.TrimRight(cipher, ")"))
	case lc == "tls", lc == "google transport security", strings.HasSuffix(lc, " encrypted"):
		// Exchange "(TLS)", Gmail, the qmail TLS patch "(DHE-RSA-AES256-SHA encrypted)"
		cipher := ""
		if strings.HasSuffix(lc, " encrypted") {
			cipher = strings.Fields(c)[0]
		}
		set("", cipher)
	}
}

// tlsVersionWord reports whether s is one word that starts with a
// protocol version — "tls1.3", "tlsv1.2", "sslv3", "tls1_2" — alone or
// followed by ":" (Exim's and OpenSMTPD's "version:cipher:bits"), so a
// host name such as "tls1.example.net" is not taken for one.
func tlsVersionWord(s string) bool {
	if strings.ContainsAny(s, " \t[") {
		return false
	}
	rest, ok := strings.CutPrefix(s, "tls")
	if !ok {
		rest, ok = strings.CutPrefix(s, "ssl")
	}
	if !ok {
		return false
	}
	rest = strings.TrimPrefix(rest, "v")
	if v, _, found := strings.Cut(rest, ":"); found {
		rest = v
	}
	major, minor, dotted := strings.Cut(strings.Replace(rest, "_", ".", 1), ".")
	return cfws.IsDigits(major) && (!dotted || cfws.IsDigits(minor))
}

// paramValue returns the value after key (matched without case) up to a
// space, comma, semicolon or parenthesis.
func paramValue(s, key string) string {
	i := strings.Index(cfws.Lower(s), key)
	if i < 0 {
		return ""
	}
	v := s[i+len(key):]
	if j := strings.IndexAny(v, " ,;()\t"); j >= 0 {
		v = v[:j]
	}
	return v
}

func (h *Header) authComment(c string) {
	lc := cfws.Lower(strings.TrimSpace(c))
	switch {
	case strings.HasPrefix(lc, "authenticated sender:"):
		// Postfix smtpd_sasl_authenticated_header
		h.Authenticated = Yes
		h.AuthUser = strings.TrimSpace(strings.TrimSpace(c)[len("authenticated sender:"):])
	case strings.HasPrefix(lc, "authenticated"):
		// Sendmail "(authenticated bits=0)", "(authenticated as user)"
		h.Authenticated = Yes
	case strings.HasPrefix(lc, "auth: "):
		// Courier "AUTH: LOGIN user@example.com, TLS: …"
		h.Authenticated = Yes
		if f := strings.Fields(strings.SplitN(c, ",", 2)[0]); len(f) >= 3 {
			h.AuthUser = f[2]
		}
	}
}
