package mailin

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"strconv"
	"sync"
)

// scanMbox splits an mbox (RFC 4155) into messages: each starts with a
// "From " line at the start of the file or after a blank line. Quoted
// lines (">From ", ">>From "…) lose one ">" (the mboxrd convention, which
// also reads mboxo files right). Messages are emitted one by one, so
// memory holds one message, however large the file.
func scanMbox(ctx context.Context, source string, br *bufio.Reader, emit func(Input) error) error {
	// Each message is read straight into a buffer of its own, which goes
	// with it to emit (the caller may hand it back with Release).
	cur := newMessage()
	n := 0
	started := false
	prevBlank := true
	cut := false // the current message outgrew MaxMessage
	flush := func() error {
		if !started {
			return nil
		}
		n++
		data := cur
		// The blank line before the next "From " belongs to the format.
		if bytes.HasSuffix(data, []byte("\n\n")) {
			data = data[:len(data)-1]
		} else if bytes.HasSuffix(data, []byte("\r\n\r\n")) {
			data = data[:len(data)-2]
		}
		cur = newMessage()
		truncated := cut
		cut = false
		return emit(Input{Source: source + "#" + strconv.Itoa(n), Data: data, Truncated: truncated})
	}
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			// A line longer than the buffer: keep reading it whole, but
			// hold no more of it than a message may hold.
			long := append([]byte(nil), line...)
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				if len(long) <= MaxMessage {
					long = append(long, line...)
				} else {
					cut = true
				}
			}
			line = long
		}
		if len(line) > 0 {
			if prevBlank && bytes.HasPrefix(line, []byte("From ")) {
				if err := ctx.Err(); err != nil {
					return err
				}
				if e := flush(); e != nil {
					return e
				}
				started = true
				prevBlank = false
				continue
			}
			if !started {
				started = true // text before the first From line: a message of its own
			}
			trimmed := bytes.TrimRight(line, "\r\n")
			prevBlank = len(trimmed) == 0
			if unquoteFrom(trimmed) {
				line = line[1:]
			}
			if len(cur)+len(line) <= MaxMessage {
				cur = append(cur, line...)
			} else {
				cut = true
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			if e := flush(); e != nil {
				return e
			}
			if e := stopped(ctx, err); e != nil {
				return e
			}
			return emit(unreadable(source, err))
		}
	}
	return flush()
}

// unquoteFrom reports whether a line is a quoted From line: one or more
// ">" and then "From ".
func unquoteFrom(line []byte) bool {
	i := 0
	for i < len(line) && line[i] == '>' {
		i++
	}
	return i > 0 && bytes.HasPrefix(line[i:], []byte("From "))
}

// Message buffers are recycled: a message read from an mbox is copied
// into one, and the caller hands it back (Release) once done with it, so
// that reading a large mbox makes no garbage per message. Buffers larger
// than maxPooled (a rare huge message) are left to the garbage collector.
var messagePool sync.Pool // of *[]byte

const maxPooled = 1 << 20

// newMessage returns an empty buffer for a message.
func newMessage() []byte {
	if p, ok := messagePool.Get().(*[]byte); ok {
		return (*p)[:0]
	}
	return nil
}

// Release gives the Data of an Input that Scan emitted back for reuse,
// once nothing refers to it any more: the caller must not use it (or a
// slice of it) afterwards. Calling it is optional; it saves allocating
// a buffer per message when an mbox is read.
func Release(b []byte) {
	if cap(b) == 0 || cap(b) > maxPooled {
		return
	}
	b = b[:0]
	messagePool.Put(&b)
}
