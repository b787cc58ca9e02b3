package cmdutil

import (
	"errors"
	"io/fs"
	"strings"

	"github.com/relayctl/relayctl/checks"
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
// any. An error that speaks for itself (checks.Messager) is taken as it
// is, and a zone file that cannot be opened is the system's reason, after
// the file's name unless the flag gives it. Otherwise the words come from the
// error's text without the prefixes it carries ("dnsx: zone FILE: ", and
// "dns: " from the zone parser), naming FILE only when it is a file of
// the folder flagPath: checks/dnsx does not type these errors yet.
func resolverError(err error, flagPath string) *dnsError {
	var pe *fs.PathError
	if _, ok := err.(checks.Messager); ok {
		return &dnsError{err: err, msg: checks.Message(err)}
	}
	if errors.As(err, &pe) && flagPath != "" {
		if pe.Path == flagPath {
			return &dnsError{err: err, msg: pe.Err.Error()}
		}
		return &dnsError{err: err, msg: pe.Path + ": " + pe.Err.Error()}
	}
	s := strings.TrimPrefix(err.Error(), "dnsx: ")
	file := ""
	if rest, ok := strings.CutPrefix(s, "zone: "); ok {
		s = rest
	} else if rest, ok := strings.CutPrefix(s, "zone "); ok {
		if f, after, ok := strings.Cut(rest, ": "); ok {
			file, s = f, after
		}
	}
	if file != "" {
		s = strings.TrimPrefix(s, file+": ")
	}
	s = strings.TrimPrefix(s, "dns: ")
	if file != "" && file != flagPath {
		s = file + ": " + s
	}
	return &dnsError{err: err, msg: s}
}
