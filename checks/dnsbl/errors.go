package dnsbl

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/internal/textutil"
)

// errorf is an error of kind in a person's words: Error() has the
// package prefix, Message() not.
func errorf(kind error, format string, a ...any) error {
	return checks.NewError("dnsbl", kind, fmt.Sprintf(format, a...))
}

// wrapf is errorf saying what it says about cause.
func wrapf(kind, cause error, format string, a ...any) error {
	return checks.WrapError("dnsbl", kind, fmt.Sprintf(format, a...), cause)
}

// at puts where an error happened (a file and line) before it, adding no
// package prefix of its own.
func at(where string, err error) error {
	return &checks.Error{Msg: where, Err: err}
}

// fail marks res as an error, in err's text for a person (Result.Fail
// keeps Error(), which is for logs).
func fail(res *checks.Result, err error) {
	res.Fail(err)
	res.Error = checks.Message(err)
}

// redactedError is a query's failure with the account keys taken out of
// its text: a key is part of the zone name asked, so a DNS error names
// it. The cause stays reachable for errors.Is (a timeout, a SERVFAIL).
type redactedError struct {
	err  error
	keys Keys
}

func (e *redactedError) Error() string   { return redact(e.err.Error(), e.keys) }
func (e *redactedError) Message() string { return redact(checks.Message(e.err), e.keys) }
func (e *redactedError) Unwrap() error   { return e.err }

func redactErr(err error, keys Keys) error {
	if err == nil {
		return nil
	}
	return &redactedError{err: err, keys: keys}
}

// yamlError is the YAML parser's complaint about a lists file in our
// words: its "yaml: " prefix dropped, and a decoding error's Go type
// names replaced by what the file should hold. The parser's error stays
// the cause.
type yamlError struct {
	err error
	msg string
}

func (e *yamlError) Error() string { return e.msg }
func (e *yamlError) Unwrap() error { return e.err }

var (
	yamlUnknownField = regexp.MustCompile(`^(line \d+): field (\S+) not found in type \S+$`)
	yamlWrongType    = regexp.MustCompile("^(line \\d+): cannot unmarshal !!\\w+ `(.*)` into (\\S+)$")
)

func newYAMLError(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return &yamlError{err: err, msg: textutil.LibraryText(err)}
	}
	msgs := make([]string, len(te.Errors))
	for i, m := range te.Errors {
		if p := yamlUnknownField.FindStringSubmatch(m); p != nil {
			m = fmt.Sprintf("%s: unknown key %q", p[1], p[2])
		} else if p := yamlWrongType.FindStringSubmatch(m); p != nil {
			m = fmt.Sprintf("%s: %q: want %s", p[1], p[2], yamlWant(p[3]))
		}
		msgs[i] = m
	}
	return &yamlError{err: err, msg: strings.Join(msgs, "; ")}
}

// yamlWant says what a Go type the file is decoded into holds.
func yamlWant(goType string) string {
	switch {
	case goType == "bool" || goType == "*bool":
		return "true or false"
	case strings.HasPrefix(goType, "int") || strings.HasPrefix(goType, "uint"):
		return "a number"
	case goType == "string":
		return "text"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	}
	return "a mapping"
}
