package send

import (
	"fmt"
	"io"
	"strings"
	"sync"
)

// Transcript marks, one per line, as swaks draws them:
//
//	->  sent in clear          <-  received in clear
//	~>  sent inside TLS        <~  received inside TLS
//	**  TLS and connection events, relayctl's own notes
const (
	markSent        = "->"
	markReceived    = "<-"
	markSentTLS     = "~>"
	markReceivedTLS = "<~"
	markInfo        = "**"
)

// Transcript writes the SMTP dialogue of every connection to one writer,
// a whole line at a time so that concurrent connections do not interleave
// inside a line. A nil *Transcript writes nothing.
type Transcript struct {
	mu sync.Mutex
	w  io.Writer
}

// NewTranscript returns a transcript on w (stderr for -v), or nil for a
// nil w.
func NewTranscript(w io.Writer) *Transcript {
	if w == nil {
		return nil
	}
	return &Transcript{w: w}
}

// connLog is one connection's view of the transcript.
type connLog struct {
	t       *Transcript
	prefix  string // "[2] " in a batch with several connections
	secrets *secrets
}

func (l *connLog) enabled() bool { return l != nil && l.t != nil }

func (l *connLog) line(mark, text string) {
	if !l.enabled() {
		return
	}
	text = l.secrets.scrub(text)
	text = strings.Map(func(r rune) rune {
		// Control characters from the server must not reach a terminal.
		if r < 0x20 && r != '\t' || r == 0x7f {
			return '?'
		}
		return r
	}, text)
	l.t.mu.Lock()
	fmt.Fprintf(l.t.w, "%s%s %s\n", l.prefix, mark, text)
	l.t.mu.Unlock()
}

func (l *connLog) info(format string, a ...any) {
	if l.enabled() {
		l.line(markInfo, fmt.Sprintf(format, a...))
	}
}
