package dnsx

import (
	"errors"
	"io/fs"

	"github.com/relayctl/relayctl/internal/textutil"
)

// ZoneError is a zone file (or a folder of them, for --zone) that could
// not be read or parsed. Its parts are data so the file is named once:
// Error() is "dnsx: zone FILE: …" for logs; Message() is "FILE: reason"
// for a person, and Reason() the reason alone, for a caller that has
// named the file already (the --zone flag's own value).
type ZoneError struct {
	File string // the file, or the folder for a folder-level problem
	Msg  string // our own words, when there is no cause
	Err  error  // the cause: the system's error, or the zone parser's
}

func (e *ZoneError) Error() string {
	s := "dnsx: zone"
	if e.File != "" {
		s += " " + e.File
	}
	if e.Err != nil {
		return s + ": " + e.Err.Error()
	}
	return s + ": " + e.Msg
}

func (e *ZoneError) Unwrap() error { return e.Err }

// Reason is what is wrong, without the file's name: the system's reason
// for a file that cannot be opened, the zone parser's words (line and
// column included) without its package prefix, or Msg.
func (e *ZoneError) Reason() string {
	if e.Err == nil {
		return e.Msg
	}
	var pe *fs.PathError
	if errors.As(e.Err, &pe) {
		return pe.Err.Error()
	}
	return textutil.LibraryText(e.Err)
}

// Message is the text for a person: the file, then the reason.
func (e *ZoneError) Message() string {
	if e.File == "" {
		return e.Reason()
	}
	return e.File + ": " + e.Reason()
}
