// Package send is the SMTP submission client behind "relayctl send": one
// message or a batch through a relay, with an exact, scriptable outcome.
//
// The dialogue follows RFC 5321 (SMTP), RFC 3207 (STARTTLS), RFC 8314
// (implicit TLS on 465), RFC 4954 (AUTH) with the PLAIN (RFC 4616), LOGIN,
// CRAM-MD5 (RFC 2195) and XOAUTH2 mechanisms, RFC 2920 (PIPELINING), RFC
// 3463 (enhanced status codes) and RFC 6531 (SMTPUTF8). Messages are built
// per RFC 5322 and MIME (RFC 2045-2047, RFC 2231) and may be DKIM-signed
// (RFC 6376, RFC 8463) with go-msgauth.
//
// What scripts can rely on: a Record per message with every recipient's
// reply, the final reply and its queue id; secrets (password, token and
// their base64 forms) never leave the package in a record, an error or the
// transcript; a message whose final dot got no reply is reported as
// ResultUnknown and never sent again.
package send

import (
	"fmt"

	"github.com/relayctl/relayctl/checks"
)

// Sentinel errors. Errors the package returns are *checks.Error of one
// of these kinds (errors.Is matches them); their Error() starts with
// "send: ", their message for a person does not.
var (
	// ErrBadInput is input that can never be sent: a malformed address, a
	// header name that is not one, a key that does not parse.
	ErrBadInput error = sentinel("bad input")
	// ErrInjection is a CR or LF inside a single-line value (a header
	// value, an address, a subject): a header injection attempt.
	ErrInjection error = sentinel("line break in a single-line value")
	// ErrProtocol is a server reply that is not SMTP. Malformed replies
	// themselves are smtpwire's protocol errors.
	ErrProtocol error = sentinel("malformed reply")
	// ErrNoReply is a final dot sent without a reply coming back.
	ErrNoReply error = sentinel("no reply to the final dot")
	// ErrPolicy is a step relayctl refuses to take, such as sending
	// credentials over a connection that is not encrypted.
	ErrPolicy error = sentinel("refused")
)

func sentinel(msg string) *checks.Error { return &checks.Error{Pkg: "send", Msg: msg} }

// errorf is an error of kind (a sentinel above) whose message starts with
// what the kind says — errorf(ErrPolicy, "…") reads "refused: …" — except
// for bad input, whose detail ("--header "x": want "Name: value"") says
// it all.
func errorf(kind error, format string, a ...any) error {
	msg := fmt.Sprintf(format, a...)
	if kind != ErrBadInput {
		msg = checks.Message(kind) + ": " + msg
	}
	return &checks.Error{Pkg: "send", Kind: kind, Msg: msg}
}

// wrap says what failed about cause, keeping the cause's own message.
func wrap(what string, cause error) error {
	return &checks.Error{Pkg: "send", Msg: what, Err: cause}
}
