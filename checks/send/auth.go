package send

import (
	"crypto/hmac"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
)

// AUTH mechanisms relayctl speaks (RFC 4954), strongest first for --auth
// auto with a password: CRAM-MD5 never puts the password on the wire,
// PLAIN and LOGIN do (inside TLS). XOAUTH2 is used when a token is given.
const (
	MechPLAIN   = "PLAIN"    // RFC 4616
	MechLOGIN   = "LOGIN"    // draft-murchison-sasl-login
	MechCRAMMD5 = "CRAM-MD5" // RFC 2195
	MechXOAUTH2 = "XOAUTH2"  // Google and Microsoft's OAuth 2.0 bearer form
)

var passwordMechs = []string{MechCRAMMD5, MechPLAIN, MechLOGIN}

// ParseAuth validates an --auth value.
func ParseAuth(s string) (string, error) {
	u := strings.ToUpper(s)
	switch u {
	case "", "AUTO":
		return "auto", nil
	case MechPLAIN, MechLOGIN, MechCRAMMD5, MechXOAUTH2:
		return u, nil
	}
	return "", errorf(ErrBadInput, "--auth %q: want auto, PLAIN, LOGIN, CRAM-MD5 or XOAUTH2", s)
}

// chooseMech picks the mechanism: the one asked for, else for a token
// XOAUTH2, else the strongest password mechanism the server offers.
func chooseMech(want string, offered []string, haveToken bool) (string, error) {
	has := func(m string) bool { return slices.Contains(offered, m) }
	if want != "" && want != "auto" {
		if !has(want) {
			return "", fmt.Errorf("the server does not offer AUTH %s (it offers: %s)", want, offeredList(offered))
		}
		return want, nil
	}
	if haveToken {
		if !has(MechXOAUTH2) {
			return "", fmt.Errorf("a token needs AUTH XOAUTH2, which the server does not offer (it offers: %s)", offeredList(offered))
		}
		return MechXOAUTH2, nil
	}
	for _, m := range passwordMechs {
		if has(m) {
			return m, nil
		}
	}
	return "", fmt.Errorf("the server offers no AUTH mechanism relayctl speaks (it offers: %s)", offeredList(offered))
}

func offeredList(m []string) string {
	if len(m) == 0 {
		return "none"
	}
	return strings.Join(m, " ")
}

// authenticate runs AUTH with the chosen mechanism. Every payload relayctl
// sends is registered as a secret and shown as <redacted>.
func (c *conn) authenticate(sec *secrets) *stepError {
	offered := c.caps.Auth
	if !c.has("AUTH") {
		return &stepError{failure: FailureAuth, permanent: true, err: errorf(ErrPolicy, "credentials were given but the server does not offer AUTH")}
	}
	mech, err := chooseMech(c.cfg.Auth, offered, c.cfg.Token != "")
	if err != nil {
		return &stepError{failure: FailureAuth, permanent: true, err: errorf(ErrPolicy, "%v", err)}
	}
	if mech == MechXOAUTH2 && c.cfg.Token == "" {
		return &stepError{failure: FailureAuth, err: errorf(ErrPolicy, "AUTH XOAUTH2 needs a token (RELAYCTL_TOKEN or --token-file)")}
	}
	if mech != MechXOAUTH2 && c.cfg.Password == "" {
		return &stepError{failure: FailureAuth, err: errorf(ErrPolicy, "AUTH %s needs a password (RELAYCTL_PASSWORD or --password-file)", mech)}
	}
	user, pass, token := c.cfg.User, c.cfg.Password, c.cfg.Token
	enc := func(s string) string {
		b := base64.StdEncoding.EncodeToString([]byte(s))
		sec.add(s)
		sec.add(b)
		return b
	}

	var first string
	switch mech {
	case MechPLAIN:
		// RFC 4616 §2: [authzid] NUL authcid NUL passwd.
		first = "AUTH PLAIN " + enc(plainBlob(user, pass))
	case MechXOAUTH2:
		first = "AUTH XOAUTH2 " + enc(xoauth2Blob(user, token))
	default:
		first = "AUTH " + mech
	}
	logFirst := first
	if i := strings.IndexByte(first[5:], ' '); i >= 0 {
		logFirst = first[:5+i] + " " + Redacted
	}
	r, e := c.cmd(FailureAuth, first, logFirst)
	loginStep := 0
	for rounds := 0; e == nil && r.Code == 334 && rounds < 4; rounds++ {
		var resp string
		switch mech {
		case MechLOGIN:
			// The server asks for the user name, then the password; the
			// challenges' wording varies, their order does not.
			if loginStep == 0 {
				resp = enc(user)
			} else {
				resp = enc(pass)
			}
			loginStep++
		case MechCRAMMD5:
			// RFC 2195 §2: user SP hex(HMAC-MD5(password, challenge)).
			ch, err := base64.StdEncoding.DecodeString(strings.TrimSpace(strings.Join(r.Lines, " ")))
			if err != nil {
				return &stepError{failure: FailureAuth, err: errorf(ErrProtocol, "CRAM-MD5 challenge is not base64")}
			}
			m := hmac.New(md5.New, []byte(pass))
			m.Write(ch)
			resp = enc(user + " " + hex.EncodeToString(m.Sum(nil)))
		case MechXOAUTH2:
			// An error in a 334 (base64 JSON): answer with an empty line
			// and the server sends the final failure.
			resp = ""
		default:
			// PLAIN sent everything at once; a 334 here means the server
			// wants the initial response again (RFC 4954 §4).
			resp = enc(plainBlob(user, pass))
		}
		logResp := Redacted
		if resp == "" {
			logResp = ""
		}
		r, e = c.cmd(FailureAuth, resp, logResp)
	}
	if e != nil {
		return e
	}
	if r.Code != 235 {
		if r.Code == 334 {
			c.send("*", "")
			c.bw.Flush()
			c.broken = true
			return &stepError{failure: FailureAuth, err: errorf(ErrProtocol, "AUTH %s did not finish", mech), reply: r}
		}
		return replyError(FailureAuth, r)
	}
	c.auth = mech
	return nil
}

// plainBlob is the PLAIN response (RFC 4616 §2): [authzid] NUL authcid
// NUL passwd, with no authzid.
func plainBlob(user, pass string) string { return "\x00" + user + "\x00" + pass }

// xoauth2Blob is the XOAUTH2 initial response.
func xoauth2Blob(user, token string) string {
	return "user=" + user + "\x01auth=Bearer " + token + "\x01\x01"
}

// authTiming measures the AUTH step for the record.
func since(t time.Time) int64 { return ms(time.Since(t)) }
