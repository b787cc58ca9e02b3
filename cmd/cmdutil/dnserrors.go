package cmdutil

import (
	"errors"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
)

// dnsError is an error of the resolver (checks/dnsx) or of the zone file
// parser under it, kept whole for errors.Is and As, with the text a
// person reads beside it.
type dnsError struct {
	err  error
	msg  string
	hint string // what to do, after the message in parentheses
}

func (e *dnsError) Error() string { return e.err.Error() }
func (e *dnsError) Unwrap() error { return e.err }

func (e *dnsError) Message() string {
	if e.hint == "" {
		return e.msg
	}
	return e.msg + " (" + e.hint + ")"
}

// resolverError is the one place that turns the resolver's errors into a
// person's words; flagPath is the --zone value the error is about, if
// any, which the message then does not repeat. A zone error names its
// file (unless it is flagPath) and its reason; any other error that
// speaks for itself (checks.Messager) is taken as it is.
func resolverError(err error, flagPath string) *dnsError {
	var ze *dnsx.ZoneError
	if errors.As(err, &ze) {
		if ze.File == flagPath {
			return &dnsError{err: err, msg: ze.Reason()}
		}
		return &dnsError{err: err, msg: ze.Message()}
	}
	return &dnsError{err: err, msg: checks.Message(err)}
}
