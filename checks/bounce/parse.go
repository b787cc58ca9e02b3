package bounce

import (
	"bytes"
	"strings"

	"github.com/relayctl/relayctl/checks"
)

// Errors about a message as a whole. A message with one of these is
// warned about; whatever could still be read is kept. Their Error()
// starts "bounce: "; checks.Message gives the words alone, for people.
var (
	ErrEmpty     error = &checks.Error{Pkg: pkg, Msg: "empty message"}
	ErrNoHeader  error = &checks.Error{Pkg: pkg, Msg: "no header fields: not a mail message"}
	ErrTruncated error = &checks.Error{Pkg: pkg, Msg: "message is truncated (a MIME part never ends)"}
)

// pkg names this package in errors for logs (checks.Error.Pkg).
const pkg = "bounce"

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
func Parse(raw []byte) Result { return parse(raw, true) }

// parse is Parse; with recoverPanics false a reader's panic is not
// caught, so that the fuzz targets find it rather than have it hidden.
func parse(raw []byte, recoverPanics bool) Result {
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
	var dsn *found
	dsnRead := false
	try := func(r reader) bool {
		f := safeRead(r, m, recoverPanics)
		if f == nil || len(f.list) == 0 {
			return false
		}
		if r.name != "rfc3464" && needsStated(f) && strings.Contains(m.body, markDSN) {
			if !dsnRead {
				dsn, dsnRead = safeRead(reader{"rfc3464", readRFC3464}, m, recoverPanics), true
			}
			mergeStated(f, dsn)
		}
		if r.name != "rfc3464" && !hasMessageID(f.original) &&
			(strings.Contains(m.body, markHeaders) || strings.Contains(m.body, markRFC822)) {
			// The returned message's own part (RFC 3464 §2) when the
			// reader's cut found no header there.
			if _, o := splitOriginal(m.body); originalHeader(o).Has("message-id") {
				f.original = o
			}
		}
		recs := build(m, f, r.name)
		if len(recs) == 0 {
			return false
		}
		res.Records, res.Agent = recs, r.name
		return true
	}
	// The feedback format first when the header says so, then the
	// server-specific formats (those the Subject points at first), then
	// the standard DSN, then feedback and auto-replies.
	ct := strings.ToLower(m.header.Get("content-type"))
	if strings.Contains(ct, "feedback-report") || strings.Contains(m.body, markFeedback) {
		if try(reader{"arf", readARF}) {
			return res
		}
	}
	subj := strings.ToLower(m.subject())
	likely := make([]bool, len(vendors))
	for i, v := range vendors {
		for _, s := range v.subjects {
			if strings.HasPrefix(subj, s) {
				likely[i] = true
				if try(reader{v.name, v.read}) {
					return res
				}
				break
			}
		}
	}
	for i, v := range vendors {
		if !likely[i] && try(reader{v.name, v.read}) {
			return res
		}
	}
	for _, r := range []reader{{"rfc3464", readRFC3464}, {"arf", readARF}, {"rfc3834", readAutoReply}, {"fallback", readFallback}} {
		if try(r) {
			return res
		}
	}
	return res
}

// safeRead runs one reader; a reader that trips over hostile input
// counts as not recognising it (unless recoverPanics is false).
func safeRead(r reader, m *message, recoverPanics bool) (f *found) {
	if !recoverPanics {
		return r.read(m)
	}
	defer func() {
		if recover() != nil {
			f = nil
		}
	}()
	return r.read(m)
}

// mergeStated gives a server-specific reader's recipients what the
// message's own status part states and the reader left out: the Status
// and Action fields of the same recipient (RFC 3464 §2.3.3, §2.3.4), so
// that no pseudo status replaces a code the message carries.
func mergeStated(f, dsn *found) {
	if dsn == nil {
		return
	}
	for i := range f.list {
		d := &f.list[i]
		for _, s := range dsn.list {
			if !strings.EqualFold(normalizeRecipient(s.recipient), normalizeRecipient(d.recipient)) {
				continue
			}
			if d.status == "" || isPseudo(d.status) && s.status != "" {
				d.status = s.status
			}
			if d.action == "" {
				d.action = s.action
			}
			break
		}
	}
}

// isPseudo reports whether a status code is one of the "X.0.9xx" codes
// that name a reason rather than come from a message.
func isPseudo(s string) bool {
	return len(s) == 7 && s[1:5] == ".0.9"
}

// needsStated reports whether a reader left a recipient without the
// status or action a status part could give.
func needsStated(f *found) bool {
	for _, d := range f.list {
		if d.status == "" || d.action == "" || isPseudo(d.status) {
			return true
		}
	}
	return false
}

// hasMessageID reports whether the header block at the start of text
// has a Message-ID field.
func hasMessageID(text string) bool {
	if i := strings.Index(text, "\n\n"); i >= 0 {
		text = text[:i]
	}
	return strings.HasPrefix(strings.ToLower(text[:min(len(text), 11)]), "message-id:") || indexFold(text, "\nmessage-id:") >= 0
}
