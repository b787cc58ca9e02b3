// Package listfile reads the lists relayctl takes one item a line (the
// --file of blacklist and of the check commands, verify's input and its
// disposable-domain list): blank lines and everything from a '#' on are
// left out, and each item comes with its line number for messages.
package listfile

import (
	"bufio"
	"io"
	"iter"
	"strings"
)

// Line is one item of a list: its text, trimmed, and where it stands
// (from 1).
type Line struct {
	N    int
	Text string
}

// Lines yields the items of r, one a line, each at most max bytes long.
// A read error, or a line longer than max (bufio.ErrTooLong), ends the
// sequence with that error and the number of the line it stopped at.
func Lines(r io.Reader, max int) iter.Seq2[Line, error] {
	return func(yield func(Line, error) bool) {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, min(max, 4096)), max)
		n := 0
		for sc.Scan() {
			n++
			text, _, _ := strings.Cut(sc.Text(), "#")
			text = strings.TrimSpace(text)
			if text == "" {
				continue
			}
			if !yield(Line{N: n, Text: text}, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield(Line{N: n + 1}, err)
		}
	}
}
