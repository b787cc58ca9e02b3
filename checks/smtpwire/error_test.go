package smtpwire

import (
	"errors"
	"testing"

	"github.com/relayctl/relayctl/checks"
)

func TestRefused(t *testing.T) {
	banner, _ := read("554 5.7.1 no service for you\r\n")
	starttls, _ := read("454 4.7.0 TLS not available\r\n")
	for _, c := range []struct {
		e    *Error
		msg  string
		perm bool
	}{
		{Refused("", banner), "the server greeted with 554 5.7.1 no service for you", true},
		{Refused("STARTTLS", starttls), "STARTTLS was refused: 454 4.7.0 TLS not available", false},
		{&Error{Code: 421, Command: "EHLO"}, "EHLO was refused: 421", false},
	} {
		var err error = c.e
		var se *Error
		if checks.Message(err) != c.msg || err.Error() != "smtpwire: "+c.msg || !errors.As(err, &se) || se.Permanent != c.perm {
			t.Errorf("%q / %q, permanent %v", checks.Message(err), err.Error(), c.e.Permanent)
		}
	}
	if e := Refused("MAIL", banner); e.Code != 554 || e.Secode != "5.7.1" || e.Reply != banner {
		t.Errorf("%+v", e)
	}
}
