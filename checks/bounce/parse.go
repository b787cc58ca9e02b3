package bounce

import (
	"bytes"
	"errors"
	"strings"
)

// Errors about a message as a whole. A message with one of these is
// warned about; whatever could still be read is kept.
var (
	ErrEmpty     = errors.New("bounce: empty message")
	ErrNoHeader  = errors.New("bounce: no header fields: not a mail message")
	ErrTruncated = errors.New("bounce: message is truncated (a MIME part never ends)")
)

// Result is what one message yields.
type Result struct {
	// Records has one entry per recipient the report is about, in the
	// order the report lists them; nil when the message is no bounce.
	Records []Record
	// Agent names the recognised format, "" when none was.
	Agent string
	// Problem is set for a corrupt or truncated message; Records may
	// still hold what could be read.
	Problem error
}

// A reader recognises one format and reads it; nil means "not mine".
type reader struct {
	name string
	read func(m *message) *found
}

// Parse reads one message (any line endings) and returns its records.
// It never panics and never fails outright: a message it cannot make
// sense of yields no records, and Problem says why when the message
// itself is damaged.
func Parse(raw []byte) Result {
	if len(bytes.TrimSpace(raw)) == 0 {
		return Result{Problem: ErrEmpty}
	}
	m := parseMessage(raw)
	var res Result
	if len(m.header) == 0 {
		res.Problem = ErrNoHeader
	} else if m.truncated {
		res.Problem = ErrTruncated
	}
	for _, r := range readersFor(m) {
		f := safeRead(r, m)
		if f == nil || len(f.list) == 0 {
			continue
		}
		recs := build(m, f, r.name)
		if len(recs) == 0 {
			continue
		}
		res.Records = recs
		res.Agent = r.name
		return res
	}
	return res
}

// safeRead runs one reader; a reader that trips over hostile input
// counts as not recognising it.
func safeRead(r reader, m *message) (f *found) {
	defer func() {
		if recover() != nil {
			f = nil
		}
	}()
	return r.read(m)
}

// readersFor orders the readers: the feedback and auto-reply formats
// first when the header says so, then the server-specific formats (those
// the Subject points at first), then the standard DSN, then the rest.
func readersFor(m *message) []reader {
	ct := strings.ToLower(m.header.get("content-type"))
	var out []reader
	if strings.Contains(ct, "feedback-report") || strings.Contains(m.body, markFeedback) {
		out = append(out, reader{"arf", readARF})
	}
	out = append(out, vendorReaders(m)...)
	out = append(out, reader{"rfc3464", readRFC3464}, reader{"arf", readARF}, reader{"rfc3834", readAutoReply})
	return out
}

// vendors are the server-specific formats, in the order they are tried.
var vendors []vendor

// A vendor format: its reader, and the Subject prefixes that make it
// likely (tried before the others).
type vendor struct {
	name     string
	subjects []string
	read     func(m *message) *found
}

func vendorReaders(m *message) []reader {
	subj := strings.ToLower(m.header.text("subject"))
	var first, rest []reader
	for _, v := range vendors {
		r := reader{v.name, v.read}
		likely := false
		for _, s := range v.subjects {
			if strings.HasPrefix(subj, s) {
				likely = true
				break
			}
		}
		if likely {
			first = append(first, r)
		} else {
			rest = append(rest, r)
		}
	}
	return append(first, rest...)
}
