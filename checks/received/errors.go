package received

import (
	"errors"

	"github.com/relayctl/relayctl/checks/internal/cfws"
)

// Sentinel errors; every *SyntaxError wraps one of them.
var (
	ErrSyntax  = errors.New("received: syntax error")
	ErrNoDate  = errors.New("received: no date-time after the last ';'")
	ErrBadDate = errors.New("received: unreadable date-time")
	ErrTooLong = errors.New("received: field too long")
)

type pkg struct{}

func (pkg) Prefix() string { return "received" }

// SyntaxError is a problem in one field at a 1-based byte column of the
// unfolded field body (0 when it concerns the field as a whole). Error()
// starts "received: "; Message() is the same without it.
type SyntaxError = cfws.SyntaxError[pkg]

func syntaxError(pos int, kind error, msg string) *SyntaxError { return cfws.At[pkg](pos, kind, msg) }

// lexError is a lexer's error as ours.
func lexError(e *cfws.Error) *SyntaxError { return cfws.FromLex[pkg](e, ErrTooLong, ErrSyntax) }
