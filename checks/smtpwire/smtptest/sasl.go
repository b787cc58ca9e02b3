package smtptest

import (
	"crypto/hmac"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/emersion/go-smtp"
)

// loginServer is the server side of AUTH LOGIN: two challenges, user
// name then password.
type loginServer struct {
	check func(user, pass string) error
	step  int
	user  string
}

func (l *loginServer) Next(resp []byte) ([]byte, bool, error) {
	switch l.step {
	case 0:
		l.step++
		if resp != nil { // an initial response carries the user name
			l.user = string(resp)
			l.step++
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 1:
		l.user = string(resp)
		l.step++
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(l.user, string(resp))
	}
}

var cramSeq atomic.Int64

// cramServer is the server side of CRAM-MD5 (RFC 2195).
type cramServer struct {
	users     map[string]string
	ok        func(string)
	challenge string
}

func (c *cramServer) Next(resp []byte) ([]byte, bool, error) {
	if c.challenge == "" {
		c.challenge = fmt.Sprintf("<%d.%d@smtptest.example>", cramSeq.Add(1), 1700000000)
		return []byte(c.challenge), false, nil
	}
	user, digest, found := strings.Cut(string(resp), " ")
	pass, known := c.users[user]
	if !found || !known {
		return nil, true, smtp.ErrAuthFailed
	}
	m := hmac.New(md5.New, []byte(pass))
	m.Write([]byte(c.challenge))
	if !hmac.Equal([]byte(hex.EncodeToString(m.Sum(nil))), []byte(digest)) {
		return nil, true, smtp.ErrAuthFailed
	}
	c.ok(user)
	return nil, true, nil
}

// xoauth2Server is the server side of XOAUTH2: "user=U^Aauth=Bearer
// T^A^A"; a bad token gets a JSON error in a 334, then a failure after
// the client's empty answer.
type xoauth2Server struct {
	tokens map[string]string
	ok     func(string)
	failed bool
}

func (x *xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	if x.failed {
		return nil, true, smtp.ErrAuthFailed
	}
	if resp == nil {
		return []byte{}, false, nil
	}
	var user, token string
	for _, kv := range strings.Split(string(resp), "\x01") {
		if v, ok := strings.CutPrefix(kv, "user="); ok {
			user = v
		}
		if v, ok := strings.CutPrefix(kv, "auth=Bearer "); ok {
			token = v
		}
	}
	if t, known := x.tokens[user]; known && t == token && token != "" {
		x.ok(user)
		return nil, true, nil
	}
	x.failed = true
	return []byte(`{"status":"401","schemes":"bearer","scope":"https://mail.example/"}`), false, nil
}
